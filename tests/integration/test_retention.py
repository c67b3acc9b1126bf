"""Retention against running services: the schedule as data, legal holds, the disposal review
queue, and a disposal that really removes the child from records and alerts, files included,
while every audit chain still verifies."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from ics.records.v1 import records_pb2 as pb
from services.common.config import ConfigError
from services.common.db import Database
from services.alerts import audit as alerts_audit
from services.records import audit
from services.records.retention import Schedule
from tests.helpers import call, wait_for
from tui.core.errors import ServiceError


def refused(fn, code: str) -> ServiceError:
    with pytest.raises(ServiceError) as exc:
        fn()
    assert exc.value.code == code, exc.value.message
    return exc.value


def old_child(client, born: str, family: str) -> pb.Person:
    return call(client, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Winifred", family_name=family, date_of_birth=born, sex=pb.SEX_FEMALE, postcode="ZZ9 9ZZ"),
        confirmed_not_duplicate=True))


def due_names(manager, as_of: str = "") -> set[str]:
    return {d.person for d in call(manager, "ListDisposalsDue", pb.ListDisposalsDueRequest(
        as_of=as_of, page_size=500)).due}


def test_the_shipped_schedule_keeps_statutory_minimums(sessions):
    manager = sessions("manager")
    listed = call(manager, "ListRetentionRules", pb.ListRetentionRulesRequest())
    rules = {r.id: r for r in listed.rules}
    assert [r.id for r in listed.rules] == ["adoption", "looked-after", "child-protection", "other"]
    assert rules["looked-after"].keep_until_age == 75
    assert rules["adoption"].keep_until_age >= 100 and rules["adoption"].keep_years_after_closure >= 100
    assert rules["other"].applies_when == "every child"
    refused(lambda: call(sessions("worker"), "ListRetentionRules", pb.ListRetentionRulesRequest()),
            "PERMISSION_DENIED")


def test_a_council_schedule_with_a_fault_is_refused_plainly(tmp_path):
    bad = tmp_path / "retention.toml"
    bad.write_text('[[rules]]\nid = "short"\nkeep_until_age = -1\nwhen.any = true\n')
    with pytest.raises(ConfigError) as exc:
        Schedule.load(bad)
    assert "whole numbers of years" in str(exc.value)
    bad.write_text('[[rules]]\nid = "la"\nkeep_until_age = 75\nwhen.looked_after = true\n')
    with pytest.raises(ConfigError) as exc:
        Schedule.load(bad)
    assert "last rule must have when.any" in str(exc.value)
    with pytest.raises(ConfigError):
        Schedule.load(tmp_path / "missing.toml")


def test_review_queue_holds_and_disposal_really_remove_the_child(sessions, stack):
    duty, manager, worker = sessions("duty"), sessions("manager"), sessions("worker")
    family = f"Zedwardine{uuid.uuid4().hex[:8]}"
    # Born 1990, referred in 2001 and closed then: kept to the 25th birthday (2015) or 6 years
    # after closing (2007), so due now.
    contact = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Winifred", family_name=family, date_of_birth="1990-02-03",
                             sex=pb.SEX_FEMALE, postcode="ZZ9 9ZZ"),
        received_date="2001-03-01", source=pb.CONTACT_SOURCE_SCHOOL, reason=f"Old concern about {family}",
        confirmed_not_duplicate=True))
    call(duty, "DecideReferral", pb.DecideReferralRequest(
        name=contact.referral.name, decision=pb.REFERRAL_DECISION_NO_FURTHER_ACTION, reason="No concerns found",
        decided_date="2001-03-02"))
    gone = contact.person
    call(duty, "AddChronologyEntry", pb.AddChronologyEntryRequest(person=gone.name, entry=pb.ChronologyEntry(
        date="2001-03-05", title=f"Letter to the {family} family", detail="Closing letter sent")))
    young = old_child(duty, "2015-01-01", f"Young{uuid.uuid4().hex[:6]}")
    held = old_child(duty, "1991-01-01", f"Held{uuid.uuid4().hex[:6]}")

    hold = call(manager, "PlaceLegalHold", pb.PlaceLegalHoldRequest(person=held.name,
                                                                    reason="Historic abuse inquiry"))
    due = due_names(manager)
    assert gone.name in due
    assert young.name not in due and held.name not in due
    refused(lambda: call(worker, "ListDisposalsDue", pb.ListDisposalsDueRequest()), "PERMISSION_DENIED")

    # Not due, on hold, stale etag, no reason: refused, and nothing is removed.
    current = call(manager, "GetPerson", pb.GetPersonRequest(name=held.name))
    refused(lambda: call(manager, "DisposeRecord", pb.DisposeRecordRequest(
        person=held.name, reason="Past retention", etag=current.etag)), "FAILED_PRECONDITION")
    young_now = call(manager, "GetPerson", pb.GetPersonRequest(name=young.name))
    refused(lambda: call(manager, "DisposeRecord", pb.DisposeRecordRequest(
        person=young.name, reason="Past retention", etag=young_now.etag)), "FAILED_PRECONDITION")
    target = call(manager, "GetPerson", pb.GetPersonRequest(name=gone.name))
    refused(lambda: call(manager, "DisposeRecord", pb.DisposeRecordRequest(person=gone.name, etag=target.etag)),
            "INVALID_ARGUMENT")
    refused(lambda: call(manager, "DisposeRecord", pb.DisposeRecordRequest(
        person=gone.name, reason="Past retention", etag="999")), "ABORTED")
    refused(lambda: call(worker, "DisposeRecord", pb.DisposeRecordRequest(
        person=gone.name, reason="Past retention", etag=target.etag)), "PERMISSION_DENIED")
    assert call(manager, "GetPerson", pb.GetPersonRequest(name=gone.name)).etag == target.etag

    # Its referral clock is in alerts, with the child's name on it, until the disposal.
    alerts_db = Database(stack.config["alerts"].database_url)
    records_db = Database(stack.config["records"].database_url)
    try:
        count_clocks = lambda: alerts_db.read_sync(lambda s: s.execute(text(  # noqa: E731
            "SELECT count(*) FROM clocks WHERE person = :p"), {"p": gone.name}).scalar())
        wait_for(lambda: count_clocks() > 0, what="the referral clock in alerts")

        disposal = call(manager, "DisposeRecord", pb.DisposeRecordRequest(
            person=gone.name, reason="Retention period ended; reviewed by the records manager", etag=target.etag))
        assert disposal.former_person == gone.name and disposal.rule == "other" and disposal.rows_removed >= 5
        assert disposal.keep_until == "2015-02-03"
        refused(lambda: call(manager, "GetPerson", pb.GetPersonRequest(name=gone.name)), "NOT_FOUND")
        assert gone.name not in due_names(manager)
        assert [d.name for d in call(manager, "ListDisposals", pb.ListDisposalsRequest()).disposals][-1] == \
            disposal.name
        # No row in records still points at the child, and alerts drops their clocks.
        person_id = int(gone.name.split("/")[1])
        left = records_db.read_sync(lambda s: {
            table: s.execute(text(f"SELECT count(*) FROM {table} WHERE {column} = :p"), {"p": person_id}).scalar()
            for table, column in (("people", "id"), ("contacts", "person_id"), ("referrals", "person_id"),
                                  ("episodes", "person_id"), ("chronology_entries", "person_id"),
                                  ("outbox_events", "person_id"), ("documents", "person_id"))})
        assert set(left.values()) == {0}, left
        wait_for(lambda: count_clocks() == 0, what="alerts forgetting the disposed child")
        # The audit keeps its rows (ids only, no names) and every chain still verifies.
        assert records_db.read_sync(audit.verify)[1] is None
        assert alerts_db.read_sync(alerts_audit.verify)[1] is None
        # Really gone: the family name is nowhere in records' or alerts' files (SQLite).
        if make_url(stack.config["records"].database_url).get_backend_name() == "sqlite":
            for service_name, db in (("records", records_db), ("alerts", alerts_db)):
                path = Path(make_url(stack.config[service_name].database_url).database)
                wait_for(lambda p=path: not any(family.encode() in f.read_bytes()
                                                for f in p.parent.glob(p.name + "*") if f.is_file()),
                         what=f"{family} gone from {service_name}'s files")
    finally:
        alerts_db.dispose()
        records_db.dispose()

    # Releasing the hold puts the record back in the queue.
    call(manager, "ReleaseLegalHold", pb.ReleaseLegalHoldRequest(name=hold.name, reason="Inquiry closed"))
    assert held.name in due_names(manager)
    refused(lambda: call(manager, "ReleaseLegalHold", pb.ReleaseLegalHoldRequest(name=hold.name, reason="again")),
            "FAILED_PRECONDITION")
