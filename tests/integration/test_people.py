"""People: national identifiers checked and never shared; characteristics with answer statuses."""

from __future__ import annotations

import uuid

import pytest
from google.protobuf import field_mask_pb2

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.records.identifiers import upn_check_letter
from tui.core.errors import ServiceError

ANSWERED, NOT_KNOWN, DECLINED = cpb.ANSWER_STATUS_ANSWERED, cpb.ANSWER_STATUS_NOT_KNOWN, cpb.ANSWER_STATUS_DECLINED


def nhs_number(seed: int) -> str:
    body = f"{seed:09d}"[-9:]
    for _ in range(20):
        check = 11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1))) % 11
        if check != 10:
            return body + str(0 if check == 11 else check)
        body = f"{int(body) + 1:09d}"
    raise AssertionError


def create(client, **fields) -> pb.Person:
    person = pb.Person(given_name="Ida", family_name=f"Ident{uuid.uuid4().hex[:8]}", date_of_birth="2014-01-02",
                       sex=pb.SEX_FEMALE, **fields)
    return client._call("records", client.records.CreatePerson, pb.CreatePersonRequest(person=person))


def test_identifiers_are_checked_and_belong_to_one_child(client_factory):
    duty = client_factory("duty")
    number = nhs_number(uuid.uuid4().int % 10**9)
    rest = f"{uuid.uuid4().int % 10**12:012d}"
    upn = upn_check_letter(rest) + rest
    first = create(duty, nhs_number=number, upn=upn)
    assert first.nhs_number == number and first.upn == upn
    with pytest.raises(ServiceError) as exc:
        create(duty, nhs_number=number)
    assert exc.value.code == "ALREADY_EXISTS" and exc.value.existing == first.name
    with pytest.raises(ServiceError) as exc:
        create(duty, upn=upn)
    assert exc.value.code == "ALREADY_EXISTS"
    slipped = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ServiceError) as exc:
        create(duty, nhs_number=slipped)
    assert exc.value.code == "INVALID_ARGUMENT" and "person.nhs_number" in exc.value.violations


def test_characteristics_keep_their_answer_status(client_factory):
    duty = client_factory("duty")
    person = create(duty, characteristics={
        "ethnicity": cpb.Answer(value="WBRI", status=ANSWERED),
        "religion": cpb.Answer(status=DECLINED, reason="Parent preferred not to say"),
        "first_language": cpb.Answer(status=NOT_KNOWN, reason="Not obtained: anonymous caller"),
    })
    stored = duty.get_person(person.name).characteristics
    assert stored["ethnicity"].value == "WBRI" and stored["ethnicity"].status == ANSWERED
    assert stored["religion"].status == DECLINED and stored["religion"].value == ""
    assert stored["first_language"].status == NOT_KNOWN
    assert "dietary_needs" not in stored  # never asked is never reported as "not known"

    with pytest.raises(ServiceError) as exc:
        create(duty, characteristics={"religion": cpb.Answer(status=ANSWERED)})
    assert exc.value.violations == {"person.characteristics.religion":
                                    "is marked answered but has no answer; choose not known or declined instead"}
    with pytest.raises(ServiceError) as exc:
        create(duty, characteristics={"star_sign": cpb.Answer(value="Leo", status=ANSWERED)})
    assert "person.characteristics.star_sign" in exc.value.violations

    updated = duty._call("records", duty.records.UpdatePerson, pb.UpdatePersonRequest(
        person=pb.Person(name=person.name, etag=person.etag,
                         characteristics={"religion": cpb.Answer(value="None", status=ANSWERED)}),
        update_mask=field_mask_pb2.FieldMask(paths=["characteristics"])))
    assert set(updated.characteristics) == {"religion"} and updated.characteristics["religion"].value == "None"
