"""Subject access requests (services/records/subject_access.py), on SQLite and PostgreSQL: a child's
record gathered item by item, a sibling's name and a referrer redacted, an item withheld, the copy
released as text and PDF with a redaction log, the record itself untouched, and every step in the
child's access report. Also `ics admin sar` end to end as a subprocess. All names are synthetic."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import uuid

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.db import Database
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.records import access_report, audit
from services.records import subject_access as sar
from services.records.models import AuditEntry, Document, SubjectAccessRedaction, SubjectAccessRequest
from services.records.template_library import TemplateLibrary
from tests.helpers import a, call, referred_child

OFFICER = Principal(user_name="users/900", username="igo", display_name="Irene Governance",
                    permissions=("access.review:any",))
TEAM_REVIEWER = Principal(user_name="users/901", username="tl", display_name="Team Reviewer",
                          permissions=("access.review:team", "child.read:any"))
SIBLING, REFERRER = "Jasper Quillfeather", "Mrs Petunia Hawthorne"


@pytest.fixture(scope="module")
def records(stack):
    db = Database(stack.config["records"].database_url)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def library():
    return TemplateLibrary.load()


def child_with_a_case_note(duty, given: str):
    """A child with a school contact and referral, a case note naming their brother and the
    neighbour who referred them, and a chronology entry."""
    child = referred_child(duty, given, decide=False).person
    note = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="case-note", answers={
        "note_date": a("2026-11-03"), "note_type": a("home_visit"),
        "who_present": a(f"{given}, her brother {SIBLING} and Mum"),
        "what_happened": a(f"{REFERRER} from next door made the referral.\n{given} said {SIBLING} shouts at her "
                           "and she likes her new school."),
    }))
    entry = call(duty, "AddChronologyEntry", pb.AddChronologyEntryRequest(person=child.name, entry=pb.ChronologyEntry(
        date="2026-11-04", title="Call from the neighbour", detail=f"{REFERRER} rang again about shouting")))
    return child, note, entry


def pdf_text(data: bytes) -> str:
    import io

    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def refused(kind, fn):
    with pytest.raises(kind) as exc:
        fn()
    return exc.value.message


def test_a_request_gathers_redacts_and_releases_without_touching_the_record(sessions, records, library):
    duty, leader = sessions("duty"), sessions("leader")
    given = f"Saffron{uuid.uuid4().hex[:4]}"
    child, note, entry = child_with_a_case_note(duty, given)
    person_id = int(child.name.split("/")[1])
    before = records.read_sync(lambda s: s.get(Document, int(note.name.split("/")[1])).answers_json)

    # Who may: access.review at "any" only; an unknown person is refused in a sentence.
    assert "Your role does not allow you" in refused(PermissionDenied, lambda: records.write_sync(
        lambda s: sar.open_request(s, Principal("users/5", "w", "W", permissions=("child.read:team",)), library,
                                   child.name, "the young person themself")))
    assert "every team" in refused(PermissionDenied, lambda: records.write_sync(
        lambda s: sar.open_request(s, TEAM_REVIEWER, library, child.name, "the young person themself")))
    assert "There is no person people/99999999" in refused(NotFound, lambda: records.write_sync(
        lambda s: sar.open_request(s, OFFICER, library, "people/99999999", "the young person themself")))
    assert "who asked" in refused(InvalidArgument, lambda: records.write_sync(
        lambda s: sar.open_request(s, OFFICER, library, child.name, "  ")))
    assert "future" in refused(InvalidArgument, lambda: records.write_sync(
        lambda s: sar.open_request(s, OFFICER, library, child.name, "the young person themself", "2999-01-01")))

    opened = records.write_sync(lambda s: sar.open_request(s, OFFICER, library, child.name,
                                                           "the young person themself", "2026-10-31"))
    rid = opened.request.id
    assert opened.request.due_date.isoformat() == "2026-11-30"  # one calendar month; no 31 November
    ids = [item.item_id for item in opened.items]
    assert ids[0] == child.name and ids[-1] == f"{child.name}/access-report"
    assert {note.name, entry.source} <= set(ids)
    assert any(i.startswith("contacts/") for i in ids) and any(i.startswith("referrals/") for i in ids)
    document = next(item for item in opened.items if item.item_id == note.name)
    assert "Who was present" in document.text and "Home visit" in document.text and SIBLING in document.text

    # Redact the sibling (every place in the item) and the referrer; withhold the chronology entry.
    sibling = records.write_sync(lambda s: sar.redact(s, OFFICER, rid, note.name, "third_party", text=SIBLING,
                                                      note="her brother").id)
    records.write_sync(lambda s: sar.redact(s, OFFICER, rid, note.name, "referrer_identity", text=REFERRER))
    records.write_sync(lambda s: sar.redact(s, OFFICER, rid, entry.source, "serious_harm", withhold=True,
                                            note="the neighbour's account"))
    # Undone before release: kept in the log, not applied.
    mum = records.write_sync(lambda s: sar.redact(s, OFFICER, rid, note.name, "third_party", text="Mum").id)
    assert "why" in refused(InvalidArgument, lambda: records.write_sync(
        lambda s: sar.unredact(s, OFFICER, rid, mum, "")))
    records.write_sync(lambda s: sar.unredact(s, OFFICER, rid, mum, "her mother is the one asking with her"))

    # Text not in the item, a wrong reason, a withheld item: refused plainly, nothing stored.
    count = lambda: records.read_sync(lambda s: s.scalar(  # noqa: E731
        select(func.count()).select_from(SubjectAccessRedaction).where(SubjectAccessRedaction.request_id == rid)))
    stored = count()
    message = refused(InvalidArgument, lambda: records.write_sync(
        lambda s: sar.redact(s, OFFICER, rid, note.name, "third_party", text="Jasper Quilfeather")))
    assert message.startswith('The words "Jasper Quilfeather" do not appear in item') and "nothing" in message
    assert "different capitals" in refused(InvalidArgument, lambda: records.write_sync(
        lambda s: sar.redact(s, OFFICER, rid, note.name, "third_party", text=SIBLING.lower())))
    assert "not a reason" in refused(InvalidArgument, lambda: records.write_sync(
        lambda s: sar.redact(s, OFFICER, rid, note.name, "embarrassing", text=SIBLING)))
    assert "already withheld" in refused(FailedPrecondition, lambda: records.write_sync(
        lambda s: sar.redact(s, OFFICER, rid, entry.source, "third_party", text="neighbour")))
    assert "already redacted" in refused(FailedPrecondition, lambda: records.write_sync(
        lambda s: sar.redact(s, OFFICER, rid, note.name, "third_party", text=SIBLING)))
    assert "no item" in refused(NotFound, lambda: records.write_sync(
        lambda s: sar.redact(s, OFFICER, rid, "documents/99999999", "third_party", text=SIBLING)))
    assert count() == stored

    preview = records.write_sync(lambda s: sar.show(s, OFFICER, rid, note.name).redacted_text)
    assert SIBLING not in preview and preview.count("[redacted: third party]") == 2

    done = records.write_sync(lambda s: sar.release(s, OFFICER, rid))
    text = " ".join(done.text.split())  # wrapped at 80 columns; the words are what matter
    assert child.given_name in text and child.family_name in text and "School concern" in text
    assert "she likes her new school" in text and "Mum" in text and "Home visit" in text
    assert SIBLING not in text and "Petunia" not in text and "rang again" not in text
    assert "her brother [redacted: third party] and Mum" in text
    assert "[redacted: referrer's identity] from next door" in text
    assert "[withheld in full: likely to cause serious harm]" in text
    assert "Call from the neighbour" not in text  # a withheld item's title goes too
    assert "Asked by: the young person themself" in text and "Due: Mon 30 Nov 2026" in text

    words = pdf_text(done.pdf)
    assert child.given_name in words and "she likes her new school" in words
    assert SIBLING not in words and "Petunia" not in words and "rang again" not in words
    assert "[redacted: third party]" in words and "[redacted: referrer's identity]" in words
    assert "[withheld in full: likely to cause serious harm]" in words

    log = done.log
    assert "FOR THE COUNCIL'S FILE ONLY" in log
    assert f'Redaction {sibling}: item' in log and f'the words "{SIBLING}"; reason: third party; by Irene Governance' \
        in log and "Note: her brother" in log
    assert f'the words "{REFERRER}"; reason: referrer\'s identity; by Irene Governance' in log
    assert "withheld in full; reason: likely to cause serious harm; by Irene Governance" in log
    assert 'the words "Mum"' in log and "UNDONE by Irene Governance" in log

    # The record itself is as it was; the request is closed.
    after = records.read_sync(lambda s: s.get(Document, int(note.name.split("/")[1])).answers_json)
    assert after == before
    assert SIBLING in call(duty, "GetDocument", pb.GetDocumentRequest(name=note.name)).answers["who_present"].value
    assert records.read_sync(lambda s: s.get(SubjectAccessRequest, rid).state) == "released"
    stored = count()
    assert "closed" in refused(FailedPrecondition, lambda: records.write_sync(
        lambda s: sar.redact(s, OFFICER, rid, note.name, "third_party", text="Mum")))
    assert "closed" in refused(FailedPrecondition, lambda: records.write_sync(
        lambda s: sar.unredact(s, OFFICER, rid, sibling, "changed my mind")))
    assert "closed" in refused(FailedPrecondition, lambda: records.write_sync(lambda s: sar.release(s, OFFICER, rid)))
    assert count() == stored

    # The child's access report shows the request; the audit holds no redacted words and verifies.
    report = leader.access_report(child.name).text
    for action in ("sar.open", "sar.redact", "sar.unredact", "sar.release"):
        words = access_report.ACTION_WORDS.get(action, action.replace("_", " ").replace(".", ": "))
        assert f"Irene Governance {words}" in report, (action, report)
    details = records.read_sync(lambda s: list(s.scalars(select(AuditEntry.detail).where(
        AuditEntry.subject == f"subject-access-requests/{rid}"))))
    assert details and not any(SIBLING in d or "Petunia" in d for d in details)
    assert records.read_sync(audit.verify)[1] is None
    assert person_id == opened.request.person_id


def test_a_merged_away_record_is_refused_in_a_sentence(sessions, records, library):
    duty, leader = sessions("duty"), sessions("leader")
    family = f"Merge{uuid.uuid4().hex[:6]}"
    first = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Hanna", family_name=family, date_of_birth="2015-03-03", sex=pb.SEX_FEMALE),
        source=pb.CONTACT_SOURCE_SCHOOL, reason="First contact", confirmed_not_duplicate=True))
    second = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Hana", family_name=family, date_of_birth="2015-03-30", sex=pb.SEX_FEMALE),
        source=pb.CONTACT_SOURCE_POLICE, reason="Second contact", confirmed_not_duplicate=True))
    call(leader, "MergePeople", pb.MergePeopleRequest(keep=first.person.name, duplicate=second.person.name,
                                                      reason="Same child"))
    message = refused(FailedPrecondition, lambda: records.write_sync(
        lambda s: sar.open_request(s, OFFICER, library, second.person.name, "the young person themself")))
    assert f"was merged into {first.person.name}" in message and "Nothing was opened" in message
    # The kept record's request holds both records' contacts.
    opened = records.write_sync(lambda s: sar.open_request(s, OFFICER, library, first.person.name, "father"))
    reasons = " ".join(item.text for item in opened.items if item.kind == "contact")
    assert "First contact" in reasons and "Second contact" in reasons


def _sar_command() -> list[str]:
    """`ics admin sar` once services/cli.py wires it in; the module's own entry point until then."""
    from services import cli

    try:
        cli.parser().parse_args(["admin", "sar", "list"])
    except SystemExit:
        return [sys.executable, "-m", "services.records.subject_access_cli", "sar"]
    return [sys.executable, "-m", "services.cli", "admin", "sar"]


