"""Plans as living documents (R-OUTCOMES; L408, L3834, L3913, L4826, L2533).

Outcomes are changes for the child ("Ava goes to school every day"), never activities
("attend school") or "ongoing"; each has actions: who does what by when. Actions change any day
with every version kept; outcomes change only at a review, which records progress against every
current outcome, so the child's record shows progress over time across plans and reviews.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import checked_date, iso, past_date_or_today
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.common.etags import refuse_stale, require_etag
from services.common.names import make_name, parse_name
from services.records import access, audit, idempotency, outbox, people
from services.records.models import OutcomeReview, Person, Plan, PlanAction, PlanActionChange, PlanOutcome

KINDS = ("child_in_need", "child_protection", "care", "pathway", "adoption")
# What the report found written as "outcomes": activities and non-answers (L2533).
NOT_AN_OUTCOME = re.compile(
    r"^\s*(ongoing|on-going|continue|continuing|as above|n/?a|none|tbc|to be confirmed|attend|engage|complete|"
    r"undertake|refer|monitor|support|work with|liaise|visit|arrange|provide)\b", re.IGNORECASE)


def outcome_problem(text: str) -> str | None:
    if not text.strip():
        return "required"
    if NOT_AN_OUTCOME.match(text):
        return ("describes an activity, not a change for the child; say what will be different for them, "
                "e.g. 'Ava goes to school every day'")
    return None


def _check_actions(actions, prefix: str, violations: dict[str, str]) -> list[tuple[str, str, date]]:
    checked = []
    for index, action in enumerate(actions):
        where = f"{prefix}.actions[{index}]"
        if not action.who.strip():
            violations[f"{where}.who"] = "required: who will do it"
        if not action.what.strip():
            violations[f"{where}.what"] = "required: what they will do"
        when = checked_date(action.by_when, f"{where}.by_when", "by when", violations, "required: by when")
        checked.append((action.who.strip(), action.what.strip(), when))
    return checked


def _check_outcomes(outcomes, prefix: str, violations: dict[str, str]) -> list[tuple[str, list]]:
    checked = []
    for index, outcome in enumerate(outcomes):
        if problem := outcome_problem(outcome.text):
            violations[f"{prefix}[{index}].text"] = problem
        if not outcome.actions:
            violations[f"{prefix}[{index}].actions"] = "at least one: who does what by when"
        checked.append((outcome.text.strip(), _check_actions(outcome.actions, f"{prefix}[{index}]", violations)))
    return checked


def _add_action(session: Session, principal: Principal, outcome_id: int, who: str, what: str, when: date) -> PlanAction:
    action = PlanAction(outcome_id=outcome_id, who=who, what=what, by_when=when, done=False, version=1)
    session.add(action)
    session.flush()
    _remember(session, principal, action)
    return action


def _remember(session: Session, principal: Principal, action: PlanAction) -> None:
    session.add(PlanActionChange(action_id=action.id, who=action.who, what=action.what, by_when=action.by_when,
                                 done=action.done, changed_by_name=principal.display_name,
                                 changed_at=datetime.now(timezone.utc)))


def _add_outcomes(session: Session, principal: Principal, plan: Plan, outcomes) -> None:
    for text, actions in outcomes:
        outcome = PlanOutcome(plan_id=plan.id, text=text, current=True, created_at=datetime.now(timezone.utc))
        session.add(outcome)
        session.flush()
        for who, what, when in actions:
            _add_action(session, principal, outcome.id, who, what, when)


def to_proto(session: Session, plan: Plan) -> pb.Plan:
    msg = pb.Plan(name=make_name("plans", plan.id), person=make_name("people", plan.person_id), kind=plan.kind,
                  start_date=iso(plan.start_date), etag=str(plan.version), end_date=iso(plan.end_date),
                  end_reason=plan.end_reason or "")
    outcome_ids = []
    for outcome in session.scalars(select(PlanOutcome).where(PlanOutcome.plan_id == plan.id).order_by(PlanOutcome.id)):
        outcome_ids.append(outcome.id)
        latest = session.scalar(select(OutcomeReview.progress).where(OutcomeReview.outcome_id == outcome.id)
                                .order_by(OutcomeReview.review_date.desc(), OutcomeReview.id.desc()).limit(1))
        item = msg.outcomes.add(name=make_name("outcomes", outcome.id), text=outcome.text, current=outcome.current,
                                latest_progress=latest or 0)
        for action in session.scalars(select(PlanAction).where(PlanAction.outcome_id == outcome.id)
                                      .order_by(PlanAction.id)):
            entry = item.actions.add(name=make_name("actions", action.id), who=action.who, what=action.what,
                                     by_when=iso(action.by_when), done=action.done, etag=str(action.version))
            for change in session.scalars(select(PlanActionChange).where(PlanActionChange.action_id == action.id)
                                          .order_by(PlanActionChange.id)):
                past = entry.history.add(who=change.who, what=change.what, by_when=iso(change.by_when),
                                         done=change.done, changed_by=change.changed_by_name)
                past.change_time.FromDatetime(change.changed_at)
    msg.reviews = len(set(session.scalars(select(OutcomeReview.review_date).where(
        OutcomeReview.outcome_id.in_(outcome_ids))))) if outcome_ids else 0
    return msg


def _visible_plan(session: Session, principal: Principal, name: str, in_force: bool = False) -> Plan:
    """in_force: the plan is about to change, so the caller must be able to change the child's record."""
    action = access.WRITE if in_force else access.READ
    plan = session.scalar(select(Plan).join(Person, Person.id == Plan.person_id)
                          .where(Plan.id == parse_name(name, "plans")).where(access.visible_people(principal, action)))
    if plan is None:
        raise NotFound(f"No plan {name} is known to you.")
    if in_force and plan.end_date is not None:
        raise FailedPrecondition(f"This plan ended on {iso(plan.end_date)} ({plan.end_reason}); its history stays, "
                                 "but it takes no more changes or reviews. Start a new plan if one is needed.")
    return plan


