"""Every state transition that is not allowed is refused (FAILED_PRECONDITION) with a clear error,
and changes nothing (R-STATE).

Each state machine is walked on the real services (SQLite and PostgreSQL). For every refusal we
check (a) the status code, (b) that the message is plain English and names the state the thing is
in, and (c) that nothing changed: the resource reads back identical (state, etag, answers,
signatures), the child's chronology is identical, and no event at all was added to the outbox
(read as the alerts service reads it, through WatchEvents).

Message and status-code shortfalls raise their own AssertionError subclasses, so a failure says
at once whether the service changed something, allowed what it should refuse, or only explained
itself badly.
"""

from __future__ import annotations

import itertools
import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from ics.records.v1 import records_pb2 as pb
from tests.helpers import Outbox, a, call
from tui.core.errors import ServiceError

IN_PROGRESS, SUBMITTED = pb.DOCUMENT_STATE_IN_PROGRESS, pb.DOCUMENT_STATE_SUBMITTED
COMPLETED, CANCELLED, POSTPONED = pb.DOCUMENT_STATE_COMPLETED, pb.DOCUMENT_STATE_CANCELLED, pb.DOCUMENT_STATE_POSTPONED
# How a worker reads each state; a refusal must say which one the document is in.
STATE_WORDS = {IN_PROGRESS: "in progress", SUBMITTED: "waiting for approval", COMPLETED: "completed",
               CANCELLED: "cancelled", POSTPONED: "postponed"}
CANNOT_CHANGE = (SUBMITTED, CANCELLED, POSTPONED)  # what a refusal must not tell the worker to "change"


class UnclearMessage(AssertionError):
    """Refused and nothing changed, but the worker is not told plainly what state it is in."""


class WrongCode(AssertionError):
    """Refused and nothing changed, but with a status code other than the one the issue asks."""


# Every document gets its own start date, so one piece of work per child per day (R-DUP) never
# gets in the way; all in the past, as a start date must be.
_days = itertools.count()


def next_day() -> str:
    return (date(2020, 1, 1) + timedelta(days=next(_days))).isoformat()


# -- what we observe ------------------------------------------------------------------------------
def refused(outbox: Outbox, readers, attempt) -> ServiceError:
    """Run `attempt`, which must be refused and change nothing any reader or the outbox can see."""
    outbox.mark()
    before = [read() for read in readers]
    with pytest.raises(ServiceError) as exc:
        attempt()
    assert [read() for read in readers] == before, "a refused change still changed the record"
    assert outbox.added() == [], "a refused change still wrote an event"
    return exc.value


JARGON = re.compile(r"\b[A-Z]+_[A-Z_]+\b|\b[a-z]+_[a-z_]+\b|\bNone\b|Traceback|Error\b")


def check_message(error: ServiceError, *words: str, state: int | None = None) -> None:
    message = error.message
    if not message.strip() or JARGON.search(message):
        raise UnclearMessage(f"not plain English: {message!r}")
    missing = [w for w in words if w.lower() not in message.lower()]
    if missing:
        raise UnclearMessage(f"does not say it is {' / '.join(missing)}: {message!r}")
    if state in CANNOT_CHANGE and re.search(r"\bchange (it|this one)\b", message):
        raise UnclearMessage(f"tells the worker to change a record that is {STATE_WORDS[state]}: {message!r}")


def check_code(error: ServiceError, code: str) -> None:
    if error.code != code:
        raise WrongCode(f"{error.code}, not {code}: {error.message!r}")


def chronology(client, person: str):
    return lambda: list(call(client, "GetChronology", pb.GetChronologyRequest(person=person)).entries)


# -- documents ------------------------------------------------------------------------------------
@dataclass
class Desk:
    """Module-long sessions on the same running services `client_factory` starts: 55 cases an
    engine, each logging three people in (argon2, ~0.13 s a login), would take longer than the
    cases themselves."""

    duty: object
    leader: object
    outbox: Outbox
    child: pb.Person
    by_state: dict


