"""NHS numbers and UPNs: typing slips are caught, real shapes pass."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from services.records.identifiers import UPN_LETTERS, nhs_number_problem, upn_check_letter, upn_problem


def test_nhs_number_examples():
    assert nhs_number_problem("943 476 5919") is None       # the NHS's own published test number
    assert nhs_number_problem("9434765918") is not None     # last digit changed
    assert nhs_number_problem("12345") == "must be 10 digits"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 8), st.integers(1, 9))
def test_nhs_number_catches_every_single_digit_slip(body, position, delta):
    weights = range(10, 1, -1)
    check = 11 - sum(int(d) * w for d, w in zip(body, weights)) % 11
    if check == 10:
        return  # no valid number has this body
    number = body + str(0 if check == 11 else check)
    assert nhs_number_problem(number) is None
    slipped = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1:]
    assert nhs_number_problem(slipped) is not None


def test_upn_examples():
    rest = "80120101001"  # LA 801, school 2010, year 10, serial 001... then a final digit
    upn = upn_check_letter(rest + "2") + rest + "2"
    assert upn_problem(upn) is None
    assert upn_problem(upn.lower()) is None
    wrong = ("B" if upn[0] != "B" else "C") + upn[1:]
    assert "check letter" in upn_problem(wrong)
    assert upn_problem("A1234") is not None
    temporary = rest + "A"
    assert upn_problem(upn_check_letter(temporary) + temporary) is None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(1, 11), st.integers(1, 9))
def test_upn_catches_every_single_digit_slip(rest, position, delta):
    upn = upn_check_letter(rest) + rest
    assert upn_problem(upn) is None and upn[0] in UPN_LETTERS
    slipped = upn[:position] + str((int(upn[position]) + delta) % 10) + upn[position + 1:]
    assert upn_problem(slipped) is not None