def _event(session: Session, principal: Principal, plan: Plan, kind: str, payload: dict) -> None:
    name = make_name("plans", plan.id)
    outbox.append(session, principal, f"plan.{kind}", name, plan.person_id, {"plan": name, **payload})
    audit.record(session, principal, kind, name, [plan.person_id])


def create(session: Session, principal: Principal, request: pb.CreatePlanRequest) -> pb.Plan:
    access.require_write(principal, "write plans")
    if earlier := idempotency.earlier_result(session, principal, request.request_id, "CreatePlan"):
        return to_proto(session, _visible_plan(session, principal, earlier))
    violations: dict[str, str] = {}
    if request.kind not in KINDS:
        violations["kind"] = f"one of {', '.join(KINDS)}"
    start = past_date_or_today(request.start_date, "start_date", "start date", violations)
    if not request.outcomes:
        violations["outcomes"] = "a plan states at least one outcome for the child"
    outcomes = _check_outcomes(request.outcomes, "outcomes", violations)
    people.raise_if_invalid(violations, "The plan")
    person = people.get_visible(session, principal, parse_name(request.person, "people", "person"), action=access.WRITE)
    plan = Plan(person_id=person.id, kind=request.kind, start_date=start, version=1, created_by_user=principal.user_id,
                created_at=datetime.now(timezone.utc))
    session.add(plan)
    session.flush()
    _add_outcomes(session, principal, plan, outcomes)
    idempotency.remember(session, principal, request.request_id, "CreatePlan", make_name("plans", plan.id))
    _event(session, principal, plan, "created", {"kind": plan.kind, "outcomes": len(outcomes)})
    return to_proto(session, plan)