@pytest.fixture(scope="module")
def desk(sessions):
    duty, leader = sessions("duty"), sessions("leader")
    outbox = Outbox(sessions.service())
    child = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Tran", family_name=f"Sition{uuid.uuid4().hex[:6]}", date_of_birth="2016-02-02",
        sex=pb.SEX_FEMALE)))
    made = Desk(duty, leader, outbox, child, {})
    # One document per state for the refusals, made once: a refusal changes nothing (checked
    # every time), so the next case starts from the same document.
    for state in STATE_WORDS:
        made.by_state[state] = document_in(made, state)
    return made


def document_in(desk: Desk, state: int) -> pb.Document:
    day = next_day()
    doc = call(desk.duty, "CreateDocument", pb.CreateDocumentRequest(
        person=desk.child.name, template_id="case-note", start_date=day,
        answers={"note_date": a(day), "note_type": a("home_visit"), "what_happened": a("Saw the child at home")}))
    if state == SUBMITTED:
        doc = call(desk.duty, "SubmitDocument", pb.ReviewDocumentRequest(name=doc.name, etag=doc.etag))
    elif state != IN_PROGRESS:
        doc = call(desk.duty, "EndDocument", pb.EndDocumentRequest(
            name=doc.name, etag=doc.etag, state=state, reason="" if state == COMPLETED else "The family moved away"))
    assert doc.state == state
    return doc


def end(state: int, reason: str = ""):
    return lambda d, doc: call(d.duty, "EndDocument", pb.EndDocumentRequest(
        name=doc.name, etag=doc.etag, state=state, reason=reason))


# What each operation is, done by whoever may do it: the author, or a team leader for approval.
OPERATIONS = {
    "update answers": lambda d, doc: call(d.duty, "UpdateDocument", pb.UpdateDocumentRequest(
        name=doc.name, etag=doc.etag, answers={"what_happened": a("Saw the child at home; mum was there")})),
    "submit": lambda d, doc: call(d.duty, "SubmitDocument", pb.ReviewDocumentRequest(name=doc.name, etag=doc.etag)),
    "approve": lambda d, doc: call(d.leader, "ApproveDocument", pb.ReviewDocumentRequest(
        name=doc.name, etag=doc.etag)),
    "return": lambda d, doc: call(d.leader, "ReturnDocument", pb.ReviewDocumentRequest(
        name=doc.name, etag=doc.etag, comments="Say who else was at the home")),
    "end as completed": end(COMPLETED),
    "end as cancelled": end(CANCELLED, "Opened in error"),
    "end as postponed": end(POSTPONED, "The family asked to wait"),
    "append": lambda d, doc: call(d.duty, "AppendToDocument", pb.AppendToDocumentRequest(
        name=doc.name, text="Mum rang later to add that the school had called too.")),
    "sign": lambda d, doc: call(d.duty, "SignDocument", pb.SignDocumentRequest(
        name=doc.name, role="parent", method="witnessed_in_person", signer_name="Sam Parent")),
    "export": lambda d, doc: call(d.duty, "ExportDocument", pb.ExportDocumentRequest(name=doc.name)),
    "create a superseding version": lambda d, doc: call(d.duty, "CreateDocument", pb.CreateDocumentRequest(
        person=doc.person, template_id=doc.template_id, supersedes=doc.name, start_date=next_day())),
}
ALLOWED = {
    IN_PROGRESS: {"update answers", "submit", "end as completed", "end as cancelled", "end as postponed"},
    SUBMITTED: {"approve", "return"},
    COMPLETED: {"append", "sign", "export", "create a superseding version"},
    CANCELLED: set(),
    POSTPONED: set(),
}


def allowed_result_is_right(op: str, before: pb.Document, after) -> None:
    if op == "export":
        assert before.name in after.bundle_json
        return
    if op == "create a superseding version":
        assert after.supersedes == before.name and after.state == IN_PROGRESS and after.name != before.name
        return
    expected_state = {"update answers": IN_PROGRESS, "submit": SUBMITTED, "approve": COMPLETED, "return": IN_PROGRESS,
                      "end as completed": COMPLETED, "end as cancelled": CANCELLED, "end as postponed": POSTPONED,
                      "append": COMPLETED, "sign": COMPLETED}[op]
    assert after.state == expected_state and after.etag != before.etag


def cases():
    for state, words in STATE_WORDS.items():
        for op in OPERATIONS:
            yield pytest.param(state, op, id=f"{words.replace(' ', '-')}:{op.replace(' ', '-')}")


