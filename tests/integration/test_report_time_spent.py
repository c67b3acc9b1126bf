"""Editing time taken from saves, and the time spent report.

The saves go over gRPC with the records service's clock replaced (the stack runs in this
process), so a test of a 62-minute session takes no time. The report is then checked on a month
of work written straight into records' tables, where every instant is exactly where it is needed.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import pytest

from ics.common.v1 import reports_pb2 as rpb
from ics.records.v1 import records_pb2 as pb
from services.common.db import Database
from services.records import editing_time
from services.records.models import EditingTime
from services.records.models import Document, Person
from tests.helpers import a, call
from tui.core import reports

HOUR = 3600


def table(answer, key) -> dict[str, list] | None:
    found = [t for t in answer.tables if t.key == key]
    if not found:
        return None
    return {reports.value_of(row.cells[0]): [reports.value_of(c) for c in row.cells[1:]] for row in found[0].rows}


def report(client, since, until, team=""):
    return call(client, "GetReport", rpb.GetReportRequest(name="time_spent", from_date=since, to_date=until, team=team))


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def set(self, hour: int, minute: int, day: int = 20) -> None:
        self.at = datetime(2026, 11, day, hour, minute, tzinfo=timezone.utc)


@pytest.fixture
def clock(monkeypatch):
    # November: London is on GMT, so these UTC times are London's.
    made = Clock(datetime(2026, 11, 20, 23, 0, tzinfo=timezone.utc))
    monkeypatch.setattr(editing_time, "now", lambda: made.at)
    return made


def new_child(client) -> pb.Person:
    return call(client, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Tim", family_name=f"Sittings{uuid.uuid4().hex[:6]}", date_of_birth="2016-03-03",
        sex=pb.SEX_MALE, postcode="ZZ1 1AA"), confirmed_not_duplicate=True))


def note(client, person) -> pb.Document:
    return call(client, "CreateDocument", pb.CreateDocumentRequest(person=person.name, template_id="case-note",
                                                                   start_date="2026-11-20"))


def save(client, document, text) -> pb.Document:
    return call(client, "UpdateDocument", pb.UpdateDocumentRequest(name=document.name, etag=document.etag,
                                                                   answers={"what_happened": a(text)}))


def rows_for(stack, document: pb.Document) -> dict[tuple[str, date], tuple[int, int, int]]:
    db = Database(stack.config["records"].database_url)
    try:
        found = db.read_sync(lambda s: s.query(EditingTime).filter(
            EditingTime.document_id == int(document.name.split("/")[1])).all())
        return {(r.user_name, r.day): (r.seconds, r.saves, r.sittings) for r in found}
    finally:
        db.dispose()


def test_saves_make_sittings_on_the_day_of_each_save(stack, sessions, client_factory, clock):
    duty, worker = sessions("duty"), sessions("worker")
    support = client_factory("support")
    support.on_behalf_of = worker.session.user.name
    clock.set(23, 40)
    theirs = note(worker, new_child(worker))  # the worker's own record, which support types up
    clock.set(23, 50)
    mine = note(duty, new_child(duty))  # t = 0
    clock.set(23, 55)
    mine = save(duty, mine, "Visited the family")  # +5 min
    clock.set(23, 56)
    theirs = save(support, theirs, "Typed from the worker's notes")
    clock.set(23, 58)
    mine = save(duty, mine, "Visited the family; Tim was at school")  # +8 min
    clock.set(0, 4, day=21)
    theirs = save(support, theirs, "Typed from the worker's notes, page 2")  # 8 min after support's last
    clock.set(0, 50, day=21)
    mine = save(duty, mine, "Back after a phone call")  # +60 min: a new sitting
    clock.set(0, 52, day=21)
    save(duty, mine, "Back after a phone call; agreed a plan")  # +62 min

    # (seconds, saves, sittings). Duty: 5 + 3 minutes on the 20th (480 s), nothing for the 52-minute
    # gap, 2 minutes on the 21st (120 s): 10 minutes in 2 sittings over 5 saves.
    assert rows_for(stack, mine) == {("Dana Duty", date(2026, 11, 20)): (480, 3, 1),
                                     ("Dana Duty", date(2026, 11, 21)): (120, 2, 1)}
    # Business support's typing is support's time, not the worker's. Their sitting ran past
    # midnight: its 8 minutes fall on the 21st, where no sitting began.
    assert rows_for(stack, theirs) == {("Wes Worker", date(2026, 11, 20)): (0, 1, 1),
                                       ("Bea Support", date(2026, 11, 20)): (0, 1, 1),
                                       ("Bea Support", date(2026, 11, 21)): (480, 1, 0)}

    manager = sessions("manager")
    # (hours, sittings, records)
    on_20th = table(report(manager, "2026-11-20", "2026-11-20"), "by_worker")
    assert on_20th == {"Dana Duty": [pytest.approx(480 / HOUR), 1, 1], "Bea Support": [0.0, 1, 1],
                       "Wes Worker": [0.0, 1, 1]}
    on_21st = table(report(manager, "2026-11-21", "2026-11-21"), "by_worker")
    assert on_21st == {"Bea Support": [pytest.approx(480 / HOUR), 0, 1], "Dana Duty": [pytest.approx(120 / HOUR), 1, 1]}
    both = table(report(manager, "2026-11-20", "2026-11-21"), "by_worker")
    assert both["Dana Duty"] == [pytest.approx(600 / HOUR), 2, 1]  # the 10 minutes


# A month of work, June 2026 (British Summer Time: London is an hour ahead of UTC).
# Children: P held by team 1, Q by team 2. Workers: Ann (users/101), Bob (users/102).
# Editing rows: (document, worker, day, hours).
ANN, BOB = (101, "Ann Able"), (102, "Bob Baker")
WORK = {
    # name: (child, template, state, ended_at UTC, [(worker, day, hours)])
    "IA1": ("P", "initial-assessment", "done", datetime(2026, 6, 10, 12), [(ANN, date(2026, 6, 5), 3),
                                                                           (BOB, date(2026, 6, 9), 1)]),
    "IA2": ("P", "initial-assessment", "done", datetime(2026, 6, 20, 12), [(ANN, date(2026, 6, 20), 2)]),
    "IA3": ("Q", "initial-assessment", "done", datetime(2026, 6, 25, 12), []),
    "IA4": ("P", "initial-assessment", "done", datetime(2026, 6, 22, 12), [(BOB, date(2026, 6, 22), 0.5)]),
    "IA5": ("P", "initial-assessment", "cancelled", datetime(2026, 6, 5, 12), [(ANN, date(2026, 6, 4), 1)]),
    "CA1": ("P", "core-assessment-5-to-10", "done", datetime(2026, 6, 15, 12), [(ANN, date(2026, 5, 30), 4),
                                                                                (ANN, date(2026, 6, 14), 6)]),
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: completed in July.
    "PL1": ("Q", "care-plan", "done", datetime(2026, 6, 30, 23, 30), [(BOB, date(2026, 6, 30), 1)]),
    # 23:30 UTC on 31 May is 00:30 on 1 June in London: completed in June.
    "PL2": ("P", "child-or-young-persons-plan", "done", datetime(2026, 5, 31, 23, 30), [(BOB, date(2026, 5, 31), 3)]),
    "RV1": ("Q", "child-in-need-review", "open", None, [(ANN, date(2026, 6, 12), 2)]),
    "NT1": ("P", "case-note", "done", datetime(2026, 6, 3, 12), [(ANN, date(2026, 6, 3), 0.5)]),
}
STATES = {"done": pb.DOCUMENT_STATE_COMPLETED, "cancelled": pb.DOCUMENT_STATE_CANCELLED,
          "open": pb.DOCUMENT_STATE_IN_PROGRESS}


@pytest.fixture(scope="module")
def june(stack):
    db = Database(stack.config["records"].database_url)
    made = datetime(2026, 5, 1, tzinfo=timezone.utc)

    def write(s):
        children = {}
        for name, team in (("P", 1), ("Q", 2)):
            child = Person(given_name=name, family_name="Timely", given_key=name.lower(), family_key="timely", sex=1,
                           team_id=team, created_by_user=1, created_at=made)
            s.add(child)
            s.flush()
            children[name] = child.id
        ids = {}
        for name, (child, template, state, ended, work) in WORK.items():
            document = Document(person_id=children[child], template_id=template, template_version=1, title=template,
                                state=STATES[state], answers_json="{}", start_date=date(2026, 5, 1), author_user=1,
                                author_username="ann", author_name="Ann Able", created_at=made, updated_at=made,
                                ended_at=ended.replace(tzinfo=timezone.utc) if ended else None)
            s.add(document)
            s.flush()
            ids[name] = document.id
            for (user_id, user_name), day, hours in work:
                s.add(EditingTime(document_id=document.id, user_id=user_id, user_name=user_name, day=day,
                                  seconds=int(hours * HOUR), saves=3, sittings=1,
                                  last_saved_at=datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)))
        return children, ids

    found = db.write_sync(write)
    db.dispose()
    return found


def by_kind(answer):
    """kind -> (completed, with time, median, mean, study)"""
    return {k: tuple(v) for k, v in table(answer, "by_record").items()}


def test_hours_per_completed_record_beside_the_time_study(june, sessions):
    answer = report(sessions("manager"), "2026-06-01", "2026-06-30")
    # Initial: IA1 (4 h: Ann 3 + Bob 1), IA2 (2 h), IA4 (0.5 h), IA3 with none; IA5 cancelled.
    # Median of 4, 2, 0.5 is 2; mean 6.5 / 3. Core: CA1's 10 h, 4 of them in May. Plan: PL2
    # (completed 1 June in London); PL1 was completed on 1 July. No review was completed.
    # Other: the case note's half hour.
    assert by_kind(answer) == {
        "Initial assessment": (4, 3, 2.0, pytest.approx(6.5 / 3), 10.19),
        "Core assessment": (1, 1, 10.0, 10.0, 48.14),
        "Single assessment": (0, 0, None, None, None),
        "Plan": (1, 1, 3.0, 3.0, 27.4),
        "Review": (0, 0, None, None, 36.81),
        "Other records": (1, 1, 0.5, 0.5, None)}


def test_hours_per_worker_fall_in_the_period_of_each_day(june, sessions):
    answer = report(sessions("manager"), "2026-06-01", "2026-06-30")
    # Ann in June: IA1 3 + IA2 2 + CA1 6 (not May's 4) + RV1 2 (still open) + NT1 0.5 = 13.5 h on 5
    # records in 5 sittings; IA5's hour on the 4th counts too (a cancelled record was still work): 14.5 h, 6.
    # Bob: IA1 1 + IA4 0.5 + PL1 1 (worked on 30 June, whenever it was completed) = 2.5 h, 3 records;
    # PL2's 3 hours were on 31 May.
    assert table(answer, "by_worker") == {"Ann Able": [14.5, 6, 6], "Bob Baker": [2.5, 3, 3]}
    # Team 2 holds Q: Ann's review (2 h) and Bob's care plan (1 h); its only completed
    # initial assessment, IA3, has no time, so nothing to take a median of.
    team2 = report(sessions("manager"), "2026-06-01", "2026-06-30", "teams/2")
    assert table(team2, "by_worker") == {"Ann Able": [2.0, 1, 1], "Bob Baker": [1.0, 1, 1]}
    assert by_kind(team2)["Initial assessment"] == (1, 0, None, None, 10.19)
    assert by_kind(team2)["Plan"] == (0, 0, None, None, 27.4)


def test_each_record_is_listed_only_for_those_who_see_case_details(june, sessions):
    children, ids = june
    manager = report(sessions("manager"), "2026-06-01", "2026-06-30")
    listed = table(manager, "records")
    # The seven completed in June: IA1-IA4, CA1, PL2, NT1.
    assert set(listed) == {f"documents/{ids[n]}" for n in ("IA1", "IA2", "IA3", "IA4", "CA1", "PL2", "NT1")}
    assert listed[f"documents/{ids['IA1']}"] == [f"people/{children['P']}", "Initial assessment", 4.0, 10.19]
    performance = report(sessions("perf"), "2026-06-01", "2026-06-30")
    assert table(performance, "records") is None
    assert any("case details" in n for n in performance.notes)
    assert table(performance, "by_record") == table(manager, "by_record")


def test_disposing_of_a_record_removes_its_editing_time(stack, sessions, clock):
    duty, manager = sessions("duty"), sessions("manager")
    family = f"Gonewith{uuid.uuid4().hex[:6]}"
    # Referred in 2001 and closed then: due for disposal now (see test_retention).
    contact = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Olive", family_name=family, date_of_birth="1990-02-03",
                             sex=pb.SEX_FEMALE, postcode="ZZ9 9ZZ"),
        received_date="2001-03-01", source=pb.CONTACT_SOURCE_SCHOOL, reason="Old concern",
        confirmed_not_duplicate=True))
    call(duty, "DecideReferral", pb.DecideReferralRequest(
        name=contact.referral.name, decision=pb.REFERRAL_DECISION_NO_FURTHER_ACTION, reason="No concerns found",
        decided_date="2001-03-02"))
    clock.set(10, 0, day=19)
    document = note(duty, contact.person)
    clock.set(10, 4, day=19)
    save(duty, document, "Letter about the old file")
    assert rows_for(stack, document) == {("Dana Duty", date(2026, 11, 19)): (240, 2, 1)}
    target = call(manager, "GetPerson", pb.GetPersonRequest(name=contact.person.name))
    call(manager, "DisposeRecord", pb.DisposeRecordRequest(person=contact.person.name, reason="Retention ended",
                                                           etag=target.etag))
    assert rows_for(stack, document) == {}