def get(session: Session, principal: Principal, name: str) -> pb.Plan:
    access.require_read(principal, "read plans")
    plan = _visible_plan(session, principal, name)
    audit.record(session, principal, "read", name, [plan.person_id])
    return to_proto(session, plan)


def _require_current(outcome: PlanOutcome) -> None:
    if not outcome.current:
        raise FailedPrecondition(f"The outcome '{outcome.text}' ended at a review, so its actions are closed; "
                                 "add the work under a current outcome.")


def update_action(session: Session, principal: Principal, request: pb.UpdateActionRequest) -> pb.Plan:
    access.require_write(principal, "change plans")
    plan = _visible_plan(session, principal, request.plan, in_force=True)
    violations: dict[str, str] = {}
    [(who, what, when)] = _check_actions([request.action], "action", violations)
    people.raise_if_invalid(violations, "The action")
    if not request.action.name:  # a new action for an outcome, any day
        outcome = session.get(PlanOutcome, parse_name(request.outcome, "outcomes", "outcome"))
        if outcome is None or outcome.plan_id != plan.id:
            raise NotFound(f"No outcome {request.outcome} in this plan.")
        _require_current(outcome)
        _add_action(session, principal, outcome.id, who, what, when)
    else:
        action = session.get(PlanAction, parse_name(request.action.name, "actions", "action.name"))
        outcome = session.get(PlanOutcome, action.outcome_id) if action else None
        if action is None or outcome.plan_id != plan.id:
            raise NotFound(f"No action {request.action.name} in this plan.")
        _require_current(outcome)
        require_etag(request.action.etag, action.version,
                     "Someone changed this action since you opened the plan. Reload it and make your change again.",
                     missing="Send the etag of the action as you opened it, so no one's change is overwritten.",
                     field="action.etag")
        action.who, action.what, action.by_when, action.done = who, what, when, request.action.done
        action.version += 1
        _remember(session, principal, action)
    plan.version += 1
    _event(session, principal, plan, "action_changed", {})
    return to_proto(session, plan)


def record_review(session: Session, principal: Principal, request: pb.RecordReviewRequest) -> pb.Plan:
    access.require_write(principal, "review plans")
    plan = _visible_plan(session, principal, request.plan, in_force=True)
    refuse_stale(request.etag, plan.version, "The plan changed since you opened it. Reload it, then record the review.")
    violations: dict[str, str] = {}
    when = past_date_or_today(request.review_date, "review_date", "review date", violations)
    current = {o.id: o for o in session.scalars(select(PlanOutcome).where(PlanOutcome.plan_id == plan.id,
                                                                          PlanOutcome.current.is_(True)))}
    named = {parse_name(i.outcome, "outcomes", "progress.outcome") for i in request.progress if i.outcome}
    named |= {parse_name(n, "outcomes", "retire_outcomes") for n in request.retire_outcomes}
    for ended in session.scalars(select(PlanOutcome).where(PlanOutcome.plan_id == plan.id,
                                                           PlanOutcome.id.in_(named - set(current)))):
        _require_current(ended)
    reviewed = {}
    for index, item in enumerate(request.progress):
        outcome_id = parse_name(item.outcome, "outcomes", f"progress[{index}].outcome")
        if outcome_id not in current:
            violations[f"progress[{index}].outcome"] = "is not a current outcome of this plan"
        if item.progress not in (pb.PROGRESS_ACHIEVED, pb.PROGRESS_PARTLY, pb.PROGRESS_NOT_YET,
                                 pb.PROGRESS_NO_LONGER_RELEVANT):
            violations[f"progress[{index}].progress"] = "achieved, partly, not yet, or no longer relevant"
        reviewed[outcome_id] = item
    for outcome_id, outcome in current.items():
        if outcome_id not in reviewed:
            violations[f"progress.outcomes/{outcome_id}"] = f"say how far '{outcome.text}' has come"
    retire = {parse_name(n, "outcomes", "retire_outcomes") for n in request.retire_outcomes}
    if retire - set(current):
        violations["retire_outcomes"] = "only current outcomes can end at a review"
    new = _check_outcomes(request.new_outcomes, "new_outcomes", violations)
    people.raise_if_invalid(violations, "The review")
    document_id = parse_name(request.review_document, "documents", "review_document") if request.review_document else None
    now = datetime.now(timezone.utc)
    for outcome_id, item in reviewed.items():
        session.add(OutcomeReview(outcome_id=outcome_id, review_date=when, review_document_id=document_id,
                                  progress=item.progress, note=item.note.strip(), recorded_by_name=principal.display_name,
                                  created_at=now))
    for outcome_id in retire:
        current[outcome_id].current = False
    _add_outcomes(session, principal, plan, new)
    plan.version += 1
    _event(session, principal, plan, "reviewed", {"review_date": iso(when), "new_outcomes": len(new),
                                                   "ended_outcomes": len(retire)})
    return to_proto(session, plan)


