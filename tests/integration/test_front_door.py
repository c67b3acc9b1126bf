"""The thin slice over real gRPC: contact -> referral -> decision clock for the duty team -> met."""

from __future__ import annotations

import time
import uuid
from datetime import date

import pytest

from ics.alerts.v1 import alerts_pb2 as apb
from ics.records.v1 import records_pb2 as pb
from services.alerts.calendar import WorkingCalendar
from services.common.dates import today_london
from tui.core.errors import ServiceError, SessionExpired
from tui.core.forms import contact_request
from tests.helpers import wait_for


def new_child(family: str | None = None, dob: str = "2018-04-01") -> pb.Person:
    return pb.Person(given_name="Testchild", family_name=family or f"Fam{uuid.uuid4().hex[:8]}",
                     date_of_birth=dob, sex=pb.SEX_FEMALE, postcode="ZZ1 1AA")


def record(client, person=None, **overrides) -> pb.RecordContactResponse:
    request = pb.RecordContactRequest(source=pb.CONTACT_SOURCE_SCHOOL, reason="Bruising seen at school",
                                      **overrides)
    if isinstance(person, str):
        request.person = person
    else:
        request.new_person.CopyFrom(person or new_child())
    return client.record_contact(request)


def clock_for(client, referral_name: str):
    return next((c for c in client.my_alerts(include_ended=True, page_size=500) if c.subject == referral_name), None)


def test_contact_becomes_referral_with_a_clock_for_every_duty_member_then_met(client_factory):
    duty, duty2, leader = client_factory("duty"), client_factory("duty2"), client_factory("leader")
    reply = record(duty)
    assert reply.referral.state == pb.REFERRAL_STATE_AWAITING_DECISION
    assert reply.person.name.startswith("people/")

    expected_due = WorkingCalendar().add_working_days(today_london(), 1)
    for member in (duty, duty2, leader):  # everyone in the duty team sees it in My work
        clock = wait_for(lambda m=member: clock_for(m, reply.referral.name))
        assert clock.state == apb.CLOCK_STATE_OPEN
        assert clock.due_date == expected_due.isoformat()
        assert clock.title == "Referral decision due"
    worker = client_factory("worker")  # another team: not theirs
    assert clock_for(worker, reply.referral.name) is None

    decided = duty.decide_referral(reply.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "Needs assessment")
    assert decided.state == pb.REFERRAL_STATE_DECIDED
    assert decided.decided_by.username == "duty"
    met = wait_for(lambda: (c := clock_for(duty2, reply.referral.name)) and c.state == apb.CLOCK_STATE_MET and c)
    assert met.ended_date == today_london().isoformat()


def test_known_child_is_found_and_reused_not_duplicated(client_factory):
    duty = client_factory("duty")
    family = f"Quell{uuid.uuid4().hex[:6]}"
    first = record(duty, new_child(family))
    matches = duty.search_people(f"Testchld {family}")  # misspelt on purpose
    assert matches and matches[0].person.name == first.person.name
    with pytest.raises(ServiceError) as exc:
        record(duty, new_child(family))
    assert exc.value.code == "ALREADY_EXISTS" and exc.value.existing == first.person.name
    second = record(duty, first.person.name)
    assert second.person.name == first.person.name


def test_retried_contact_is_recorded_once(client_factory):
    duty = client_factory("duty")
    request_id = str(uuid.uuid4())
    a = record(duty, request_id=request_id)
    b = record(duty, request_id=request_id)
    assert a.contact.name == b.contact.name and a.referral.name == b.referral.name


def test_bad_contact_is_refused_plainly_and_changes_nothing(client_factory):
    duty = client_factory("duty")
    before = len(duty.list_referrals(page_size=500))
    values = {"given_name": "", "family_name": "", "date_of_birth": "31/02/2019", "sex": "", "source": "",
              "reason": " "}
    with pytest.raises(ServiceError) as exc:
        duty.record_contact(contact_request(values))
    err = exc.value
    assert err.code == "INVALID_ARGUMENT"
    assert {"new_person.date_of_birth", "new_person.sex", "reason", "source"} <= set(err.violations)
    assert "not saved" in err.message
    assert len(duty.list_referrals(page_size=500)) == before


def test_decision_rules(client_factory):
    duty, worker = client_factory("duty"), client_factory("worker")
    reply = record(duty)
    with pytest.raises(ServiceError) as exc:
        worker.decide_referral(reply.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "x")
    assert exc.value.code in {"PERMISSION_DENIED", "NOT_FOUND"}
    with pytest.raises(ServiceError) as exc:
        duty.decide_referral(reply.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "x", etag="999")
    assert exc.value.code == "ABORTED"
    duty.decide_referral(reply.referral.name, pb.REFERRAL_DECISION_NO_FURTHER_ACTION, "Advice given")
    with pytest.raises(ServiceError) as exc:
        duty.decide_referral(reply.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "again")
    assert exc.value.code == "FAILED_PRECONDITION" and "already decided" in exc.value.message


def test_worker_cannot_see_children_outside_their_team(client_factory):
    duty, worker = client_factory("duty"), client_factory("worker")
    reply = record(duty)
    with pytest.raises(ServiceError) as exc:
        worker.get_person(reply.person.name)
    assert exc.value.code == "NOT_FOUND"
    assert all(m.person.name != reply.person.name for m in worker.search_people("Testchild"))
    admin = client_factory("admin")
    with pytest.raises(ServiceError) as exc:
        admin.search_people("Testchild")
    assert exc.value.code == "PERMISSION_DENIED"


