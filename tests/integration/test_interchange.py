"""Between agencies: a referral exported with a completed record's sections, as JSON that meets the
published schema, and imported into another council's empty ICS as a contact for the same child,
once however often it arrives; broken messages are refused with every problem named by its JSON
path and nothing written; nobody exports a child they may not read. Both engines, through the
console commands (`ics admin share`)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import uuid

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from ics.records.v1 import records_pb2 as pb
from services.common.db import Database
from services.records import interchange
from services.records.models import (AuditEntry, ChronologyEntry, Contact, IdempotencyKey, OutboxEvent, Person,
                                     Referral)
from tests.conftest import running_stack
from tests.helpers import a, call

SERVICES = ("identity", "records", "alerts")


# --- the schema itself (no services needed) -------------------------------------------------------

def _properties(node, path="$"):
    """Every (path, property schema) declared anywhere in the schema, $defs included."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            yield f"{path}.properties.{name}", prop
        for key, value in node.items():
            yield from _properties(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _properties(value, f"{path}[{i}]")


def test_every_property_in_the_schema_is_described():
    schema = interchange.schema(1)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    found = list(_properties(schema))
    assert len(found) > 40
    undescribed = [p for p, prop in found if not str(prop.get("description", "")).strip()]
    assert undescribed == [], f"properties without a description: {undescribed}"
    for name, definition in schema["$defs"].items():
        assert definition.get("description"), f"$defs.{name} has no description"
    # Dates are ISO strings checked as dates.
    dated = [p for p, prop in found if p.endswith("date_of_birth") or p.endswith("_date")]
    assert dated and all(prop.get("format") == "date" for p, prop in found if p in dated)


def test_the_readme_example_is_a_valid_message():
    readme = (interchange.schema_path(1).parents[1] / "README.md").read_text()
    example = json.loads(readme.split("```json\n")[1].split("```")[0])
    assert interchange.problems(example) == []


def test_versions_the_importer_does_not_know_are_refused_plainly():
    said = dict(interchange.problems({"schema_version": "2.0", "kind": "referral"}))
    assert "not one this ICS reads" in said["$.schema_version"]
    assert dict(interchange.problems([]))["$"].startswith("the message must be a JSON object")


# --- through the console, against running services -------------------------------------------------

def nhs_number(rng: random.Random) -> str:
    """A synthetic NHS number with a valid check digit (no real person's)."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def share(stack, *args: str) -> subprocess.CompletedProcess:
    """`ics admin share ...` against `stack`'s own databases."""
    env = {**os.environ}
    for name in SERVICES:
        env[f"ICS_{name.upper()}_DATABASE_URL"] = stack.config[name].database_url
    return subprocess.run([sys.executable, "-m", "services.cli", "admin", "share", *args,
                           "--data", str(stack.config.data_dir)], env=env, capture_output=True, text=True, timeout=90)


def counts(stack) -> dict[str, int]:
    db = Database(stack.config["records"].database_url)
    try:
        return db.read_sync(lambda s: {model.__tablename__: s.scalar(select(func.count()).select_from(model))
                                       for model in (Person, Contact, Referral, ChronologyEntry, IdempotencyKey,
                                                     AuditEntry, OutboxEvent)})
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def receiving(engine_name, tmp_path_factory):
    """A second council: its own, empty records, and the demo staff."""
    data_dir = tmp_path_factory.mktemp(f"ics-receiving-{engine_name}")
    with running_stack(engine_name, data_dir) as running:
        yield running
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def receiving_duty(receiving):
    """The receiving council's duty worker, logged in to its services."""
    from tui.core.client import IcsClient

    client = IcsClient(receiving.targets())
    client.login("duty", "demo")
    yield client
    client.close()


@pytest.fixture(scope="module")
def referral(stack, sessions):
    """A child referred by the police, with a mother, and a completed Case Note."""
    duty = sessions("duty")
    rng = random.Random(20261128)
    family = f"Okonjo{uuid.uuid4().hex[:5]}"
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Ifeoma", family_name=family, date_of_birth="2016-04-12", sex=pb.SEX_FEMALE,
                             postcode="ZZ9 9ZZ", address="1 Synthetic Row, Testbury", nhs_number=nhs_number(rng),
                             school="Testbury Primary"),
        source=pb.CONTACT_SOURCE_POLICE, reason="Police called to a domestic incident at the home",
        details="Officers attended at 02:00; the child was awake and upset.", confirmed_not_duplicate=True))
    child = reply.person
    mother = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Adaeze", family_name=family, date_of_birth="1989-02-02", sex=pb.SEX_FEMALE)))
    call(duty, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
        child=child.name, other=mother.name, type_code="mother", lives_with_child=True)))
    note = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="case-note", answers={
        "note_date": a("2026-11-03"), "note_type": a("home_visit"),
        "what_happened": a("Saw Ifeoma at home with her mother; the flat was calm.")}))
    note = call(duty, "EndDocument", pb.EndDocumentRequest(name=note.name, etag=note.etag,
                                                           state=pb.DOCUMENT_STATE_COMPLETED))
    return {"reply": reply, "child": child, "note": note, "mother": mother}


