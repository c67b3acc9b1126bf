"""My caseload and drafts, a team leader allocating a waiting case and extending an overdue
timescale, the allocation part of a record, and printing, all in the line mode against the real
services."""

from __future__ import annotations

import dataclasses
import stat

from ics.alerts.v1 import alerts_pb2 as apb
from ics.records.v1 import records_pb2 as pb
from tests.helpers import a, call, referred_child, wait_for
from tests.line.test_line_mode import answers, assert_said_once, drive
from tui.core.client import IcsClient
from tui.core.printing import OutputSettings


def test_leader_allocates_a_waiting_case_and_the_worker_finds_it_on_their_caseload(stack, client_factory, tmp_path):
    duty = client_factory("duty")
    reply = referred_child(duty, "Juniper")
    child = reply.person

    text = drive(stack, ["login", "leader", "demo", "waiting", "allocate 1", "nobody", "allocate 1", "", "",
                         "quit"], tmp_path)
    assert_said_once(text)
    blocks = answers(text)
    waiting = blocks[2]
    assert waiting[0].endswith("waiting for a worker.")
    number = next(line.split(".")[0] for line in waiting if child.display_name in line)
    assert number == "1"  # only case waiting in this module so far
    assert "nobody allocated" in waiting[1]
    assert "Give a number from 1 to" in " ".join(blocks[3])  # "nobody" is not a worker's number

    # The workers are listed by name; pick Wes Worker by the number shown.
    listing = blocks[4]
    wes = next(line.split(".")[0] for line in listing if line.split(". ", 1)[-1].startswith("Wes Worker (worker)"))
    text = drive(stack, ["login", "leader", "demo", "waiting", "allocate 1", wes, "Assessment needed", "waiting",
                         "quit"], tmp_path)
    blocks = answers(text)
    assert f"Allocated {child.display_name} to Wes Worker from" in " ".join(blocks[3])
    assert not any(child.display_name in line for line in blocks[4])

    document = call(client_factory("worker"), "CreateDocument", pb.CreateDocumentRequest(
        person=child.name, template_id="single-assessment", answers={"reason": a("School concern")}))
    text = drive(stack, ["login", "worker", "demo", "caseload", "open 1", "allocation", "drafts", "quit"], tmp_path)
    assert_said_once(text)
    blocks = answers(text)
    caseload = blocks[2]
    assert caseload[0] == "1 child allocated to you."
    assert caseload[1].startswith(f"1. {child.display_name} ({child.name}), yours since ")
    assert "1 record being written" in caseload[1]
    assert blocks[3][0] == f"Opened the record of {child.display_name}."
    assert blocks[4][0] == "Allocation:" and blocks[4][1].startswith("Wes Worker, from ")
    assert "Reason: Assessment needed. Allocated by Lee Leader." in blocks[4][1]
    drafts = blocks[5]
    assert drafts[0] == "1 unfinished piece of work."
    assert drafts[1] == (f"1. Single Assessment for {child.display_name}, started "
                         f"{drafts[1].split('started ')[1].split(',')[0]}, being written ({document.name}).")


def test_continue_a_draft_from_the_list(stack, client_factory, tmp_path):
    duty = client_factory("duty")
    child = referred_child(duty, "Rowan", decide=False).person
    call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="case-note"))
    text = drive(stack, ["login", "duty", "demo", "drafts", "continue 9", "continue 1", "stop", "quit"], tmp_path)
    blocks = answers(text)
    rows = [line for line in blocks[2] if f"Case Note for {child.display_name}" in line]
    assert rows and "being written" in rows[0]
    assert "There is only one; type continue 1." in " ".join(blocks[3])
    assert blocks[4][0].startswith(f"Writing the Case Note for {child.display_name}.")


def test_leader_extends_an_overdue_timescale_with_a_reason(stack, client_factory, tmp_path):
    duty = client_factory("duty")
    reply = referred_child(duty, "Hazel", received="2026-10-01", decide=False)
    clock = wait_for(lambda: [c for c in duty.person_clocks(reply.person.name) if c.overdue],
                     what="the referral's overdue clock")[0]
    text = drive(stack, ["login", "leader", "demo", "overdue", "extend 1", "", "extend 1", "2099-01-05", "",
                         "extend 1", "2099-01-05", "Family away; agreed with the family", "extensions", "quit"],
                 tmp_path)
    assert_said_once(text)
    blocks = answers(text)
    listed = blocks[2]
    assert listed[0].endswith("in your teams.")
    assert any(reply.person.display_name in line and "held by the team" in line for line in listed)
    assert "Type the agreed new due date (YYYY-MM-DD) first; nothing was changed." in " ".join(blocks[3])
    assert "Type why the timescale does not fit this child first; nothing was changed." in " ".join(blocks[4])
    assert "Extended: " in " ".join(blocks[5]) and "due Mon 5 Jan 2099" in " ".join(blocks[5])
    extensions = " ".join(blocks[6])
    assert (f"Referral decision due for {reply.person.display_name}: extended by Lee Leader, due date moved from "
            f"{extensions.split('moved from ')[1].split(' to ')[0]} to Mon 5 Jan 2099. "
            "Reason: Family away; agreed with the family") in extensions
    assert call(duty, "GetClock", apb.GetClockRequest(name=clock.name), service="alerts").due_date == "2099-01-05"


