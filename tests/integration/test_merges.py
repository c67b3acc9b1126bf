"""Two records of one child are merged, and the merge can be undone exactly (R-DUP)."""

from __future__ import annotations

import uuid

import pytest

from ics.records.v1 import records_pb2 as pb
from tui.core.errors import ServiceError
from tests.helpers import call


def test_merge_then_undo_puts_every_record_back(client_factory):
    duty, leader = client_factory("duty"), client_factory("leader")
    family = f"Merge{uuid.uuid4().hex[:6]}"
    first = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Hanna", family_name=family, date_of_birth="2015-03-03", sex=pb.SEX_FEMALE),
        received_date="2026-10-01", source=pb.CONTACT_SOURCE_SCHOOL, reason="First contact"))
    second = duty.record_contact(pb.RecordContactRequest(  # misspelt, so recorded again
        new_person=pb.Person(given_name="Hana", family_name=family, date_of_birth="2015-03-30", sex=pb.SEX_FEMALE),
        received_date="2026-11-01", source=pb.CONTACT_SOURCE_POLICE, reason="Second contact"))
    keep, duplicate = first.person.name, second.person.name

    with pytest.raises(ServiceError) as exc:
        call(duty, "MergePeople", pb.MergePeopleRequest(keep=keep, duplicate=duplicate, reason="Same child"))
    assert exc.value.code == "PERMISSION_DENIED"
    merged = call(leader, "MergePeople", pb.MergePeopleRequest(keep=keep, duplicate=duplicate,
                                                               reason="Same child: school confirmed the spelling"))
    assert merged.records_moved == 3  # the contact, the referral and its episode
    referrals = {r.name for r in call(leader, "ListReferrals", pb.ListReferralsRequest(person=keep)).referrals}
    assert referrals == {first.referral.name, second.referral.name}
    with pytest.raises(ServiceError) as exc:
        leader.get_person(duplicate)
    assert exc.value.code == "NOT_FOUND"
    story = [e.detail for e in call(leader, "GetChronology", pb.GetChronologyRequest(person=keep)).entries]
    assert "First contact" in story and "Second contact" in story

    undone = call(leader, "UndoMerge", pb.UndoMergeRequest(name=merged.name, reason="Twins, not one child"))
    assert undone.undone
    assert {r.name for r in call(leader, "ListReferrals", pb.ListReferralsRequest(person=keep)).referrals} == {
        first.referral.name}
    assert {r.name for r in call(leader, "ListReferrals", pb.ListReferralsRequest(person=duplicate)).referrals} == {
        second.referral.name}
    assert leader.get_person(duplicate).name == duplicate
    with pytest.raises(ServiceError) as exc:
        call(leader, "UndoMerge", pb.UndoMergeRequest(name=merged.name, reason="again"))
    assert exc.value.code == "FAILED_PRECONDITION"