@pytest.mark.parametrize("token", ["", "forged-token-value", "x" * 43])
def test_every_call_needs_a_valid_token(stack, token):
    from tui.core.client import IcsClient

    client = IcsClient(stack.targets())
    client.session.token = token
    client.session.expires_at = time.time() + 3600
    for call in (lambda: client.search_people("a"), lambda: client.my_alerts(),
                 lambda: client.list_referrals(), lambda: client.list_drafts()):
        with pytest.raises(SessionExpired):
            call()
    client.close()


def test_logged_out_token_is_refused_everywhere(client_factory):
    duty = client_factory("duty")
    token = duty.session.token
    duty.logout()
    duty.session.token, duty.session.expires_at = token, time.time() + 3600
    with pytest.raises(SessionExpired):
        duty.session.user = None
        duty.list_drafts()


def test_drafts_are_private_and_survive(client_factory):
    duty, duty2 = client_factory("duty"), client_factory("duty2")
    draft = duty.save_draft(pb.Draft(kind="contact", fields={"reason": "half typed"}, title="Contact"))
    again = client_factory("duty")  # a new session, as after a dropped link
    assert [d.fields["reason"] for d in again.list_drafts("contact") if d.name == draft.name] == ["half typed"]
    assert all(d.name != draft.name for d in duty2.list_drafts("contact"))
    reply = record(duty, draft=draft.name)
    assert reply.contact.name
    assert all(d.name != draft.name for d in duty.list_drafts("contact"))


def test_referral_on_a_saturday_is_due_monday(stack):
    import grpc

    from ics.alerts.v1 import alerts_pb2_grpc
    from tui.core.client import IcsClient

    client = IcsClient(stack.targets())
    client.login("duty", "demo")
    stub = alerts_pb2_grpc.AlertsServiceStub(grpc.insecure_channel(stack.target("alerts")))
    md = (("authorization", f"Bearer {client.session.token}"),)
    for start, due in (("2026-11-28", "2026-11-30"), ("2026-12-24", "2026-12-29")):
        reply = stub.ComputeDueDate(apb.ComputeDueDateRequest(rule="referral_decision", start_date=start), metadata=md)
        assert reply.due_date == due
    assert date.fromisoformat("2026-12-29")
    client.close()


def test_update_person_takes_a_mask_and_refuses_a_stale_etag(client_factory):
    from google.protobuf import field_mask_pb2

    duty = client_factory("duty")
    person = record(duty).person
    update = lambda p, *paths: duty._call("records", duty.records.UpdatePerson, pb.UpdatePersonRequest(  # noqa: E731
        person=p, update_mask=field_mask_pb2.FieldMask(paths=list(paths))))
    changed = update(pb.Person(name=person.name, postcode="zz9 9zz", given_name="ignored", etag=person.etag),
                     "postcode")
    assert changed.postcode == "ZZ9 9ZZ" and changed.given_name == person.given_name
    assert changed.etag != person.etag
    with pytest.raises(ServiceError) as exc:
        update(pb.Person(name=person.name, postcode="ZZ1 1ZZ", etag=person.etag), "postcode")
    assert exc.value.code == "ABORTED" and "Reload" in exc.value.message
    with pytest.raises(ServiceError) as exc:  # no etag, no silent overwrite
        update(pb.Person(name=person.name, postcode="ZZ1 1ZZ"), "postcode")
    assert exc.value.code == "INVALID_ARGUMENT" and "person.etag" in exc.value.violations
    with pytest.raises(ServiceError) as exc:
        update(pb.Person(name=person.name, restricted=True), "restricted")
    assert exc.value.code == "INVALID_ARGUMENT"
    assert duty.get_person(person.name).postcode == "ZZ9 9ZZ"


def test_a_second_referral_is_linked_to_the_first_as_a_re_referral(client_factory):
    duty = client_factory("duty")
    first = record(duty, received_date="2026-01-10")
    second = record(duty, first.person.name)
    assert not first.referral.re_referral and not first.referral.previous_referral
    assert second.referral.previous_referral == first.referral.name
    assert second.referral.re_referral == (date.fromisoformat(second.referral.received_date)
                                           <= date(2027, 1, 10))
    listed = {r.name: r for r in duty.list_referrals(page_size=500)}
    assert listed[second.referral.name].previous_referral == first.referral.name


def test_no_further_action_on_a_new_contact_never_closes_work_already_open(client_factory):
    duty = client_factory("duty")
    first = record(duty, received_date="2026-06-01")
    duty.decide_referral(first.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "Needs an assessment")
    again = record(duty, first.person.name, received_date="2026-06-10")
    duty.decide_referral(again.referral.name, pb.REFERRAL_DECISION_NO_FURTHER_ACTION, "Already being assessed")
    [episode] = duty._call("records", duty.records.ListEpisodes,
                           pb.ListEpisodesRequest(person=first.person.name)).episodes
    assert episode.state == pb.EPISODE_STATE_OPEN
    assert list(episode.referrals) == [first.referral.name, again.referral.name]
