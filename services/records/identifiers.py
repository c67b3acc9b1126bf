"""National identifiers checked as they are typed, so a mistyped digit is caught at the door
rather than becoming a second, unmatched record of the same child (R-DUP, L1989)."""

from __future__ import annotations

# The 23 letters the DfE uses for UPN check letters: I, O and S are left out.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def nhs_number_problem(value: str) -> str | None:
    """None if valid; otherwise why not. Spaces are allowed as typed: 943 476 5919."""
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return "must be 10 digits"
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        return "is not a valid NHS number (the check digit does not match); check it for a typing slip"
    return None


def upn_check_letter(rest: str) -> str:
    """The check letter for characters 2 to 13 of a UPN."""
    total = 0
    for weight, char in enumerate(rest, start=2):
        total += (UPN_LETTERS.index(char) if char.isalpha() else int(char)) * weight
    return UPN_LETTERS[total % 23]


def upn_problem(value: str) -> str | None:
    """None if valid: a check letter, 11 digits, then a digit (permanent) or a letter (temporary)."""
    upn = value.strip().upper()
    if len(upn) != 13:
        return "must be 13 characters: a letter, 11 digits, then a digit or letter"
    first, middle, last = upn[0], upn[1:12], upn[12]
    if first not in UPN_LETTERS or not middle.isdigit() or not (last.isdigit() or last in UPN_LETTERS):
        return "must be a letter, 11 digits, then a digit or letter (not I, O or S)"
    if upn_check_letter(upn[1:]) != first:
        return "is not a valid UPN (the check letter does not match); check it for a typing slip"
    return None


# The DfE's pseudo local authority number for made-up data: the demo and generated councils'
# pupil numbers can never be a real child's.
SYNTHETIC_LA = "001"


def synthetic_upn(school: int, start_year: int, serial: int) -> str:
    """A made-up but well-formed UPN: the pseudo LA, a school number, the year the child started
    school and a serial, after its check letter."""
    rest = f"{SYNTHETIC_LA}{school % 10000:04d}{start_year % 100:02d}{serial % 1000:03d}"
    return upn_check_letter(rest) + rest
