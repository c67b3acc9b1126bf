"""`ics admin generate`: deterministic synthetic councils with the report's shapes, whole journeys
(allocation, assessments, plans and reviews, child protection, care, closures, re-referrals),
written through the records service's own write paths on each engine."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import select

from ics.records.v1 import records_pb2 as pb
from services import demo_data
from services.common.db import Database
from services.identity.models import User
from services.records import audit
from services.records.frontdoor import within_12_months
from services.records.generate import Generated, contacts_for_child, generate
from services.records.models import (Allocation, CarePeriod, Document, DocumentSnapshot, Episode, OutcomeReview,
                                     Person, Placement, Plan, PlanAction, PlanOutcome, Referral)
from services.records.plans import outcome_problem
from services.records.signing import Signer
from services.records.template_library import TemplateLibrary
from tests.helpers import call

UNTIL = date(2026, 10, 30)
CHILDREN = 60


def test_contacts_per_child_follow_the_reports_shape():
    rng = random.Random(3)
    draws = [contacts_for_child(rng) for _ in range(20000)]
    one = sum(d == 1 for d in draws) / len(draws)
    at_most_four = sum(d <= 4 for d in draws) / len(draws)
    assert abs(one - 0.44) < 0.02 and abs(at_most_four - 0.74) < 0.02
    assert max(draws) <= 44 and min(draws) >= 1


def journeys(db: Database, after: int) -> list[tuple]:
    """Each child made after person id `after`, as a summary free of ids: who they are and every
    dated step of their journey."""
    def read(s):
        summaries = []
        for person in s.scalars(select(Person).where(Person.id > after).order_by(Person.id)):
            pid = person.id
            summaries.append((
                person.given_name, person.family_name, str(person.date_of_birth), person.sex,
                [(str(r.received_date), r.decision, str(r.decided_date), r.re_referral)
                 for r in s.scalars(select(Referral).where(Referral.person_id == pid).order_by(Referral.id))],
                [(str(e.opened_date), str(e.closed_date), e.closure_reason)
                 for e in s.scalars(select(Episode).where(Episode.person_id == pid).order_by(Episode.id))],
                [(a.worker_name, str(a.start_date), str(a.end_date))
                 for a in s.scalars(select(Allocation).where(Allocation.person_id == pid).order_by(Allocation.id))],
                [(d.template_id, d.state, str(d.start_date))
                 for d in s.scalars(select(Document).where(Document.person_id == pid).order_by(Document.id))],
                [(p.kind, str(p.start_date), p.version, [
                    (o.text, o.current, [(str(r.review_date), r.progress) for r in s.scalars(
                        select(OutcomeReview).where(OutcomeReview.outcome_id == o.id).order_by(OutcomeReview.id))])
                    for o in s.scalars(select(PlanOutcome).where(PlanOutcome.plan_id == p.id)
                                       .order_by(PlanOutcome.id))])
                 for p in s.scalars(select(Plan).where(Plan.person_id == pid).order_by(Plan.id))],
                [(str(c.start_date), str(c.end_date), c.end_reason)
                 for c in s.scalars(select(CarePeriod).where(CarePeriod.child_id == pid).order_by(CarePeriod.id))],
                [(p.placement_type, str(p.start_date), str(p.end_date), p.end_reason)
                 for p in s.scalars(select(Placement).where(Placement.child_id == pid).order_by(Placement.id))],
            ))
        return summaries
    return db.read_sync(read)


@pytest.fixture(scope="module")
def council(stack):
    """The same council generated twice (seed 7, two years, 60 children) in the engine's database."""
    identity = Database(stack.config["identity"].database_url)
    staff = identity.read_sync(lambda s: {u.username: demo_data.staff_principal(u) for u in s.scalars(select(User))})
    identity.dispose()
    db = Database(stack.config["records"].database_url)
    library, signer = TemplateLibrary.load(), Signer.load_or_create(stack.config.records_signing_key_file)
    runs = []
    for _ in range(2):
        after = db.read_sync(lambda s: s.scalar(select(Person.id).order_by(Person.id.desc()).limit(1))) or 0
        counts = generate(db, library, signer, staff, CHILDREN, 2, 7, UNTIL)
        runs.append((counts, journeys(db, after), after))
    yield db, runs
    db.dispose()


def test_the_same_seed_makes_the_same_council(council):
    _db, [(first, first_journeys, _), (second, second_journeys, _)] = council
    assert first == second and first.children == CHILDREN
    assert len(first_journeys) == CHILDREN and first_journeys == second_journeys


