"""Emergency access, business support and the access report in the line mode, as a screen-reader
user types them, against the real services on both engines."""

from __future__ import annotations

import uuid

from ics.records.v1 import records_pb2 as pb
from tests.helpers import call
from tests.line.test_line_mode import answers, drive


def restricted_child(client_factory) -> pb.Person:
    duty, manager = client_factory("duty"), client_factory("manager")
    person = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Lineaccess", family_name=f"Fam{uuid.uuid4().hex[:6]}", date_of_birth="2016-01-02",
        sex=pb.SEX_MALE), confirmed_not_duplicate=True))
    current = call(manager, "GetPerson", pb.GetPersonRequest(name=person.name))
    call(manager, "SetRecordAccess", pb.SetRecordAccessRequest(person=person.name,
                                                               access_level=pb.ACCESS_LEVEL_RESTRICTED,
                                                               reason="Staff member's child", etag=current.etag))
    return person


def test_emergency_access_asks_why_and_says_who_is_told(stack, client_factory, tmp_path):
    person = restricted_child(client_factory)
    number = person.name.split("/")[1]
    text = drive(stack, ["login", "worker", "demo", "emergency", number, "",
                         "emergency", number, "Police at the door, need the safety plan", "quit"], tmp_path)
    blocks = answers(text)
    assert any("Emergency access needs a reason; nothing was opened." in line for line in blocks[2])
    opened = " ".join(blocks[3])
    assert f"Emergency access to {person.display_name} ({person.name}) is open until" in opened
    assert "Your team leaders have been told" in opened


def test_the_access_report_is_read_out_and_business_support_records_for_a_colleague(stack, client_factory,
                                                                                  tmp_path):
    worker = client_factory("worker")
    person = call(worker, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Lineaccess", family_name=f"Fam{uuid.uuid4().hex[:6]}", date_of_birth="2016-01-02",
        sex=pb.SEX_MALE), confirmed_not_duplicate=True))
    text = drive(stack, ["login", "support", "demo", "for worker", "for worker2", "for nobody", "quit"], tmp_path)
    blocks = answers(text)
    assert "You are now recording on behalf of Wes Worker." in " ".join(blocks[2])
    assert "There is no colleague called worker2 in your teams." in " ".join(blocks[3])
    assert "You are recording as yourself." in " ".join(blocks[4])

    report = drive(stack, ["login", "manager", "demo", f"who has seen {person.name.split('/')[1]}", "quit"], tmp_path)
    said = " ".join(answers(report)[2])
    assert f"Who has seen or changed the record of {person.display_name}." in said
    assert "Wes Worker added to the record." in said
    refused = drive(stack, ["login", "worker", "demo", f"who has seen {person.name}", "quit"], tmp_path)
    assert "Your role does not allow you to produce access reports." in " ".join(answers(refused)[2])