def test_the_console_commands_end_to_end(stack, sessions, tmp_path):
    duty = sessions("duty")
    given = f"Bramble{uuid.uuid4().hex[:4]}"
    child, note, entry = child_with_a_case_note(duty, given)
    env = {**os.environ, "ICS_RECORDS_DATABASE_URL": stack.config["records"].database_url}
    base = _sar_command()

    def sar_cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*base, *args, "--data", str(tmp_path / "console"), "--officer", "Olu Officer"],
                              env=env, capture_output=True, text=True, timeout=120)

    opened = sar_cli("open", child.name, "--requester", "mother, with consent", "--received", "2026-11-02")
    assert opened.returncode == 0, opened.stderr
    assert "due Wed 2 Dec 2026 (one calendar month)" in opened.stdout
    rid = opened.stdout.split("subject-access-requests/")[1].split(" ")[0]
    listed = sar_cli("items", rid)
    assert listed.returncode == 0 and note.name in listed.stdout and entry.source in listed.stdout
    number = next(line.split(".")[0].strip() for line in listed.stdout.splitlines() if note.name in line)
    assert SIBLING in sar_cli("show", rid, number).stdout

    missing = sar_cli("redact", rid, number, "--text", "Jasper Q.", "--reason", "third_party")
    assert missing.returncode == 1 and 'Error: The words "Jasper Q." do not appear' in missing.stderr
    made = sar_cli("redact", rid, number, "--text", SIBLING, "--reason", "third_party", "--note", "brother")
    assert made.returncode == 0 and "redaction" in made.stdout, made.stderr
    assert sar_cli("redact", rid, entry.source, "--withhold", "--reason", "referrer_identity").returncode == 0
    assert f"subject-access-requests/{rid}: {child.given_name}" in sar_cli("list").stdout

    out = tmp_path / "released"
    out.mkdir()
    (out / f"subject-access-request-{rid}.pdf").write_bytes(b"someone else's file")
    clash = sar_cli("release", rid, "--out", str(out))
    assert clash.returncode == 1 and "never replaced" in clash.stderr
    assert (out / f"subject-access-request-{rid}.pdf").read_bytes() == b"someone else's file"
    (out / f"subject-access-request-{rid}.pdf").unlink()

    released = sar_cli("release", rid, "--out", str(out))
    assert released.returncode == 0, released.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"subject-access-request-{rid}-redaction-log.txt", f"subject-access-request-{rid}.pdf",
                     f"subject-access-request-{rid}.txt"]
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = " ".join((out / f"subject-access-request-{rid}.txt").read_text().split())
    assert given in text and SIBLING not in text and "her brother [redacted: third party]" in text
    assert "[withheld in full: referrer's identity]" in text
    words = pdf_text((out / f"subject-access-request-{rid}.pdf").read_bytes())
    assert given in words and SIBLING not in words and "[redacted: third party]" in words
    log = (out / f"subject-access-request-{rid}-redaction-log.txt").read_text()
    assert f'the words "{SIBLING}"; reason: third party; by Olu Officer (ics admin console)' in log

    again = sar_cli("redact", rid, number, "--text", "Mum", "--reason", "third_party")
    assert again.returncode == 1 and "closed" in again.stderr
    bad = sar_cli("items", "twelve")
    assert bad.returncode == 1 and "Give the request's number" in bad.stderr