@pytest.fixture(scope="module")
def exported(stack, referral, tmp_path_factory):
    out = tmp_path_factory.mktemp("messages") / "referral.json"
    done = share(stack, "export", referral["reply"].referral.name, "--with", referral["note"].name, "--out", str(out),
                 "--as", "duty", "--for", "Neighbouring Council", "--from-name", "Testshire Council",
                 "--from-code", "E99999999")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Saved as {out}")
    return out


def test_export_meets_the_schema_and_shows_in_the_access_report(stack, sessions, referral, exported):
    message = json.loads(exported.read_text())
    # Checked here with jsonschema directly, not only with ICS's own wrapper.
    validator = Draft202012Validator(interchange.schema(1), format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(message)) == []
    assert interchange.problems(message) == []
    assert message["schema_version"] == "1.0" and message["kind"] == "referral"
    assert message["sender"] == {"name": "Testshire Council", "code": "E99999999", "kind": "local_authority"}
    child = message["child"]
    assert (child["given_name"], child["date_of_birth"], child["sex"]) == ("Ifeoma", "2016-04-12", "female")
    assert child["identifiers"]["nhs_number"] == referral["child"].nhs_number
    assert message["people"] == [{"given_name": "Adaeze", "family_name": child["family_name"],
                                  "date_of_birth": "1989-02-02", "relationship": "Mother",
                                  "relationship_code": "mother", "lives_with_child": True}]
    assert message["referral"]["source"] == "police"
    assert message["referral"]["reason"] == "Police called to a domestic incident at the home"
    [note] = message["shared_sections"]
    assert (note["template_id"], note["template_version"], note["title"]) == ("case-note", 1, "Case Note")
    assert note["snapshot_sha256"] == referral["note"].snapshot_sha256
    questions = {q["id"]: q for s in note["sections"] for q in s["questions"]}
    assert questions["note_type"]["answer"] == "Home visit" and questions["note_type"]["answer_code"] == "home_visit"
    assert questions["note_type"]["answer_status"] == "answered"
    assert questions["who_present"] == {"id": "who_present", "label": "Who was present", "answer": "",
                                        "answer_status": "not_yet_asked"}

    # The family can see the message went, and to whom: the child's report, and the mother's.
    leader = sessions("leader")
    report = leader.access_report(referral["child"].name).text
    assert ("Dana Duty printed or saved a copy: the referral and the Case Note as an inter-agency message for "
            "Neighbouring Council from the server console") in report
    assert "inter-agency message" in leader.access_report(referral["mother"].name).text


def test_import_into_an_empty_council_records_the_referral_once(receiving, receiving_duty, referral, exported):
    before = counts(receiving)
    done = share(receiving, "import", str(exported), "--as", "duty")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Recorded contacts/") and "a new record" in done.stdout
    assert "received from Testshire Council (E99999999)" in done.stdout
    assert "1 shared record added to the chronology" in done.stdout

    duty = receiving_duty
    family = referral["child"].family_name
    [found] = duty.search_people(f"Ifeoma {family}", date_of_birth="2016-04-12")
    person = call(duty, "GetPerson", pb.GetPersonRequest(name=found.person.name))
    assert person.nhs_number == referral["child"].nhs_number and person.school == "Testbury Primary"
    [received] = call(duty, "ListReferrals", pb.ListReferralsRequest(person=person.name)).referrals
    assert received.reason == "Police called to a domestic incident at the home"
    assert received.state == pb.REFERRAL_STATE_AWAITING_DECISION
    entries = call(duty, "GetChronology", pb.GetChronologyRequest(person=person.name)).entries
    by_title = {e.title: e for e in entries}
    shared = by_title["Shared by Testshire Council: Case Note"]
    assert "Type of contact: Home visit" in shared.detail and "the flat was calm" in shared.detail
    assert "Who was present: (not yet asked)" in shared.detail
    told = by_title["Referral received from Testshire Council"]
    assert "Adaeze" in told.detail and "Mother" in told.detail and "Officers attended" in told.detail
    after_first = counts(receiving)
    assert after_first["contacts"] == before["contacts"] + 1 and after_first["people"] == before["people"] + 1

    # The same message again, by anyone: nothing new.
    for who in ("duty", "duty2"):
        again = share(receiving, "import", str(exported), "--as", who)
        assert again.returncode == 0, again.stderr
        assert again.stdout.startswith("Already imported") and "Nothing new was recorded" in again.stdout
    assert counts(receiving) == after_first
    assert len(call(duty, "ListReferrals", pb.ListReferralsRequest(person=person.name)).referrals) == 1