@pytest.mark.parametrize(("state", "op"), list(cases()))
def test_document_transitions(desk, state, op):
    if op in ALLOWED[state]:
        doc = document_in(desk, state)  # a fresh one: an allowed change changes it
        allowed_result_is_right(op, doc, OPERATIONS[op](desk, doc))
        return
    doc = desk.by_state[state]
    readers = [lambda: call(desk.duty, "GetDocument", pb.GetDocumentRequest(name=doc.name)),
               lambda: [(d.name, d.etag) for d in call(desk.duty, "ListDocuments", pb.ListDocumentsRequest(
                   person=desk.child.name, page_size=1000)).documents],
               chronology(desk.duty, desk.child.name)]
    assert readers[0]() == doc
    error = refused(desk.outbox, readers, lambda: OPERATIONS[op](desk, doc))
    check_code(error, "FAILED_PRECONDITION")
    check_message(error, STATE_WORDS[state], state=state)


def test_approving_or_returning_your_own_work_is_permission_denied(desk):
    """Not a state refusal: the document is rightly waiting for approval, but the one who submitted
    it may not review it (documents._require_approver), which is PERMISSION_DENIED by design."""
    day = next_day()
    doc = call(desk.leader, "CreateDocument", pb.CreateDocumentRequest(
        person=desk.child.name, template_id="case-note", start_date=day,
        answers={"note_date": a(day), "note_type": a("office")}))
    doc = call(desk.leader, "SubmitDocument", pb.ReviewDocumentRequest(name=doc.name, etag=doc.etag))
    readers = [lambda: call(desk.leader, "GetDocument", pb.GetDocumentRequest(name=doc.name)),
               chronology(desk.leader, desk.child.name)]
    for attempt in (pb.ReviewDocumentRequest(name=doc.name, etag=doc.etag),
                    pb.ReviewDocumentRequest(name=doc.name, etag=doc.etag, comments="Looks fine")):
        method = "ReturnDocument" if attempt.comments else "ApproveDocument"
        error = refused(desk.outbox, readers, lambda: call(desk.leader, method, attempt))
        check_code(error, "PERMISSION_DENIED")
        check_message(error, "your own work")


# -- referrals ------------------------------------------------------------------------------------
def test_deciding_an_already_decided_referral(client_factory, sessions):
    duty, leader = client_factory("duty"), client_factory("leader")
    outbox = Outbox(sessions.service())
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Rhys", family_name=f"Decided{uuid.uuid4().hex[:6]}",
                             date_of_birth="2014-04-04", sex=pb.SEX_MALE),
        received_date="2026-01-05", source=pb.CONTACT_SOURCE_SCHOOL, reason="Teacher worried",
        confirmed_not_duplicate=True))
    decided = call(duty, "DecideReferral", pb.DecideReferralRequest(
        name=reply.referral.name, decision=pb.REFERRAL_DECISION_ASSESSMENT, reason="Needs an assessment"))
    person = reply.person.name
    readers = [lambda: call(duty, "GetReferral", pb.GetReferralRequest(name=decided.name)),
               lambda: list(call(duty, "ListEpisodes", pb.ListEpisodesRequest(person=person)).episodes),
               chronology(duty, person)]
    # With the current etag, without one, and by someone else; an NFA would also close the episode.
    for who, etag, decision in ((duty, decided.etag, pb.REFERRAL_DECISION_NO_FURTHER_ACTION),
                                (leader, "", pb.REFERRAL_DECISION_STRATEGY_DISCUSSION),
                                (leader, decided.etag, pb.REFERRAL_DECISION_ADVICE_SIGNPOSTING)):
        error = refused(outbox, readers, lambda: call(who, "DecideReferral", pb.DecideReferralRequest(
            name=decided.name, etag=etag, decision=decision, reason="Changed my mind")))
        check_code(error, "FAILED_PRECONDITION")
        check_message(error, "already decided", "assessment", "Dana Duty")
    assert readers[0]().state == pb.REFERRAL_STATE_DECIDED


# -- plans ----------------------------------------------------------------------------------------
def outcome(text: str) -> pb.NewOutcome:
    return pb.NewOutcome(text=text, actions=[pb.PlanAction(who="Mum", what="Walk her to school", by_when="2026-12-18")])


