"""A family of three children through the child protection route to closure, then a
re-referral: every step on the real services, every record from its exemplar template."""

from __future__ import annotations

import random
import uuid
from datetime import date

from ics.records.v1 import records_pb2 as pb
from services.records.generate import plausible_answers
from services.records.template_library import TemplateLibrary
from tests.helpers import call

# The same template files the records service loads; answers are made the way the synthetic
# council generator makes them, so the pathway logic lives in one place.
LIBRARY = TemplateLibrary.load()


def statutory_question(template_id: str, item: str) -> str:
    return next(q.id for q in LIBRARY.get(template_id).questions() if ("cin", item) in q.statutory)


def complete(client, person: str, template_id: str, day: str, **chosen) -> pb.Document:
    served = call(client, "GetTemplate", pb.GetTemplateRequest(template_id=template_id))
    template = LIBRARY.get(template_id, served.version)
    answers = plausible_answers(template, chosen, date.fromisoformat(day), random.Random(template_id))
    doc = call(client, "CreateDocument", pb.CreateDocumentRequest(
        person=person, template_id=template_id, start_date=day, answers=answers))
    done = call(client, "EndDocument", pb.EndDocumentRequest(name=doc.name, etag=doc.etag,
                                                             state=pb.DOCUMENT_STATE_COMPLETED))
    assert done.state == pb.DOCUMENT_STATE_COMPLETED and done.snapshot_sha256
    return done


def test_family_of_three_through_child_protection_to_closure_then_re_referral(client_factory):
    duty, leader = client_factory("duty"), client_factory("leader")
    family = f"Journey{uuid.uuid4().hex[:6]}"
    children = []
    for given, dob, sex in (("Ava", "2012-03-01", pb.SEX_FEMALE), ("Ben", "2016-07-09", pb.SEX_MALE),
                            ("Cal", "2021-01-20", pb.SEX_MALE)):
        reply = duty.record_contact(pb.RecordContactRequest(
            new_person=pb.Person(given_name=given, family_name=family, date_of_birth=dob, sex=sex, postcode="ZZ3 3ZZ"),
            received_date="2026-06-01", source=pb.CONTACT_SOURCE_POLICE,
            reason="Police attended a violent incident at the family home", confirmed_not_duplicate=True))
        leader.decide_referral(reply.referral.name, pb.REFERRAL_DECISION_STRATEGY_DISCUSSION, "Reasonable cause to suspect significant harm")
        children.append(reply)
    for sibling in children[1:]:
        call(duty, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
            child=children[0].person.name, other=sibling.person.name, type_code="sibling", lives_with_child=True)))

    for reply in children:
        child = reply.person.name
        call(leader, "AllocateWorker", pb.AllocateWorkerRequest(allocation=pb.Allocation(
            person=child, worker=duty.session.user.name, worker_display_name="Dana Duty", team="teams/1",
            start_date="2026-06-01")))
        for template_id, day in (("strategy-discussion", "2026-06-02"), ("single-assessment", "2026-06-03"),
                                 ("outcome-of-s47-enquiries", "2026-06-10"),
                                 ("initial-child-protection-conference-report", "2026-06-19"),
                                 ("child-or-young-persons-plan", "2026-06-19"),
                                 ("child-protection-review", "2026-09-18")):
            complete(duty, child, template_id, day)
        complete(duty, child, "closure-record", "2026-11-20", **{
            statutory_question("closure-record", "CINclosureDate"): "2026-11-20",
            statutory_question("closure-record", "ReasonForClosure"): "RC7"})

        episodes = call(duty, "ListEpisodes", pb.ListEpisodesRequest(person=child)).episodes
        assert len(episodes) == 1
        closed = episodes[0]
        assert closed.state == pb.EPISODE_STATE_CLOSED and closed.closed_date == "2026-11-20"
        assert closed.closure_reason == "RC7" and closed.referrals == [reply.referral.name]
        assert len(closed.documents) == 7
        entries = call(duty, "GetChronology", pb.GetChronologyRequest(person=child, significant_only=True)).entries
        story = [e.title for e in entries]
        assert story[0] == "Contact received" and "Case closed" in story
        assert next(e.date for e in entries if e.title == "Case closed") == "2026-11-20"
        assert "Initial Child Protection Conference Report completed" in story

    story = call(duty, "GetCaseStory", pb.GetCaseStoryRequest(person=children[0].person.name)).text
    assert story.startswith(f"The story of Ava {family}")
    told = [story.index(s) for s in ("Police attended a violent incident", "decided: strategy discussion",
                                     "Strategy Discussion, completed", "Initial Child Protection Conference Report",
                                     "The case was closed on Fri 20 Nov 2026")]
    assert told == sorted(told)  # one narrative, in the order it happened
    assert "\u2500" not in story and "|" not in story  # plain sentences, nothing drawn

    # Months later the eldest is referred again: a new episode, linked to the first, flagged.
    again = duty.record_contact(pb.RecordContactRequest(
        person=children[0].person.name, received_date="2026-11-25", source=pb.CONTACT_SOURCE_SCHOOL,
        reason="Ava disclosed new violence at home"))
    assert again.referral.re_referral and again.referral.previous_referral == children[0].referral.name
    episodes = call(duty, "ListEpisodes", pb.ListEpisodesRequest(person=children[0].person.name)).episodes
    assert [e.state for e in episodes] == [pb.EPISODE_STATE_OPEN, pb.EPISODE_STATE_CLOSED]
    assert episodes[0].previous_episode == episodes[1].name and episodes[0].referrals == [again.referral.name]


def test_no_further_action_closes_the_episode_the_same_day(client_factory):
    duty = client_factory("duty")
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Nia", family_name=f"Nfa{uuid.uuid4().hex[:6]}", date_of_birth="2015-02-02",
                             sex=pb.SEX_FEMALE), received_date="2026-11-02", source=pb.CONTACT_SOURCE_SCHOOL,
        reason="Worried about attendance"))
    duty.decide_referral(reply.referral.name, pb.REFERRAL_DECISION_NO_FURTHER_ACTION, "Early help already involved")
    [episode] = call(duty, "ListEpisodes", pb.ListEpisodesRequest(person=reply.person.name)).episodes
    assert episode.state == pb.EPISODE_STATE_CLOSED and episode.closure_reason == "referral_nfa"
