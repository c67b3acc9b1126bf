"""The chronology is generated from what happened and merged with curated significant entries."""

from __future__ import annotations

import uuid

import pytest

from ics.records.v1 import records_pb2 as pb
from tui.core.errors import ServiceError
from tests.helpers import call


def test_chronology_tells_the_story_in_date_order(client_factory):
    duty, leader = client_factory("duty"), client_factory("leader")
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Cora", family_name=f"Nology{uuid.uuid4().hex[:6]}",
                             date_of_birth="2014-04-04", sex=pb.SEX_FEMALE),
        received_date="2026-11-02", source=pb.CONTACT_SOURCE_POLICE, reason="Police called to the home"))
    duty.decide_referral(reply.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "Needs assessment")
    added = call(duty, "AddChronologyEntry", pb.AddChronologyEntryRequest(person=reply.person.name, entry=pb.ChronologyEntry(
        date="2026-09-15", title="Father moved back into the family home", detail="Told by the school")))
    assert added.curated

    entries = call(leader, "GetChronology", pb.GetChronologyRequest(person=reply.person.name)).entries
    titles = [e.title for e in entries]
    assert titles[0] == "Father moved back into the family home"  # curated, and earliest
    assert "Contact received" in titles and "Referral decided: assessment" in titles
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    contact = next(e for e in entries if e.title == "Contact received")
    assert contact.detail == "Police called to the home" and contact.date == "2026-11-02"
    assert contact.recorded_by == "Dana Duty"

    significant = call(leader, "GetChronology", pb.GetChronologyRequest(person=reply.person.name,
                                                                        significant_only=True)).entries
    assert "Referral opened" not in [e.title for e in significant]
    assert all(e.significant for e in significant)


def test_a_bad_entry_is_refused_and_strangers_see_nothing(client_factory):
    duty = client_factory("duty")
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Zed", family_name=f"Chron{uuid.uuid4().hex[:6]}", date_of_birth="2015-05-05",
                             sex=pb.SEX_MALE), source=pb.CONTACT_SOURCE_SCHOOL, reason="x"))
    with pytest.raises(ServiceError) as exc:
        call(duty, "AddChronologyEntry", pb.AddChronologyEntryRequest(person=reply.person.name, entry=pb.ChronologyEntry(
            date="2099-01-01", title="")))
    assert set(exc.value.violations) == {"entry.date", "entry.title"}
    with pytest.raises(ServiceError) as exc:
        call(client_factory("worker"), "GetChronology", pb.GetChronologyRequest(person=reply.person.name))
    assert exc.value.code == "NOT_FOUND"