@pytest.fixture
def retired(client_factory, sessions):
    """A plan whose first outcome ended at a review; the second is still current."""
    duty = client_factory("duty")
    child = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Ava", family_name=f"Planned{uuid.uuid4().hex[:6]}", date_of_birth="2014-06-06",
        sex=pb.SEX_FEMALE)))
    plan = call(duty, "CreatePlan", pb.CreatePlanRequest(person=child.name, kind="child_in_need",
                                                         start_date="2026-09-01", outcomes=[
        outcome("Ava goes to school every day"), outcome("Ava feels safe at home and says so")]))
    school, safe = plan.outcomes
    plan = call(duty, "RecordReview", pb.RecordReviewRequest(
        plan=plan.name, etag=plan.etag, review_date="2026-10-01", retire_outcomes=[school.name],
        progress=[pb.OutcomeReview(outcome=school.name, progress=pb.PROGRESS_ACHIEVED),
                  pb.OutcomeReview(outcome=safe.name, progress=pb.PROGRESS_PARTLY)]))
    assert [o.current for o in plan.outcomes] == [False, True]
    outbox = Outbox(sessions.service())
    readers = [lambda: call(duty, "GetPlan", pb.GetPlanRequest(name=plan.name)),
               lambda: list(call(duty, "GetOutcomeProgress", pb.GetOutcomeProgressRequest(
                   person=child.name)).entries)]
    return duty, plan, outbox, readers


def test_an_ended_outcome_cannot_end_again_or_be_reviewed(retired):
    duty, plan, outbox, readers = retired
    school, safe = plan.outcomes
    again = refused(outbox, readers, lambda: call(duty, "RecordReview", pb.RecordReviewRequest(
        plan=plan.name, etag=plan.etag, review_date="2026-11-01", retire_outcomes=[school.name],
        progress=[pb.OutcomeReview(outcome=safe.name, progress=pb.PROGRESS_NOT_YET)])))
    check_message(again, "current")
    progress = refused(outbox, readers, lambda: call(duty, "RecordReview", pb.RecordReviewRequest(
        plan=plan.name, etag=plan.etag, review_date="2026-11-01",
        progress=[pb.OutcomeReview(outcome=school.name, progress=pb.PROGRESS_ACHIEVED),
                  pb.OutcomeReview(outcome=safe.name, progress=pb.PROGRESS_NOT_YET)])))
    check_message(progress, "current")
    check_code(again, "FAILED_PRECONDITION")
    check_code(progress, "FAILED_PRECONDITION")


def test_an_action_cannot_be_added_to_an_ended_outcome(retired):
    duty, plan, outbox, readers = retired
    error = refused(outbox, readers, lambda: call(duty, "UpdateAction", pb.UpdateActionRequest(
        plan=plan.name, outcome=plan.outcomes[0].name,
        action=pb.PlanAction(who="School", what="Ring Mum by 9:30", by_when="2026-12-01"))))
    check_message(error, "current")
    check_code(error, "FAILED_PRECONDITION")


def test_an_action_of_an_ended_outcome_cannot_be_changed(retired):
    duty, plan, outbox, readers = retired
    action = plan.outcomes[0].actions[0]
    error = refused(outbox, readers, lambda: call(duty, "UpdateAction", pb.UpdateActionRequest(
        plan=plan.name, action=pb.PlanAction(name=action.name, etag=action.etag, who=action.who, what=action.what,
                                             by_when=action.by_when, done=True))))
    check_code(error, "FAILED_PRECONDITION")
    check_message(error, "ended")


# -- merges ---------------------------------------------------------------------------------------
@pytest.fixture
def merged(client_factory, sessions):
    duty, leader = client_factory("duty"), client_factory("leader")
    family = f"Twice{uuid.uuid4().hex[:6]}"
    made = [duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name=given, family_name=family, date_of_birth=dob, sex=pb.SEX_FEMALE),
        received_date="2026-10-01", source=pb.CONTACT_SOURCE_SCHOOL, reason=f"Contact about {given}",
        confirmed_not_duplicate=True)) for given, dob in (("Hanna", "2015-03-03"), ("Hana", "2015-03-30"),
                                                          ("Hannah", "2015-03-13"))]
    keep, duplicate, third = (m.person.name for m in made)
    merge = call(leader, "MergePeople", pb.MergePeopleRequest(keep=keep, duplicate=duplicate, reason="Same child"))
    outbox = Outbox(sessions.service())
    readers = [lambda: call(leader, "GetPerson", pb.GetPersonRequest(name=keep)),
               lambda: call(leader, "GetPerson", pb.GetPersonRequest(name=third)),
               lambda: sorted(r.name for r in call(leader, "ListReferrals", pb.ListReferralsRequest(
                   person=keep)).referrals),
               chronology(leader, keep)]
    return leader, merge, (keep, duplicate, third), outbox, readers