def test_a_modest_council_has_whole_journeys(council, client_factory):
    db, [(counts, children, after), _] = council
    assert isinstance(counts, Generated)
    assert counts.allocations and counts.plans and counts.reviews and counts.action_updates
    assert counts.closures and counts.re_referrals and counts.carers
    # A re-referral within 12 months of the last is flagged, and some come back after a closure.
    assert sum(r[3] for child in children for r in child[4]) >= counts.re_referrals
    templates = {d[0] for child in children for d in child[7]}
    assert {"single-assessment", "strategy-discussion", "outcome-of-s47-enquiries",
            "initial-child-protection-conference-report", "child-in-need-review", "child-protection-review",
            "closure-record"} <= templates
    kinds = {p[0] for child in children for p in child[8]}
    assert {"child_in_need", "child_protection"} <= kinds
    reviewed = [o for child in children for p in child[8] for o in p[3] if o[2]]
    assert reviewed and {pb.PROGRESS_ACHIEVED, pb.PROGRESS_PARTLY} <= {r[1] for o in reviewed for r in o[2]}

    # Looked after: periods with placements, legal statuses and looked-after reviews of a care plan.
    assert counts.care_periods >= 1 and counts.placements >= counts.care_periods
    assert "looked-after-review" in templates and "care" in kinds

    # Through the service, as a worker sees it: progress over time and the appointed worker.
    planned = db.read_sync(lambda s: s.scalar(select(Plan.person_id).join(Person, Person.id == Plan.person_id)
                                              .where(Person.id > after, Plan.kind == "child_in_need")
                                              .order_by(Plan.id).limit(1)))
    manager = client_factory("manager")
    progress = call(manager, "GetOutcomeProgress", pb.GetOutcomeProgressRequest(person=f"people/{planned}")).entries
    assert progress and all(e.outcome_text for e in progress)
    allocated = call(manager, "ListAllocations", pb.ListAllocationsRequest(person=f"people/{planned}")).allocations
    assert allocated and allocated[0].worker_display_name in ("Wes Worker", "Tom Okafor")
    looked_after = db.read_sync(lambda s: s.scalar(select(CarePeriod.child_id).where(CarePeriod.child_id > after)
                                                   .order_by(CarePeriod.id).limit(1)))
    [period] = call(manager, "ListCarePeriods", pb.ListCarePeriodsRequest(child=f"people/{looked_after}")).care_periods
    assert period.legal_statuses and period.placements and period.episode
    rows = period.episode_rows
    assert rows and rows[0].rne == "S" and rows[0].decom == period.start_date
    assert {r.place for r in rows} == {p.placement_type for p in period.placements}
    assert all(r.cin == period.category_of_need and r.ls for r in rows)


def test_journeys_keep_the_services_rules(council):
    db, [(counts, _children, after), _] = council

    def check(s):
        problems = []
        for outcome in s.scalars(select(PlanOutcome).join(Plan, Plan.id == PlanOutcome.plan_id)
                                 .join(Person, Person.id == Plan.person_id).where(Person.id > after)):
            if outcome_problem(outcome.text):
                problems.append(f"not an outcome: {outcome.text}")
            actions = s.scalars(select(PlanAction).where(PlanAction.outcome_id == outcome.id)).all()
            if not actions or not all(a.who and a.what and a.by_when for a in actions):
                problems.append(f"an outcome without who/what/by when: {outcome.text}")
        for person in s.scalars(select(Person).where(Person.id > after)):
            episodes = s.scalars(select(Episode).where(Episode.person_id == person.id).order_by(Episode.id)).all()
            for earlier, later in zip(episodes, episodes[1:]):
                if earlier.closed_date is None or later.opened_date < earlier.closed_date:
                    problems.append(f"episodes overlap for people/{person.id}")
            for doc in s.scalars(select(Document).where(Document.person_id == person.id)):
                episode = next((e for e in episodes if e.id == doc.episode_id), None)
                if episode is None or doc.start_date < episode.opened_date or (
                        episode.closed_date and doc.start_date > episode.closed_date):
                    problems.append(f"documents/{doc.id} ({doc.template_id}) outside its episode")
                if doc.template_id != "case-note" and s.scalar(select(Allocation.id).where(
                        Allocation.person_id == person.id, Allocation.start_date <= doc.start_date)) is None:
                    problems.append(f"documents/{doc.id} written with no appointed social worker")
                if doc.state == pb.DOCUMENT_STATE_COMPLETED:
                    snapshot = s.get(DocumentSnapshot, doc.id)
                    if snapshot is None or not json.loads(snapshot.snapshot_json)["appointed_social_worker"]:
                        problems.append(f"documents/{doc.id} completed without a snapshot naming the worker")
            referrals = s.scalars(select(Referral).where(Referral.person_id == person.id).order_by(Referral.id)).all()
            for earlier, later in zip(referrals, referrals[1:]):
                if later.received_date < earlier.received_date:
                    problems.append(f"referrals out of order for people/{person.id}")
                if later.re_referral != within_12_months(earlier.received_date, later.received_date):
                    problems.append(f"referrals/{later.id} re-referral flag wrong")
        for period in s.scalars(select(CarePeriod).where(CarePeriod.child_id > after)):
            episode = s.get(Episode, period.episode_id)
            if episode.opened_date > period.start_date or (episode.closed_date and episode.closed_date < (
                    period.end_date or period.start_date)):
                problems.append(f"care-periods/{period.id} outside its episode of need")
            for placed in s.scalars(select(Placement).where(Placement.care_period_id == period.id)):
                if placed.start_date < period.start_date or (period.end_date and (
                        placed.end_date is None or placed.end_date > period.end_date)):
                    problems.append(f"placements/{placed.id} outside its looked-after period")
        _checked, broken = audit.verify(s)
        if broken:
            problems.append(f"audit chain: {broken}")
        return problems
    assert db.read_sync(check) == []


def test_the_command_line_prints_every_count(tmp_path):
    result = subprocess.run([sys.executable, "-m", "services.cli", "admin", "generate", "--data", str(tmp_path / "g"),
                             "--children", "12", "--years", "2", "--seed", "11", "--until", UNTIL.isoformat()],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Generated 12 children, ")
    for words in ("contacts and referrals", "allocations", "plans", "plan reviews", "closure records",
                  "re-referrals after closure", "looked-after periods", "placements"):
        assert words in result.stdout