def test_print_saves_a_copy_in_the_configured_folder(stack, client_factory, tmp_path):
    duty = client_factory("duty")
    child = referred_child(duty, "Aspen", decide=False).person
    document = call(duty, "CreateDocument", pb.CreateDocumentRequest(
        person=child.name, template_id="case-note", answers={"note_date": a("2026-11-03")}))
    folder = tmp_path / "prints"
    folder.mkdir()
    number = document.name.split("/")[1]
    client = IcsClient(dataclasses.replace(stack.targets(),
                                           output=OutputSettings(save_folder=str(folder), format="text")))
    try:
        text = drive(stack, ["login", "duty", "demo", "print", f"print {number}", "quit"], tmp_path, client=client)
    finally:
        client.close()
    blocks = answers(text)
    assert "Type print and the document's number" in " ".join(blocks[2])
    [saved] = list(folder.iterdir())
    assert " ".join(blocks[3]) == f"Saved as {saved}"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert child.display_name.split(",")[0] in saved.read_text() and "Case note" in saved.read_text()

    client = IcsClient(dataclasses.replace(stack.targets(),
                                           output=OutputSettings(save_folder=str(folder), format="text")))
    try:
        drive(stack, ["login", "duty", "demo", f"print {number} family", "quit"], tmp_path, client=client)
        family = [p for p in folder.iterdir() if p != saved]
        assert len(family) == 1 and family[0].read_text().startswith(
            "OFFICIAL-SENSITIVE\nPrivate: about you and your family.\n\nA note about you\n")
        drive(stack, ["login", "duty", "demo", f"print {number} welsh", "quit"], tmp_path, client=client)
    finally:
        client.close()
    welsh = [p for p in folder.iterdir() if p != saved and p not in family]
    assert len(welsh) == 1 and welsh[0].read_text().startswith(
        "SWYDDOGOL-SENSITIF / OFFICIAL-SENSITIVE\nPreifat: amdanoch chi a'ch teulu.\n\nNodyn amdanoch chi\n")

    unset = IcsClient(dataclasses.replace(stack.targets(), output=OutputSettings()))
    try:
        text = drive(stack, ["login", "duty", "demo", f"print {number}", "quit"], tmp_path, client=unset)
    finally:
        unset.close()
    assert "Printing and saving are not set up on this server." in " ".join(answers(text)[2])


def test_hear_a_completed_document_and_record_a_parents_signature(stack, client_factory, tmp_path):
    duty = client_factory("duty")
    child = referred_child(duty, "Cedar", decide=False).person
    note = call(duty, "CreateDocument", pb.CreateDocumentRequest(
        person=child.name, template_id="case-note", answers={"note_date": a("2026-11-03"), "note_type": a("home_visit")}))
    number = note.name.split("/")[1]
    text = drive(stack, ["login", "duty", "demo", f"sign {number}", "1", "Sam Cedar", "quit"], tmp_path)
    assert "Only a completed Case Note can be signed: it is in progress." in " ".join(answers(text)[2])

    call(duty, "EndDocument", pb.EndDocumentRequest(name=note.name, etag=note.etag, state=pb.DOCUMENT_STATE_COMPLETED))
    text = drive(stack, ["login", "duty", "demo", f"sign {number}", "", f"sign {number}", "1", "Sam Cedar",
                         f"document {number}", "quit"], tmp_path)
    assert_said_once(text)
    blocks = answers(text)
    assert "Say who is signing; nothing was signed." in " ".join(blocks[2])
    assert "Choices for Who is signing:" in blocks[3] and "1. a parent or carer, in front of me" in blocks[3]
    assert blocks[3][-1] == "Signed. The Case Note now carries 2 signatures."
    heard = blocks[4]
    assert heard[0] == "Case Note." and f"Child: {child.display_name}." in heard
    assert any(line.startswith("Signed by Sam Cedar as parent or carer, signed in person, witnessed by Dana Duty")
               for line in heard)
    assert not any(set(line) <= set("=-_ ") for line in heard)  # no rules or blank signature lines read out
    signed = call(duty, "GetDocument", pb.GetDocumentRequest(name=note.name))
    assert [(s.role, s.method, s.signer_name) for s in signed.signatures][-1] == (
        "parent", "witnessed_in_person", "Sam Cedar")