def test_a_known_child_is_found_by_nhs_number_or_asked_about(receiving, referral, exported, tmp_path):
    """Another message about the same child: matched by NHS number. Without the number, a child
    with the same name and date of birth is asked about, never guessed."""
    message = json.loads(exported.read_text())
    message["message_id"] = str(uuid.uuid4())
    message["referral"]["reason"] = "A second incident"
    # A later minor version, with a property this reader has never heard of: still read (README).
    message["schema_version"] = "1.1"
    message["referral"]["incident_grade"] = "2"
    by_number = tmp_path / "second.json"
    by_number.write_text(json.dumps(message))
    people_before = counts(receiving)["people"]
    done = share(receiving, "import", str(by_number), "--as", "duty")
    assert done.returncode == 0 and "matched by NHS number or UPN" in done.stdout, done.stderr + done.stdout

    message["message_id"] = str(uuid.uuid4())
    del message["child"]["identifiers"]
    by_name = tmp_path / "third.json"
    by_name.write_text(json.dumps(message))
    before = counts(receiving)
    asked = share(receiving, "import", str(by_name), "--as", "duty")
    assert asked.returncode == 1 and "is already known (people/" in asked.stderr, asked.stderr
    assert "--child people/" in asked.stderr and "--new-child" in asked.stderr
    assert counts(receiving) == before
    chosen = asked.stderr.split("--child ")[1].split(";")[0].strip()
    done = share(receiving, "import", str(by_name), "--as", "duty", "--child", chosen)
    assert done.returncode == 0 and "the child you chose" in done.stdout, done.stderr
    assert counts(receiving)["people"] == people_before


def test_shared_sections_alone_go_to_a_child_already_known(stack, receiving, receiving_duty, referral, tmp_path):
    """A completed record shared with no referral (kind shared_sections): added to the chronology
    of the child the receiver already holds, found by NHS number; never a new child or contact."""
    out = tmp_path / "sections.json"
    done = share(stack, "export", referral["child"].name, "--with", referral["note"].name, "--out", str(out),
                 "--as", "duty", "--from-name", "Testshire Council", "--from-code", "E99999999")
    assert done.returncode == 0, done.stderr
    message = json.loads(out.read_text())
    assert message["kind"] == "shared_sections" and "referral" not in message and interchange.problems(message) == []
    before = counts(receiving)
    done = share(receiving, "import", str(out), "--as", "duty")
    assert done.returncode == 0 and "1 shared record" in done.stdout and "matched by NHS number" in done.stdout, \
        done.stderr + done.stdout
    after = counts(receiving)
    assert (after["contacts"], after["people"]) == (before["contacts"], before["people"])
    assert after["chronology_entries"] == before["chronology_entries"] + 1
    assert share(receiving, "import", str(out), "--as", "duty").stdout.startswith("Already imported")
    assert counts(receiving) == after

    # About a child the receiver does not know: refused, nothing written.
    del message["child"]["identifiers"]
    message["message_id"] = str(uuid.uuid4())
    message["child"]["family_name"] = "Unknownhere"
    stranger = tmp_path / "stranger.json"
    stranger.write_text(json.dumps(message))
    refused = share(receiving, "import", str(stranger), "--as", "duty")
    assert refused.returncode == 1 and "shared sections are added to a child already recorded" in refused.stderr
    assert counts(receiving) == after


def test_the_commands_fit_ics_admin():
    """`ics admin share ...` parses with --data before or after the sub-command."""
    from services import cli
    from services.records.interchange.cli import cmd_share

    top = cli.parser()
    args = top.parse_args(["admin", "--data", "/tmp/x", "share", "export", "referrals/3", "--with", "documents/4",
                           "--out", "m.json", "--as", "duty"])
    assert (args.func, args.share, args.subject, args.documents, args.as_user, args.data) == (
        cmd_share, "export", "referrals/3", ["documents/4"], "duty", "/tmp/x")
    args = top.parse_args(["admin", "share", "import", "m.json", "--as", "duty", "--data", "/tmp/y"])
    assert (args.func, args.share, args.file, args.data) == (cmd_share, "import", "m.json", "/tmp/y")
    assert top.parse_args(["admin", "share", "schema"]).func is cmd_share


