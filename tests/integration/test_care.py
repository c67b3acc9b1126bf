"""Looked-after periods (SSDA903): started within an episode of need, legal statuses and
placements changing within them, ended with a reason; the Episodes rows derived from those facts.
Every refused change answers the right code with a plain message and changes nothing: the period,
the placements and the outbox (read as the alerts service reads it) are all as they were."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest

from ics.records.v1 import records_pb2 as pb
from services.records.care import EpisodeRow, PlacementSpan, StatusSpan, episode_rows
from tests.helpers import Outbox, call
from tui.core.errors import ServiceError

D = date.fromisoformat


# -- the derivation, directly -----------------------------------------------------------------------
def row(decom, rne, ls, place, dec, rec, rpc="", provider="PR1", pl_post="", urn="", cin="N1", home="ZZ1 1ZZ"):
    return EpisodeRow(decom=decom, rne=rne, ls=ls, cin=cin, place=place, place_provider=provider, dec=dec, rec=rec,
                      reason_place_change=rpc, home_post=home, pl_post=pl_post, urn=urn)


def spans(*placed):
    return [PlacementSpan(carer, place, "PR1", "", "", D(start), D(end) if end else None, reason)
            for carer, place, start, end, reason in placed]


def test_first_row_is_s_and_an_open_period_has_no_end():
    rows = episode_rows(D("2026-01-05"), None, "", "N1", "ZZ1 1ZZ", [StatusSpan("V2", D("2026-01-05"))],
                        [PlacementSpan("a", "U6", "PR1", "AA1 1AA", "SC1", D("2026-01-05"))])
    assert rows == [row("2026-01-05", "S", "V2", "U6", "", "", pl_post="AA1 1AA", urn="SC1")]


def test_each_kind_of_change_starts_a_row_with_its_reason():
    statuses = [StatusSpan("C2", D("2026-01-01"), D("2026-03-01")), StatusSpan("C1", D("2026-03-01"), D("2026-05-01")),
                StatusSpan("E1", D("2026-05-01"), D("2026-06-01")), StatusSpan("C2", D("2026-06-01"))]
    placed = spans(("a", "U6", "2026-01-01", "2026-02-01", "CARPL"),   # -> b: P
                   ("b", "U6", "2026-02-01", "2026-04-01", "OTHER"),   # -> respite, a temporary placement: T
                   ("b", "T3", "2026-04-01", "2026-05-01", "OTHER"),   # -> temporary again, with a new status: U
                   ("c", "T1", "2026-05-01", "2026-06-01", "PLACE"),   # -> placed for adoption, new status: B
                   ("c", "A5", "2026-06-01", "2026-07-01", "E11"))
    rows = episode_rows(D("2026-01-01"), D("2026-07-01"), "E11", "N1", "ZZ1 1ZZ", statuses, placed)
    assert [(r.decom, r.rne, r.ls, r.place, r.dec, r.rec, r.reason_place_change) for r in rows] == [
        ("2026-01-01", "S", "C2", "U6", "2026-02-01", "X1", "CARPL"),
        ("2026-02-01", "P", "C2", "U6", "2026-03-01", "X1", ""),
        ("2026-03-01", "L", "C1", "U6", "2026-04-01", "X1", "OTHER"),
        ("2026-04-01", "T", "C1", "T3", "2026-05-01", "X1", "OTHER"),
        ("2026-05-01", "U", "E1", "T1", "2026-06-01", "X1", "PLACE"),
        ("2026-06-01", "B", "C2", "A5", "2026-07-01", "E11", ""),
    ]


def test_same_day_changes_collapse_and_a_status_replaced_the_day_it_began_never_shows():
    statuses = [StatusSpan("L1", D("2026-01-01"), D("2026-01-01")), StatusSpan("L2", D("2026-01-01"))]
    placed = spans(("a", "U6", "2026-01-01", None, ""))
    rows = episode_rows(D("2026-01-01"), None, "", "N1", "ZZ1 1ZZ", statuses, placed)
    assert [(r.rne, r.ls) for r in rows] == [("S", "L2")]


def test_a_gap_between_placements_and_a_period_that_starts_and_ends_the_same_day():
    placed = spans(("a", "U6", "2026-01-01", "2026-01-10", "ALLEG"), ("b", "U6", "2026-01-12", None, ""))
    rows = episode_rows(D("2026-01-01"), None, "", "N1", "", [StatusSpan("V2", D("2026-01-01"))], placed)
    assert [(r.decom, r.rne, r.place, r.dec, r.reason_place_change) for r in rows] == [
        ("2026-01-01", "S", "U6", "2026-01-10", "ALLEG"), ("2026-01-10", "P", "", "2026-01-12", ""),
        ("2026-01-12", "P", "U6", "", "")]
    one_day = episode_rows(D("2026-02-02"), D("2026-02-02"), "E4A", "N4", "",
                           [StatusSpan("V2", D("2026-02-02"), D("2026-02-02"))],
                           spans(("a", "T4", "2026-02-02", "2026-02-02", "CLOSE")))
    assert [(r.decom, r.rne, r.ls, r.place, r.dec, r.rec) for r in one_day] == [
        ("2026-02-02", "S", "V2", "T4", "2026-02-02", "E4A")]


# -- on the running services --------------------------------------------------------------------------
JARGON = re.compile(r"\b[A-Z]+_[A-Z_]+\b|\b[a-z]+_[a-z_]+\b|\bNone\b|Traceback")


def refused(outbox: Outbox, readers, attempt, code: str, *words: str) -> ServiceError:
    """`attempt` is refused with `code`, in plain words naming `words`, and changes nothing."""
    outbox.mark()
    before = [read() for read in readers]
    with pytest.raises(ServiceError) as exc:
        attempt()
    error = exc.value
    assert error.code == code, error.message
    # A statutory item's own name, in brackets after the words for it, is for the data officer.
    assert error.message.strip() and not JARGON.search(re.sub(r"\([^)]*\)", "", error.message)), error.message
    assert all(w.lower() in error.message.lower() for w in words), (words, error.message)
    assert [read() for read in readers] == before, "a refused change still changed the record"
    assert outbox.added() == [], "a refused change still wrote an event"
    return error


@pytest.fixture(scope="module")
def desk(sessions):
    """duty, leader, the outbox as the alerts service reads it, and a worker in a team that has
    nothing to do with these children."""
    return sessions("duty"), sessions("leader"), Outbox(sessions.service()), sessions("worker2")


def child_in_need(duty, leader, given="Mia", received="2026-03-02", decision=pb.REFERRAL_DECISION_ASSESSMENT):
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name=given, family_name=f"Looked{uuid.uuid4().hex[:6]}", date_of_birth="2014-04-04",
                             sex=pb.SEX_FEMALE, postcode="zz1 1zz"),
        received_date=received, source=pb.CONTACT_SOURCE_POLICE, reason="Police protection after an incident",
        confirmed_not_duplicate=True))
    leader.decide_referral(reply.referral.name, decision, "Needs an assessment")
    return reply.person


def carer(leader, name, postcode, urn, kind="foster_carer"):
    return call(leader, "CreateCarer", pb.CreateCarerRequest(carer=pb.Carer(
        kind=kind, display_name=f"{name} {uuid.uuid4().hex[:4]}", postcode=postcode, urn=urn)))


def place(client, child, who, day, kind="U6", provider="PR1"):
    return call(client, "StartPlacement", pb.StartPlacementRequest(placement=pb.Placement(
        child=child, carer=who.name, start_date=day, placement_type=kind, provider=provider)))


def periods(client, child):
    return lambda: list(call(client, "ListCarePeriods", pb.ListCarePeriodsRequest(child=child)).care_periods)


def placements_of(client, child):
    return lambda: list(call(client, "ListPlacements", pb.ListPlacementsRequest(child=child)).placements)


def test_the_whole_journey_and_its_episode_rows(desk):
    duty, leader, outbox, _ = desk
    child = child_in_need(duty, leader).name
    a = carer(leader, "Ann Carer", "aa1 1aa", "SC000001")
    b = carer(leader, "Bob Carer", "BB2 2BB", "SC000002")

    outbox.mark()
    request_id = str(uuid.uuid4())
    started = call(duty, "StartCare", pb.StartCareRequest(child=child, start_date="2026-03-02", legal_status="C2",
                                                          category_of_need="N1", request_id=request_id))
    assert (started.start_date, started.category_of_need, started.end_date, started.etag) == ("2026-03-02", "N1", "", "1")
    assert started.episode.startswith("episodes/")
    assert [(s.code, s.start_date, s.end_date) for s in started.legal_statuses] == [("C2", "2026-03-02", "")]
    [event] = outbox.added()
    assert event.type == "care.started" and event.subject == started.name
    again = call(duty, "StartCare", pb.StartCareRequest(child=child, start_date="2026-03-02", legal_status="C2",
                                                        category_of_need="N1", request_id=request_id))
    assert again == started  # a retry answers the first result

    first = place(duty, child, a, "2026-03-02", "U6", "PR1")
    assert first.care_period == started.name and first.etag == "1"
    moved = call(duty, "EndPlacement", pb.EndPlacementRequest(name=first.name, end_date="2026-04-10",
                                                              end_reason="CARPL", etag=first.etag))
    assert moved.etag == "2"
    with_b = place(duty, child, b, "2026-04-10", "U4", "PR4")
    [period] = periods(duty, child)()
    changed = call(duty, "ChangeLegalStatus", pb.ChangeLegalStatusRequest(
        name=period.name, legal_status="C1", start_date="2026-05-01", etag=period.etag))
    assert [(s.code, s.start_date, s.end_date) for s in changed.legal_statuses] == [
        ("C2", "2026-03-02", "2026-05-01"), ("C1", "2026-05-01", "")]
    call(duty, "EndPlacement", pb.EndPlacementRequest(name=with_b.name, end_date="2026-06-15", end_reason="PLACE",
                                                      etag=with_b.etag))
    adoptive = place(duty, child, b, "2026-06-15", "A5", "PR4")

    [period] = periods(duty, child)()
    outbox.mark()
    ended = call(duty, "EndCare", pb.EndCareRequest(name=period.name, end_date="2026-08-20", end_reason="E11",
                                                    etag=period.etag))
    assert [e.type for e in outbox.added()] == ["placement.ended", "care.ended"]
    assert (ended.end_date, ended.end_reason) == ("2026-08-20", "E11")
    assert [(p.name, p.end_date, p.end_reason) for p in ended.placements][-1] == (adoptive.name, "2026-08-20", "CLOSE")
    assert [p.name for p in ended.placements] == [first.name, with_b.name, adoptive.name]
    assert [(r.decom, r.rne, r.ls, r.cin, r.place, r.place_provider, r.dec, r.rec, r.reason_place_change,
             r.home_post, r.pl_post, r.urn) for r in ended.episode_rows] == [
        ("2026-03-02", "S", "C2", "N1", "U6", "PR1", "2026-04-10", "X1", "CARPL", "ZZ1 1ZZ", "AA1 1AA", "SC000001"),
        ("2026-04-10", "P", "C2", "N1", "U4", "PR4", "2026-05-01", "X1", "", "ZZ1 1ZZ", "BB2 2BB", "SC000002"),
        ("2026-05-01", "L", "C1", "N1", "U4", "PR4", "2026-06-15", "X1", "PLACE", "ZZ1 1ZZ", "BB2 2BB", "SC000002"),
        ("2026-06-15", "P", "C1", "N1", "A5", "PR4", "2026-08-20", "E11", "", "ZZ1 1ZZ", "BB2 2BB", "SC000002"),
    ]
    assert periods(duty, child)() == [ended]

    # Ended: nothing more changes it, and the worker is told why.
    readers = [periods(duty, child), placements_of(duty, child)]
    refused(outbox, readers, lambda: call(duty, "EndCare", pb.EndCareRequest(
        name=ended.name, end_date="2026-08-21", end_reason="E11", etag=ended.etag)),
        "FAILED_PRECONDITION", "stopped being looked after", "2026-08-20")
    refused(outbox, readers, lambda: call(duty, "ChangeLegalStatus", pb.ChangeLegalStatusRequest(
        name=ended.name, legal_status="C2", start_date="2026-08-21", etag=ended.etag)),
        "FAILED_PRECONDITION", "stopped being looked after")
    refused(outbox, readers, lambda: place(duty, child, a, "2026-08-25"), "FAILED_PRECONDITION", "not looked after")
    refused(outbox, readers, lambda: call(duty, "StartCare", pb.StartCareRequest(
        child=child, start_date="2026-08-01", legal_status="V2", category_of_need="N1")),
        "INVALID_ARGUMENT", ended.name, "2026-08-20")
    # Looked after again later in the same episode: a new period, the first left as it was.
    second = call(duty, "StartCare", pb.StartCareRequest(child=child, start_date="2026-09-01", legal_status="V2",
                                                         category_of_need="N4"))
    assert [p.name for p in periods(duty, child)()] == [second.name, ended.name]


def test_refusals_change_nothing(desk):
    duty, leader, outbox, _ = desk
    a = carer(leader, "Cat Carer", "CC3 3CC", "SC000003")
    b = carer(leader, "Dan Carer", "DD4 4DD", "")

    # No open episode of need: a referral closed with no further action.
    closed = child_in_need(duty, leader, "Ned", decision=pb.REFERRAL_DECISION_NO_FURTHER_ACTION).name
    refused(outbox, [periods(duty, closed)], lambda: call(duty, "StartCare", pb.StartCareRequest(
        child=closed, start_date="2026-03-02", legal_status="V2", category_of_need="N1")),
        "FAILED_PRECONDITION", "no open episode of need")

    child = child_in_need(duty, leader, "Ola").name
    readers = [periods(duty, child), placements_of(duty, child)]
    refused(outbox, readers, lambda: place(duty, child, a, "2026-03-03"), "FAILED_PRECONDITION", "not looked after")
    error = refused(outbox, readers, lambda: call(duty, "StartCare", pb.StartCareRequest(
        child=child, start_date="2026-03-03", legal_status="Z9", category_of_need="N9")), "INVALID_ARGUMENT")
    assert set(error.violations) == {"legal_status", "category_of_need"}
    refused(outbox, readers, lambda: call(duty, "StartCare", pb.StartCareRequest(
        child=child, start_date="2026-03-01", legal_status="V2", category_of_need="N1")),
        "INVALID_ARGUMENT", "episode of need", "2026-03-02")

    period = call(duty, "StartCare", pb.StartCareRequest(child=child, start_date="2026-03-03", legal_status="V2",
                                                         category_of_need="N1"))
    refused(outbox, readers, lambda: call(duty, "StartCare", pb.StartCareRequest(
        child=child, start_date="2026-03-04", legal_status="C2", category_of_need="N1")),
        "FAILED_PRECONDITION", "already looked after", period.name)
    refused(outbox, readers, lambda: place(duty, child, a, "2026-03-02"), "INVALID_ARGUMENT", "2026-03-03")
    refused(outbox, readers, lambda: place(duty, child, a, "2026-03-03", "Q9", "PR9"), "INVALID_ARGUMENT")
    first = place(duty, child, a, "2026-03-03")
    refused(outbox, readers, lambda: place(duty, child, b, "2026-03-04"), "FAILED_PRECONDITION", "still placed")

    # The period's etag moved on when the placement started: the old one is stale.
    [current] = periods(duty, child)()
    assert current.etag != period.etag
    refused(outbox, readers, lambda: call(duty, "ChangeLegalStatus", pb.ChangeLegalStatusRequest(
        name=period.name, legal_status="C2", start_date="2026-04-01", etag=period.etag)), "ABORTED", "reload")
    error = refused(outbox, readers, lambda: call(duty, "ChangeLegalStatus", pb.ChangeLegalStatusRequest(
        name=period.name, legal_status="C2", start_date="2026-04-01")), "INVALID_ARGUMENT")
    assert "etag" in error.violations
    refused(outbox, readers, lambda: call(duty, "ChangeLegalStatus", pb.ChangeLegalStatusRequest(
        name=period.name, legal_status="V2", start_date="2026-04-01", etag=current.etag)),
        "FAILED_PRECONDITION", "already V2")
    refused(outbox, readers, lambda: call(duty, "ChangeLegalStatus", pb.ChangeLegalStatusRequest(
        name=period.name, legal_status="C2", start_date="2026-03-02", etag=current.etag)),
        "INVALID_ARGUMENT", "2026-03-03")
    error = refused(outbox, readers, lambda: call(duty, "ChangeLegalStatus", pb.ChangeLegalStatusRequest(
        name=period.name, legal_status="C9", start_date="2099-01-01", etag=current.etag)), "INVALID_ARGUMENT")
    assert set(error.violations) == {"legal_status", "start_date"}

    # Placements: etag required, a stale one refused.
    error = refused(outbox, readers, lambda: call(duty, "EndPlacement", pb.EndPlacementRequest(
        name=first.name, end_date="2026-04-01", end_reason="CARPL")), "INVALID_ARGUMENT")
    assert "etag" in error.violations
    refused(outbox, readers, lambda: call(duty, "EndPlacement", pb.EndPlacementRequest(
        name=first.name, end_date="2026-04-01", end_reason="CARPL", etag="99")), "ABORTED", "reload")

    # Ending: codes checked, the date not before the last change, X1 is not a reason to stop.
    error = refused(outbox, readers, lambda: call(duty, "EndCare", pb.EndCareRequest(
        name=period.name, end_date="2026-05-01", end_reason="E99", reason_place_change="NOPE", etag=current.etag)),
        "INVALID_ARGUMENT")
    assert set(error.violations) == {"end_reason", "reason_place_change"}
    error = refused(outbox, readers, lambda: call(duty, "EndCare", pb.EndCareRequest(
        name=period.name, end_date="2026-05-01", end_reason="X1", etag=current.etag)), "INVALID_ARGUMENT")
    assert set(error.violations) == {"end_reason"}
    changed = call(duty, "ChangeLegalStatus", pb.ChangeLegalStatusRequest(
        name=period.name, legal_status="C2", start_date="2026-04-01", etag=current.etag))
    refused(outbox, readers, lambda: call(duty, "EndCare", pb.EndCareRequest(
        name=period.name, end_date="2026-03-20", end_reason="E4A", etag=changed.etag)),
        "INVALID_ARGUMENT", "2026-04-01", "legal status")
    refused(outbox, readers, lambda: call(duty, "EndCare", pb.EndCareRequest(
        name=period.name, end_date="2026-05-01", end_reason="E4A", etag=current.etag)), "ABORTED")

    ended = call(duty, "EndCare", pb.EndCareRequest(name=period.name, end_date="2026-05-01", end_reason="E4A",
                                                    reason_place_change="CARPL", etag=changed.etag))
    assert [(p.name, p.end_date, p.end_reason) for p in ended.placements] == [(first.name, "2026-05-01", "CARPL")]
    assert [(r.rne, r.ls, r.dec, r.rec) for r in ended.episode_rows] == [
        ("S", "V2", "2026-04-01", "X1"), ("L", "C2", "2026-05-01", "E4A")]
    refused(outbox, readers, lambda: call(duty, "EndCare", pb.EndCareRequest(
        name=period.name, end_date="2026-05-01", end_reason="E4A", etag=ended.etag)),
        "FAILED_PRECONDITION", "2026-05-01")
    refused(outbox, readers, lambda: call(duty, "EndPlacement", pb.EndPlacementRequest(
        name=first.name, end_date="2026-05-01", end_reason="CARPL", etag=ended.placements[0].etag)),
        "FAILED_PRECONDITION", "already ended")


def test_private_fostering_needs_no_care_period_and_is_refused_while_looked_after(desk):
    duty, leader, outbox, _ = desk
    private = carer(leader, "Pat Private", "PP5 5PP", "", kind="private_foster_carer")
    child = child_in_need(duty, leader, "Pia").name
    fostered = place(duty, child, private, "2026-03-02", "U3", "PR0")
    assert fostered.care_period == ""
    readers = [periods(duty, child), placements_of(duty, child)]
    refused(outbox, readers, lambda: call(duty, "StartCare", pb.StartCareRequest(
        child=child, start_date="2026-03-05", legal_status="V2", category_of_need="N1")),
        "FAILED_PRECONDITION", "still placed", fostered.name)
    call(duty, "EndPlacement", pb.EndPlacementRequest(name=fostered.name, end_date="2026-03-05", end_reason="CARPL",
                                                      etag=fostered.etag))
    period = call(duty, "StartCare", pb.StartCareRequest(child=child, start_date="2026-03-05", legal_status="V2",
                                                         category_of_need="N1"))
    refused(outbox, readers, lambda: place(duty, child, private, "2026-03-06", "U3", "PR0"),
            "FAILED_PRECONDITION", "looked after", period.name)


def test_a_child_the_caller_cannot_see_is_not_found(desk):
    duty, leader, outbox, outsider = desk
    child = child_in_need(duty, leader, "Ria").name
    period = call(duty, "StartCare", pb.StartCareRequest(child=child, start_date="2026-03-02", legal_status="V2",
                                                         category_of_need="N1"))
    for attempt in (lambda: call(outsider, "ListCarePeriods", pb.ListCarePeriodsRequest(child=child)),
                    lambda: call(outsider, "EndCare", pb.EndCareRequest(
                        name=period.name, end_date="2026-03-03", end_reason="E4A", etag=period.etag)),
                    lambda: call(outsider, "EndCare", pb.EndCareRequest(
                        name="care-periods/999999", end_date="2026-03-03", end_reason="E4A", etag="1"))):
        refused(outbox, [periods(duty, child)], attempt, "NOT_FOUND")
