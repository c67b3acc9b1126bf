"""`ics admin generate`: deterministic synthetic councils with the report's shapes, whole journeys
(allocation, assessments, plans and reviews, child protection, care, closures, re-referrals),
written through the records service's own write paths on each engine."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from statistics import median

import pytest
from sqlalchemy import select

from ics.alerts.v1 import alerts_pb2 as apb
from ics.records.v1 import records_pb2 as pb
from services import demo_data
from services.alerts import engine
from services.alerts.models import Clock
from services.cli import wait_for_alerts_to_catch_up
from services.common.auth import Principal
from services.common.dates import as_utc, today_london
from services.common.db import Database
from services.identity.models import User
from services.records import audit, editing_time, generate_detail
from services.records.frontdoor import within_12_months
from services.records.generate import Generated, contacts_for_child, generate
from services.records.models import (Allocation, CarePeriod, Document, DocumentSignature, DocumentSnapshot,
                                     EditingTime, Episode, OutboxEvent, OutcomeReview, Person, PersonCharacteristic,
                                     Placement, Plan, PlanAction, PlanOutcome, Referral)
from services.records.plans import outcome_problem
from services.records.signing import Signer, verify_bundle
from services.records.template_library import TemplateLibrary
from tests.helpers import call
from tui.core.phrases import day
from tui.core.printing import outline_of

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


def visits_by_placement(db: Database, after: int) -> list[tuple[date, date, list[date]]]:
    """Each generated placement (start, end or UNTIL) with the statutory visits written up while
    it lasted: completed case notes of type statutory_visit dated after its first day. A visit on
    a move day belongs to the placement ending that day (the new one's first is after it)."""
    def read(s):
        visits: dict[int, list[date]] = {}
        for doc in s.scalars(select(Document).where(Document.person_id > after, Document.template_id == "case-note",
                                                    Document.state == pb.DOCUMENT_STATE_COMPLETED)):
            answers = json.loads(doc.answers_json)
            if answers["note_type"]["value"] == "statutory_visit":
                visits.setdefault(doc.person_id, []).append(date.fromisoformat(answers["note_date"]["value"]))
        return [(p.start_date, p.end_date or UNTIL,
                 sorted(v for v in visits.get(p.child_id, []) if p.start_date < v <= (p.end_date or UNTIL)))
                for p in s.scalars(select(Placement).where(Placement.child_id > after))]
    return db.read_sync(read)


def test_looked_after_children_are_visited_as_the_rule_asks(council):
    """england-current's statutory_visit: within a week of each placement, then at most every 6
    weeks in the placement's first year, at most every 3 months after it. Counted in days: a
    week is 7, 6 weeks 42, and 3 months never fewer than 89 (30 Nov to 28 Feb is 90)."""
    db, [(counts, _children, after), _] = council
    placements = visits_by_placement(db, after)
    assert placements and sum(len(visits) for _s, _e, visits in placements) >= 10
    late = []
    for start, end, visits in placements:
        allowed, last = 7, start
        for seen in visits + [end]:  # the end too: never overdue while the child was there
            if (seen - last).days > allowed:
                late.append(f"placement from {start}: {(seen - last).days} days from {last} to {seen}")
            last = seen
            allowed = 42 if (seen - start).days < 365 else 89
    assert late == []


def test_the_alerts_see_no_visit_missed_and_history_done_on_its_day(council, stack):
    """What the worker's alerts make of the generated history: every statutory visit round met,
    none still open past the history's last day (so none reads "overdue by 352 days"), and every
    piece of work closed on a day of the history, not on the day it was generated."""
    db, [(_counts, _children, after), _] = council
    wait_for_alerts_to_catch_up(stack.config, timeout=240)
    alerts = Database(stack.config["alerts"].database_url)
    people = {f"people/{i}" for i in db.read_sync(lambda s: s.scalars(select(Person.id).where(Person.id > after)))}
    newest = db.read_sync(lambda s: s.scalar(select(OutboxEvent.sequence).order_by(OutboxEvent.sequence.desc())
                                             .limit(1)))
    try:
        assert alerts.read_sync(engine.cursor) >= newest, "the alerts service did not catch up"
        clocks = [c for c in alerts.read_sync(lambda s: s.scalars(select(Clock)).all()) if c.person in people]
    finally:
        alerts.dispose()
    visits = [c for c in clocks if c.rule == "statutory_visit"]
    assert apb.CLOCK_STATE_MET in {c.state for c in visits}
    assert [c for c in visits if c.state == apb.CLOCK_STATE_MISSED] == []
    assert all(c.due_date > UNTIL for c in visits if c.state == apb.CLOCK_STATE_OPEN)
    ended = [c.ended_date for c in clocks if c.ended_date is not None]
    assert ended and max(ended) <= UNTIL


def test_a_completed_record_carries_its_history_day(council, client_factory):
    """A single assessment begun on one day and authorised weeks later is completed that later
    day: the printed copy says so, and so do its snapshot, signature and ended event."""
    db, [(_counts, _children, after), _] = council

    def read(s):
        for doc in s.scalars(select(Document).where(Document.person_id > after,
                                                    Document.template_id == "single-assessment",
                                                    Document.state == pb.DOCUMENT_STATE_COMPLETED)
                             .order_by(Document.id)):
            authorised = date.fromisoformat(json.loads(doc.answers_json)["manager_date"]["value"])
            if authorised > doc.start_date:
                snapshot = json.loads(s.get(DocumentSnapshot, doc.id).snapshot_json)
                signed = s.scalar(select(DocumentSignature.signed_at).where(DocumentSignature.document_id == doc.id,
                                                                           DocumentSignature.role == "social_worker"))
                ended = next(json.loads(e.payload_json) for e in s.scalars(select(OutboxEvent).where(
                    OutboxEvent.type == "document.ended", OutboxEvent.subject == f"documents/{doc.id}")))
                return doc.id, doc.start_date, authorised, snapshot["completed_at"], signed, ended["ended_date"]
        return None
    document_id, started, authorised, completed_at, signed, ended_date = db.read_sync(read)
    assert completed_at.startswith(authorised.isoformat()) and signed.date() == authorised
    assert ended_date == authorised.isoformat()
    facts = dict(outline_of(client_factory("manager"), f"documents/{document_id}").facts)
    assert facts["Started"] != facts["Completed"] and facts["Completed"] == day("en", authorised)

    # And no generated record at all was completed after the history's last day (today, say).
    last = db.read_sync(lambda s: max(d.ended_at for d in s.scalars(select(Document).where(
        Document.person_id > after, Document.ended_at.is_not(None)))))
    assert today_london(as_utc(last)) <= UNTIL


# ---- what the management reports read beyond the journey (generate_detail) ----------------------

DETAILS = ("religion", "first_language", "dietary_needs", "mother_heritage", "father_heritage")
ANSWERED, NOT_KNOWN, NOT_APPLICABLE, DECLINED = 1, 2, 3, 4  # common.v1.AnswerStatus


def details(db: Database, after: int, before: int | None = None) -> list[tuple]:
    """Per child made after person id `after` (and before `before`), free of ids: their
    characteristics, and per document its child's views, signatures beyond the author's and
    editing time by day."""
    def read(s):
        out = []
        people = select(Person).where(Person.id > after).order_by(Person.id)
        for person in s.scalars(people if before is None else people.where(Person.id <= before)):
            docs = []
            for doc in s.scalars(select(Document).where(Document.person_id == person.id).order_by(Document.id)):
                answers = json.loads(doc.answers_json)
                docs.append((doc.template_id, str(doc.created_at)[:19],
                             {k: v for k, v in answers.items() if k.startswith("child_views")},
                             [(g.role, g.method, g.signer_name, str(g.signed_at)[:19]) for g in s.scalars(
                                 select(DocumentSignature).where(DocumentSignature.document_id == doc.id,
                                                                 DocumentSignature.role != "social_worker")
                                 .order_by(DocumentSignature.id))],
                             [(str(e.day), e.seconds, e.saves, e.sittings) for e in s.scalars(
                                 select(EditingTime).where(EditingTime.document_id == doc.id)
                                 .order_by(EditingTime.day))]))
            out.append((sorted((c.key, c.value, c.status) for c in person.characteristics), docs))
        return out
    return db.read_sync(read)


def test_the_same_seed_gives_the_same_details_too(council):
    """Characteristics, the child's words, signatures and editing time are drawn from generators
    of their own: the same seed makes them again exactly, as it does the journeys."""
    db, [(_c, _j, first_after), (_c2, _j2, second_after)] = council
    first, second = details(db, first_after, second_after), details(db, second_after)
    assert len(first) == CHILDREN and first == second


def test_characteristics_are_drawn_with_each_status():
    """Over many children the statuses come in the shares STATUS_SHARES gives (religion: 72%
    answered, 10% not known, 8% declined, 10% never asked); an answer is blank unless answered."""
    rng, counts = random.Random(5), {key: [0, 0, 0, 0] for key in DETAILS}
    draws = 20000
    for _ in range(draws):
        answers = generate_detail.characteristics(rng, "WBRI")
        for key in DETAILS:
            answer = answers.get(key)
            counts[key][{ANSWERED: 0, NOT_KNOWN: 1, DECLINED: 2, None: 3}[answer and answer.status]] += 1
            if answer is not None:
                assert bool(answer.value) == (answer.status == ANSWERED)
    for key, shares in generate_detail.STATUS_SHARES.items():
        for got, wanted in zip(counts[key], shares):
            assert abs(got / draws - wanted / 100) < 0.015, (key, counts[key])
    # A child of Pakistani heritage: Muslim 95 in 100 by weight, of those answered.
    religions = [a.value for a in (generate_detail.characteristics(rng, "APKN").get("religion") for _ in range(4000))
                 if a is not None and a.status == ANSWERED]
    assert abs(religions.count("Muslim") / len(religions) - 0.95) < 0.02


def test_generated_children_have_who_they_are_recorded(council):
    db, [(_counts, _children, after), _] = council

    def read(s):
        return s.execute(select(PersonCharacteristic.key, PersonCharacteristic.status, PersonCharacteristic.value)
                         .join(Person, Person.id == PersonCharacteristic.person_id).where(Person.id > after)).all()
    rows = db.read_sync(read)  # both runs' children: 2 * CHILDREN
    for key in DETAILS:
        statuses = [status for k, status, _value in rows if k == key]
        # Answered for most, not known for some, and never asked (no row) for others.
        assert statuses.count(ANSWERED) > CHILDREN and NOT_KNOWN in statuses and len(statuses) < 2 * CHILDREN
        assert all(bool(value) == (status == ANSWERED) for k, status, value in rows if k == key)
    assert [k for k, _s, _v in rows].count("ethnicity") == 2 * CHILDREN


def test_most_older_children_have_their_own_words_in_assessments_and_reviews(council):
    """The recording quality report's child's-words table: a child over four mostly speaks for
    themselves (88 in 100 of their records have their words, 76 directly); a baby's views are the
    worker's reading of them, or not applicable."""
    db, [(_counts, _children, after), _] = council
    library = TemplateLibrary.load()

    def read(s):
        return [(d.template_id, json.loads(d.answers_json), (d.ended_at.date() - p.date_of_birth).days // 365)
                for d, p in s.execute(select(Document, Person).join(Person, Person.id == Document.person_id)
                                      .where(Person.id > after, Document.state == pb.DOCUMENT_STATE_COMPLETED))]
    records = [r for r in db.read_sync(read) if library.get(r[0]).kind in ("assessment", "review")]
    older = [answers for _t, answers, age in records if age >= 5]
    worded = [a for a in older if a.get("child_views", {}).get("status") == ANSWERED]
    assert len(older) >= 30 and len(worded) / len(older) > 0.75
    assert {a["child_views_how"]["value"] for a in worded} == {"direct", "via_parent", "worker_interpretation"}
    babies = [answers for _t, answers, age in records if age < 2 and "child_views" in answers]
    assert babies and all(a["child_views"]["status"] == NOT_APPLICABLE
                          or a["child_views_how"]["value"] == "worker_interpretation" for a in babies)


def test_some_records_are_countersigned_or_signed_by_the_family(council, client_factory):
    """Team leaders countersign some completed records and parents and young people sign some in
    front of the worker, on a day of the history from the day it was completed; the signature
    checks out like any other."""
    db, [(_counts, _children, after), _] = council

    def read(s):
        return s.execute(select(DocumentSignature, Document, Person)
                         .join(Document, Document.id == DocumentSignature.document_id)
                         .join(Person, Person.id == Document.person_id)
                         .where(Person.id > after, DocumentSignature.role != "social_worker")).all()
    rows = db.read_sync(read)
    roles = {g.role for g, _d, _p in rows}
    assert roles == {"team_leader", "parent", "young_person"}
    for signature, document, person in rows:
        signed = today_london(as_utc(signature.signed_at))
        assert today_london(as_utc(document.ended_at)) <= signed <= UNTIL
        assert document.template_id != "case-note"
        if signature.role == "team_leader":
            assert signature.method == "electronic" and signature.signer_name in ("Lee Leader", "Morgan Manager")
        else:
            assert signature.method == "witnessed_in_person" and signature.witnessed_by_user == document.author_user
        if signature.role == "young_person":
            assert (signed - person.date_of_birth).days >= 12 * 365
    countersigned = next(d for g, d, _p in rows if g.role == "team_leader")
    bundle = json.loads(call(client_factory("manager"), "ExportDocument",
                             pb.ExportDocumentRequest(name=f"documents/{countersigned.id}")).bundle_json)
    assert verify_bundle(bundle) == [] and "team_leader" in {g["payload"]["role"] for g in bundle["signatures"]}


def test_editing_time_falls_on_the_history_days_with_plausible_hours(council):
    """Every record was created and saved on its own working days (never the day the council
    was generated), in sittings whose hours fit its kind: a single assessment some hours, a
    review a few, a case note minutes."""
    db, [(_counts, _children, after), _] = council

    def read(s):
        docs = {d.id: d for d in s.scalars(select(Document).where(Document.person_id > after))}
        times = s.scalars(select(EditingTime).where(EditingTime.document_id.in_(docs))).all()
        return docs, times
    docs, times = db.read_sync(read)
    seconds: dict[int, int] = {}
    for row in times:
        doc = docs[row.document_id]
        last = today_london(as_utc(doc.ended_at)) if doc.ended_at else UNTIL
        assert doc.start_date <= row.day <= last
        # Each counted gap is at most 14 minutes (generate_detail.GAP), and only gaps inside a sitting count.
        assert row.seconds <= (row.saves - row.sittings) * 840
        seconds[doc.id] = seconds.get(doc.id, 0) + row.seconds
    for doc in docs.values():
        assert today_london(as_utc(doc.created_at)) == doc.start_date
    hours = {}
    for doc_id, spent in seconds.items():
        hours.setdefault(docs[doc_id].template_id, []).append(spent / 3600)
    completed = {d.id for d in docs.values() if d.state == pb.DOCUMENT_STATE_COMPLETED}
    assert completed <= set(seconds)  # every completed record has editing time
    assert 4 <= median(hours["single-assessment"]) <= 8  # 3.5-9 hours, most near 5
    assert 1.5 <= median(hours["child-in-need-review"]) <= 3.5
    assert 0.1 <= median(hours["case-note"]) <= 0.4


def test_the_history_clock_times_saves_on_its_day(council):
    """editing_time.saved_at: saves at 09:00, 09:10 and 09:40 on a history day are one sitting of
    10 minutes (600 seconds) and a second sitting (30 minutes later, more than 15 apart) adding
    nothing: 600 seconds, 3 saves, 2 sittings, on that day. Outside it the clock is real again."""
    db, _runs = council
    typist = Principal(user_name="users/9999", username="typist", display_name="A Typist")
    with db.write_session() as s:
        document = s.scalar(select(Document).order_by(Document.id).limit(1))
        for minute in (0, 10, 40):
            with editing_time.saved_at(datetime(2025, 3, 4, 9, minute, tzinfo=timezone.utc)):
                editing_time.record_save(s, typist, document)
        row = s.get(EditingTime, (document.id, 9999, date(2025, 3, 4)))
        assert (row.seconds, row.saves, row.sittings) == (600, 3, 2)
        s.rollback()
    assert abs(editing_time.now() - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_sittings_keep_to_the_day_and_the_sitting_rule():
    """A review started and completed on one day: every save on that day, before its completion
    at noon; saves in a sitting at most 14 minutes apart, sittings at least 20 minutes apart."""
    finished = datetime(2025, 5, 6, 12, tzinfo=timezone.utc)
    for seed in range(50):
        saves = generate_detail.sittings(random.Random(seed), "child-in-need-review", date(2025, 5, 6),
                                         date(2025, 5, 6), [date(2025, 5, 6)], finished)
        assert saves == sorted(saves) and saves[-1] <= finished and saves[0].date() == date(2025, 5, 6)
        gaps = [(b - a).total_seconds() for a, b in zip(saves, saves[1:])]
        assert all(g <= 840 or g >= 1200 for g in gaps)