def test_disposing_of_a_record_takes_its_requests_with_it(sessions, records, library):
    """A request's items are copies of the record: when the record is disposed of, they go too."""
    duty, manager = sessions("duty"), sessions("manager")
    family = f"Oldfield{uuid.uuid4().hex[:6]}"
    contact = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Winifred", family_name=family, date_of_birth="1990-02-03",
                             sex=pb.SEX_FEMALE, postcode="ZZ9 9ZZ"),
        received_date="2001-03-01", source=pb.CONTACT_SOURCE_SCHOOL, reason=f"Old concern about {family}",
        confirmed_not_duplicate=True))
    call(duty, "DecideReferral", pb.DecideReferralRequest(
        name=contact.referral.name, decision=pb.REFERRAL_DECISION_NO_FURTHER_ACTION, reason="No concerns found",
        decided_date="2001-03-02"))
    opened = records.write_sync(lambda s: sar.open_request(s, OFFICER, library, contact.person.name,
                                                           "the person themself, now an adult"))
    rid = opened.request.id
    records.write_sync(lambda s: sar.redact(s, OFFICER, rid, contact.contact.name, "third_party", text=family))
    records.write_sync(lambda s: sar.release(s, OFFICER, rid))

    target = call(manager, "GetPerson", pb.GetPersonRequest(name=contact.person.name))
    call(manager, "DisposeRecord", pb.DisposeRecordRequest(person=contact.person.name, etag=target.etag,
                                                           reason="Retention period ended"))
    assert records.read_sync(lambda s: s.get(SubjectAccessRequest, rid)) is None
    assert records.read_sync(lambda s: s.scalar(select(func.count()).select_from(SubjectAccessRedaction)
                                                .where(SubjectAccessRedaction.request_id == rid))) == 0
    assert records.read_sync(audit.verify)[1] is None