def end(session: Session, principal: Principal, request: pb.EndPlanRequest) -> pb.Plan:
    access.require_write(principal, "end plans")
    violations: dict[str, str] = {}
    if not request.reason.strip():
        violations["reason"] = "required: why the plan ends"
    ends = past_date_or_today(request.end_date, "end_date", "end date", violations)
    people.raise_if_invalid(violations, "Ending the plan")
    plan = _visible_plan(session, principal, request.name, in_force=True)
    require_etag(request.etag, plan.version, "The plan changed since you opened it. Reload it, then end it.",
                 missing="Send the plan's etag as you opened it.")
    if ends < plan.start_date:
        raise InvalidArgument(f"The plan started on {iso(plan.start_date)}; it cannot end before that.",
                              {"end_date": "before the plan started"})
    plan.end_date, plan.end_reason = ends, request.reason.strip()
    plan.version += 1
    _event(session, principal, plan, "ended", {"kind": plan.kind, "end_date": iso(ends), "reason": plan.end_reason})
    return to_proto(session, plan)


def end_in_force(session: Session, principal: Principal, person_id: int, on: date, reason: str,
                 kinds: tuple[str, ...] | None = None) -> int:
    """Ends the child's plans (of `kinds`, or all) still in force on `on`, as a completed record
    says: a review that ends the plan, or the closure of the case. A plan that began after `on`
    is left alone. Returns how many ended."""
    query = select(Plan).where(Plan.person_id == person_id, Plan.end_date.is_(None), Plan.start_date <= on)
    if kinds:
        query = query.where(Plan.kind.in_(kinds))
    ended = 0
    for plan in session.scalars(query.order_by(Plan.id)):
        plan.end_date, plan.end_reason = on, reason
        plan.version += 1
        _event(session, principal, plan, "ended", {"kind": plan.kind, "end_date": iso(on), "reason": reason})
        ended += 1
    return ended


def progress(session: Session, principal: Principal, person_name: str) -> pb.OutcomeProgress:
    access.require_read(principal, "read progress")
    person = people.get_visible(session, principal, parse_name(person_name, "people", "person"))
    rows = session.execute(
        select(OutcomeReview, PlanOutcome).join(PlanOutcome, PlanOutcome.id == OutcomeReview.outcome_id)
        .join(Plan, Plan.id == PlanOutcome.plan_id).where(Plan.person_id == person.id)
        .order_by(OutcomeReview.review_date, OutcomeReview.id)).all()
    audit.record(session, principal, "read", f"people/{person.id}/progress", [person.id])
    return pb.OutcomeProgress(person=make_name("people", person.id), entries=[
        pb.OutcomeProgressEntry(plan=make_name("plans", outcome.plan_id), outcome=make_name("outcomes", outcome.id),
                                outcome_text=outcome.text, review_date=iso(review.review_date),
                                progress=review.progress, note=review.note)
        for review, outcome in rows])