def test_broken_messages_are_refused_with_every_problem_named(receiving, exported, tmp_path):
    message = json.loads(exported.read_text())
    message["message_id"] = str(uuid.uuid4())
    del message["child"]["family_name"]
    message["child"]["date_of_birth"] = "2016-02-30"
    message["schema_version"] = "7.0"
    message["referral"]["urgency"] = "yesterday"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(message))
    before = counts(receiving)
    done = share(receiving, "import", str(broken), "--as", "duty")
    assert done.returncode == 1
    assert "$.schema_version: version 7.0 of the ICS inter-agency format is not one this ICS reads" in done.stderr
    assert "$.child.family_name: is required, but the message has none" in done.stderr
    assert '$.child.date_of_birth: "2016-02-30" is not a date written YYYY-MM-DD' in done.stderr

    # A version it reads, broken in several ways at once, including one the schema cannot see.
    message["schema_version"] = "1.3"
    number = message["child"]["identifiers"]["nhs_number"]
    message["child"]["identifiers"]["nhs_number"] = number[:9] + str((int(number[9]) + 1) % 10)
    broken.write_text(json.dumps(message))
    done = share(receiving, "import", str(broken), "--as", "duty")
    assert done.returncode == 1
    said = done.stderr
    assert "refused and nothing was recorded" in said and "schema_version" not in said
    assert "$.child.family_name: is required, but the message has none" in said
    assert "$.child.identifiers.nhs_number: is not a valid NHS number" in said
    assert '$.child.date_of_birth: "2016-02-30" is not a date written YYYY-MM-DD' in said
    assert '$.referral.urgency: "yesterday" is not one of: immediate, same_day, routine, not_stated' in said

    # What the schema cannot say, said the same way: a mistyped NHS number.
    message = json.loads(exported.read_text())
    message["message_id"] = str(uuid.uuid4())
    number = message["child"]["identifiers"]["nhs_number"]
    message["child"]["identifiers"]["nhs_number"] = number[:9] + str((int(number[9]) + 1) % 10)
    slip = tmp_path / "slip.json"
    slip.write_text(json.dumps(message))
    done = share(receiving, "import", str(slip), "--as", "duty")
    assert done.returncode == 1 and "$.child.identifiers.nhs_number: is not a valid NHS number" in done.stderr

    not_json = tmp_path / "not.json"
    not_json.write_text("{ this is not json")
    done = share(receiving, "import", str(not_json), "--as", "duty")
    assert done.returncode == 1 and "is not a JSON message (line 1, column 3)" in done.stderr
    assert counts(receiving) == before


def test_nobody_exports_a_child_they_may_not_read(stack, referral, tmp_path):
    before = counts(stack)
    out = tmp_path / "refused.json"
    referral_name = referral["reply"].referral.name
    hidden = share(stack, "export", referral_name, "--out", str(out), "--as", "worker2")
    assert hidden.returncode == 1
    assert hidden.stderr.strip() == f"Error: No referral {referral_name} is known to you.", hidden.stderr
    missing = share(stack, "export", "referrals/999999", "--out", str(out), "--as", "duty")
    assert missing.stderr.strip() == "Error: No referral referrals/999999 is known to you."
    admin = share(stack, "export", referral_name, "--out", str(out), "--as", "admin")
    assert admin.returncode == 1 and "Your role does not allow you to" in admin.stderr
    other = share(stack, "export", referral_name, "--with", "documents/999999", "--out", str(out), "--as", "duty")
    assert other.returncode == 1 and "No document documents/999999 is known to you." in other.stderr
    nobody = share(stack, "export", referral_name, "--out", str(out), "--as", "nobody-at-all")
    assert nobody.returncode == 1 and "no active ICS user called 'nobody-at-all'" in nobody.stderr
    assert not out.exists() and not list(tmp_path.iterdir())
    assert counts(stack) == before


def test_schema_command_names_the_schema_and_versions(stack):
    done = share(stack, "schema")
    assert done.returncode == 0
    assert "writes version 1.0 and reads 1.x" in done.stdout
    assert str(interchange.schema_path(1)) in done.stdout
    printed = share(stack, "schema", "--print")
    assert json.loads(printed.stdout)["$id"].endswith("ics-referral-v1.schema.json")