def test_a_record_already_merged_cannot_be_merged_again(merged):
    leader, merge, (keep, duplicate, third), outbox, readers = merged
    # A merged record is reached only through the one it was merged into; someone who may see that
    # one is told where it went.
    errors = [refused(outbox, readers, lambda: call(leader, "MergePeople", pb.MergePeopleRequest(
        keep=k, duplicate=dup, reason="Same child again"))) for k, dup in ((keep, duplicate), (duplicate, third))]
    for error in errors:
        check_code(error, "FAILED_PRECONDITION")
    for error in errors:
        check_message(error, "merged")


def test_an_undone_merge_cannot_be_undone_again(merged):
    leader, merge, (keep, duplicate, third), outbox, readers = merged
    undone = call(leader, "UndoMerge", pb.UndoMergeRequest(name=merge.name, reason="Two different children"))
    assert undone.undone
    readers.append(lambda: call(leader, "GetPerson", pb.GetPersonRequest(name=duplicate)))
    readers.append(lambda: sorted(r.name for r in call(leader, "ListReferrals", pb.ListReferralsRequest(
        person=duplicate)).referrals))
    error = refused(outbox, readers, lambda: call(leader, "UndoMerge", pb.UndoMergeRequest(
        name=merge.name, reason="Undo it again")))
    check_code(error, "FAILED_PRECONDITION")
    check_message(error, "already undone")


# -- episodes -------------------------------------------------------------------------------------
def test_a_closure_on_a_closed_episode_is_refused(client_factory, sessions):
    duty = client_factory("duty")
    outbox = Outbox(sessions.service())
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Cal", family_name=f"Closed{uuid.uuid4().hex[:6]}",
                             date_of_birth="2018-08-08", sex=pb.SEX_MALE),
        received_date="2026-03-02", source=pb.CONTACT_SOURCE_POLICE, reason="Police at the home",
        confirmed_not_duplicate=True))
    call(duty, "DecideReferral", pb.DecideReferralRequest(
        name=reply.referral.name, decision=pb.REFERRAL_DECISION_ASSESSMENT, reason="Assess"))
    person = reply.person.name
    # Two Closure Records started in the same open episode (e.g. two workers, different days).
    first, second = (call(duty, "CreateDocument", pb.CreateDocumentRequest(
        person=person, template_id="closure-record", start_date=day, answers={
            "closure_date": a(day), "reason_for_closure": a(reason)}))
        for day, reason in (("2026-04-01", "RC7"), ("2026-04-02", "RC8")))
    assert first.episode == second.episode != ""
    call(duty, "EndDocument", pb.EndDocumentRequest(name=first.name, etag=first.etag, state=COMPLETED))
    [episode] = call(duty, "ListEpisodes", pb.ListEpisodesRequest(person=person)).episodes
    assert (episode.state, episode.closed_date, episode.closure_reason) == (pb.EPISODE_STATE_CLOSED, "2026-04-01",
                                                                            "RC7")
    readers = [lambda: list(call(duty, "ListEpisodes", pb.ListEpisodesRequest(person=person)).episodes),
               lambda: call(duty, "GetDocument", pb.GetDocumentRequest(name=second.name)),
               chronology(duty, person)]
    error = refused(outbox, readers, lambda: call(duty, "EndDocument", pb.EndDocumentRequest(
        name=second.name, etag=second.etag, state=COMPLETED)))
    check_code(error, "FAILED_PRECONDITION")
    check_message(error, "closed")


def test_the_document_table_covers_every_state():
    """Guard: a document state added to the contract needs its row in the table above."""
    assert {v for v in pb.DocumentState.values() if v} == set(STATE_WORDS)
