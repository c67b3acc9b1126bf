"""The decisions report over real gRPC, on a small council written here through the records
service's own storage functions (so one test can have a dozen different deciders): referral
decisions, assessment conclusions and s47 outcomes by worker and team, and the flag on a worker
whose share stands apart from the rest of their team (the evaluation's 29 of 29 "in need" against
0 of 36, L7909). Every expected number is worked out by hand beside it."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from ics.common.v1 import reports_pb2 as rpb
from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.db import Database
from services.identity.roles import permissions_for
from services.records import allocations, documents, frontdoor
from services.records.signing import Signer
from services.records.template_library import TemplateLibrary
from tests.helpers import a
from tui.core import reports

PERIOD = dict(from_date="2026-04-01", to_date="2026-09-30")
NFA, ADVICE, ASSESS, STRATEGY = (pb.REFERRAL_DECISION_NO_FURTHER_ACTION, pb.REFERRAL_DECISION_ADVICE_SIGNPOSTING,
                                 pb.REFERRAL_DECISION_ASSESSMENT, pb.REFERRAL_DECISION_STRATEGY_DISCUSSION)
MANAGER = tuple(f"{action}:{scope}" for action, scope in permissions_for(["manager"]).items())


def staff(user_id: int, name: str, *teams: int) -> Principal:
    """A practitioner of the synthetic council, with a manager's reach so any of them may decide."""
    return Principal(user_name=f"users/{user_id}", username=name.split()[0].lower(), display_name=name,
                     team_names=tuple(f"teams/{t}" for t in teams), permissions=MANAGER)


ADA, BEN, CY, DI, FAY, EVE = (staff(901, "Ada Ames", 1, 2), staff(902, "Ben Bryce", 1), staff(903, "Cy Cole", 1),
                              staff(904, "Di Dunn", 1), staff(905, "Fay Fox", 1), staff(906, "Eve Ellis", 1))
GIL, HAL, IVY, JO, KIT = (staff(911, "Gil Gray", 2), staff(912, "Hal Hart", 2), staff(913, "Ivy Irwin", 2),
                          staff(914, "Jo Jay", 2), staff(915, "Kit Kerr", 3))


class Council:
    def __init__(self, db: Database, library: TemplateLibrary, signer: Signer):
        self.db, self.library, self.signer = db, library, signer

    def referral(self, decider: Principal, decision: int, received: str, decided: str = "") -> str:
        """A new child's referral, received by the decider's first team, decided by them."""
        def write(s):
            reply = frontdoor.record_contact(s, decider, pb.RecordContactRequest(
                new_person=pb.Person(given_name="Test", family_name=f"Dec{uuid.uuid4().hex[:8]}",
                                     date_of_birth="2016-01-01", sex=pb.SEX_FEMALE),
                received_date=received, source=pb.CONTACT_SOURCE_SCHOOL, reason="School concern",
                confirmed_not_duplicate=True))
            frontdoor.decide(s, decider, pb.DecideReferralRequest(
                name=reply.referral.name, decision=decision, reason="Decided at duty",
                decided_date=decided or received))
            return reply.person.name
        return self.db.write_sync(write)

    def allocated_child(self, worker: Principal, team: int, recorded_by: Principal | None = None) -> str:
        child = self.referral(recorded_by or worker, ASSESS, "2026-03-02")
        self.db.write_sync(lambda s: allocations.allocate(s, worker, pb.Allocation(
            person=child, worker=worker.user_name, worker_display_name=worker.display_name,
            team=f"teams/{team}", start_date="2026-03-03", reason="Assessment")))
        return child

    def completed(self, author: Principal, child: str, template: str, start: str, **answers: str) -> None:
        def write(s):
            doc = documents.create(s, author, self.library, pb.CreateDocumentRequest(
                person=child, template_id=template, start_date=start,
                answers={k: a(v) for k, v in answers.items()}))
            documents.end(s, author, self.library, self.signer, pb.EndDocumentRequest(
                name=doc.name, etag=doc.etag, state=pb.DOCUMENT_STATE_COMPLETED))
        self.db.write_sync(write)

    def assessments(self, author: Principal, child: str, decisions: list[str], template: str = "single-assessment",
                    authorised: str = "2026-06-15") -> None:
        for day, decision in enumerate(decisions, start=1):
            start = date(2026, 4, day).isoformat()
            answers = dict(assessment_start_date=start, reason="Referral concerns", decision=decision)
            if authorised:
                answers["manager_date"] = authorised
            self.completed(author, child, template, start, **answers)


@pytest.fixture(scope="module")
def council(stack):
    db = Database(stack.config["records"].database_url)
    made = Council(db, TemplateLibrary.load(), Signer.load_or_create(stack.config.records_signing_key_file))
    # Team 1's referral decisions in the period ("taken on": assessment or strategy discussion).
    for _ in range(10):
        made.referral(ADA, ASSESS, "2026-05-04")                             # Ada: 10 of 10
    for worker, taken_on, rest in ((BEN, [ASSESS, ASSESS], [NFA] * 8), (CY, [STRATEGY, ASSESS], [ADVICE] * 8),
                                   (DI, [ASSESS, ASSESS], [NFA] * 4 + [ADVICE] * 4),
                                   (FAY, [ASSESS, STRATEGY], [NFA] * 8)):
        for decision in taken_on + rest:                                     # Ben, Cy, Di, Fay: 2 of 10 each
            made.referral(worker, decision, "2026-05-05")
    for _ in range(3):
        made.referral(EVE, ASSESS, "2026-05-06")                             # Eve: 3 of 3
    made.referral(BEN, NFA, "2026-03-30", decided="2026-03-31")              # decided before the period
    made.referral(BEN, ASSESS, "2026-09-30", decided="2026-10-01")           # decided after it
    # Ada decides one referral her second team (2) received.
    made.referral(staff(901, "Ada Ames", 2, 1), NFA, "2026-05-07")

    # Team 2's assessments (the team the child's case is allocated to), L7909's pattern.
    made.assessments(GIL, made.allocated_child(GIL, 2), ["cin_plan"] * 12)                      # 12 of 12
    made.assessments(HAL, made.allocated_child(HAL, 2), ["nfa"] * 8 + ["early_help"] * 4)       # 0 of 12
    made.assessments(IVY, made.allocated_child(IVY, 2),
                     ["cin_plan"] * 6 + ["strategy_discussion"] * 3 + ["nfa"] * 3)            # 9 of 12
    made.assessments(JO, made.allocated_child(JO, 2),
                     ["cin_plan"] * 4 + ["legal", "specialist"] + ["early_help"] * 6)          # 6 of 12
    # Team 3: Kit's two initial assessments (a core assessment is "in need"), and two not counted:
    # one authorised after the period, one with no authorisation date (completed today, after it).
    kit_child = made.allocated_child(KIT, 3)
    made.assessments(KIT, kit_child, ["core_assessment", "nfa"], template="initial-assessment")
    made.completed(KIT, kit_child, "initial-assessment", "2026-04-20", assessment_start_date="2026-04-20",
                   reason="Referral concerns", decision="cin_plan", manager_date="2026-10-01")
    made.completed(KIT, kit_child, "initial-assessment", "2026-04-21", assessment_start_date="2026-04-21",
                   reason="Referral concerns", decision="cin_plan")
    # A child team 1 recorded and Kit's team 3 assessed: no further action, authorised the day the
    # case closed, which ended Kit's allocation that day. It is still team 3's work, and Kit's.
    closed = made.allocated_child(KIT, 3, recorded_by=BEN)
    made.completed(KIT, closed, "initial-assessment", "2026-04-10", assessment_start_date="2026-04-10",
                   reason="Referral concerns", decision="nfa", manager_date="2026-06-20")
    made.db.write_sync(lambda s: allocations.end_current(s, KIT, int(closed.split("/")[1]), date(2026, 6, 20),
                                                         "case closed"))
    # Kit's s47 enquiries: completed in the period (a conference, no further action), and one after.
    for start, done, outcome in (("2026-05-01", "2026-05-10", "icpc"), ("2026-05-02", "2026-05-12", "nfa"),
                                 ("2026-09-20", "2026-10-02", "cin_plan")):
        made.completed(KIT, kit_child, "outcome-of-s47-enquiries", start, s47_start_date=start,
                       completed_date=done, outcome=outcome)
    yield made
    db.dispose()


def report(client, team: str = "") -> rpb.Report:
    return client.get_report("records", rpb.GetReportRequest(name="decisions", team=team, **PERIOD))


def rows(found: rpb.Report, key: str) -> list[tuple]:
    """A table's rows as plain values (shares to three places), each followed by its flag."""
    return [tuple(round(v, 3) if isinstance(v, float) else v for v in row.values())
            for row in reports.table_rows(reports.find_table(found, key))]


def test_referral_decisions_by_worker_flag_the_one_far_from_the_rest_of_the_team(council, sessions):
    found = report(sessions("manager"))
    by_worker = rows(found, "referral_decisions_by_worker")
    # Columns: team, worker, NFA, advice, assessment, strategy, decided, share taken on, flag.
    # Team 1 takes on 10 + 2 + 2 + 2 + 2 + 3 = 21 of 10 + 4 * 10 + 3 = 53.
    # Ada: 10 of 10 against the rest's 11 of 43 (25.6%). Pooled 21/53 = 0.396;
    #   standard error sqrt(0.396 * 0.604 * (1/10 + 1/43)) = 0.172; the gap 1 - 0.256 = 0.744 > 2 * 0.172.
    # Ben (and each of the three like him): 2 of 10 against the rest's 19 of 43 (44.2%): the same
    #   standard error 0.172; the gap 0.442 - 0.2 = 0.242 < 0.343, so not flagged.
    # Eve: 3 of 3, 100%, but fewer than 10: not flagged.
    ada_flag = "10 of 10 (100%) taken on, against 11 of 43 (26%) for the rest of the team"
    assert by_worker == [
        ("teams/1", "Ada Ames", 0, 0, 10, 0, 10, 1.0, ada_flag),
        ("teams/1", "Ben Bryce", 8, 0, 2, 0, 10, 0.2, ""),
        ("teams/1", "Cy Cole", 0, 8, 1, 1, 10, 0.2, ""),
        ("teams/1", "Di Dunn", 4, 4, 2, 0, 10, 0.2, ""),
        ("teams/1", "Eve Ellis", 0, 0, 3, 0, 3, 1.0, ""),
        ("teams/1", "Fay Fox", 8, 0, 1, 1, 10, 0.2, ""),
        # Team 2: Ada's one decision; nobody else there decides, so nothing to compare with.
        ("teams/2", "Ada Ames", 1, 0, 0, 0, 1, 0.0, ""),
    ]  # The referrals of the children allocated for assessment were decided on 2 March: not counted.
    by_team = rows(found, "referral_decisions_by_team")
    # Team 1: NFA 8 + 4 + 8 = 20, advice 8 + 4 = 12, assessment 10 + 2 + 1 + 2 + 3 + 1 = 19,
    # strategy 1 + 1 = 2; 53 decided; 21 taken on: 21 / 53 = 0.396.
    assert by_team == [("teams/1", 20, 12, 19, 2, 53, 0.396, ""), ("teams/2", 1, 0, 0, 0, 1, 0.0, "")]
    [table] = [t for t in found.tables if t.key == "referral_decisions_by_worker"]
    assert any("at least 10" in note and "not flagged" in note for note in table.notes)


def test_assessment_conclusions_flag_all_and_none_in_need_against_the_team(council, sessions):
    found = report(sessions("manager"))
    # Columns: team, worker, in need, not in need, no decision recorded, completed, share in need, flag.
    # Team 2: 12 + 0 + 9 + 6 = 27 in need of 48.
    # Gil 12 of 12 against the rest's 15 of 36 (41.7%): pooled 27/48 = 0.5625, standard error
    #   sqrt(0.5625 * 0.4375 * (1/12 + 1/36)) = 0.165; gap 0.583 > 0.331: flagged.
    # Hal 0 of 12 against 27 of 36 (75%): gap 0.75 > 0.331: flagged.
    # Ivy 9 of 12 (75%) against 18 of 36 (50%): gap 0.25 < 0.331. Jo 6 of 12 against 21 of 36
    #   (58.3%): gap 0.083. Neither flagged.
    # Team 3: Kit's three initial assessments authorised in the period, 1 in need (the core
    # assessment), 2 not (one of them on the child team 1 recorded, whose case closed that day);
    # too few to flag. The one authorised 1 October and the one with no authorisation date (so
    # counted on the day it was completed, today) fall outside the period.
    assert rows(found, "assessment_outcomes_by_worker") == [
        ("teams/2", "Gil Gray", 12, 0, 0, 12, 1.0,
         "12 of 12 (100%) concluded in need, against 15 of 36 (42%) for the rest of the team"),
        ("teams/2", "Hal Hart", 0, 12, 0, 12, 0.0,
         "0 of 12 (0%) concluded in need, against 27 of 36 (75%) for the rest of the team"),
        ("teams/2", "Ivy Irwin", 9, 3, 0, 12, 0.75, ""),
        ("teams/2", "Jo Jay", 6, 6, 0, 12, 0.5, ""),
        ("teams/3", "Kit Kerr", 1, 2, 0, 3, 0.333, ""),
    ]
    assert rows(found, "assessment_outcomes_by_team") == [
        ("teams/2", 27, 21, 0, 48, 0.562, ""), ("teams/3", 1, 2, 0, 3, 0.333, "")]
    # The s47 outcomes: Kit's conference and no further action in the period; the third was
    # completed on 2 October. Columns: team, worker, conference, CIN plan, NFA, other agency,
    # no outcome recorded, completed, share to conference, flag.
    assert rows(found, "s47_outcomes_by_worker") == [("teams/3", "Kit Kerr", 1, 0, 1, 0, 0, 2, 0.5, "")]


def test_a_team_leader_sees_only_the_team_asked_for(council, sessions):
    found = report(sessions("leader"), team="teams/2")
    assert found.scope == "Team teams/2"
    assert rows(found, "referral_decisions_by_worker") == [("teams/2", "Ada Ames", 1, 0, 0, 0, 1, 0.0, "")]
    assert [row[:2] for row in rows(found, "assessment_outcomes_by_worker")] == [
        ("teams/2", "Gil Gray"), ("teams/2", "Hal Hart"), ("teams/2", "Ivy Irwin"), ("teams/2", "Jo Jay")]
    assert rows(found, "s47_outcomes_by_worker") == []
    # Without a team the leader's own teams (1 and 2) are covered, never Kit's team 3.
    own = report(sessions("leader"))
    assert {row[0] for row in rows(own, "assessment_outcomes_by_team")} == {"teams/2"}


def test_a_performance_officer_gets_every_count(council, sessions):
    manager, perf = report(sessions("manager")), report(sessions("perf"))
    assert [t.key for t in perf.tables] == [t.key for t in manager.tables] == [
        "referral_decisions_by_team", "referral_decisions_by_worker", "assessment_outcomes_by_team",
        "assessment_outcomes_by_worker", "s47_outcomes_by_worker"]
    assert not any(t.case_details for t in perf.tables)
    assert not any("Left out" in note for note in perf.notes)
    assert rows(perf, "assessment_outcomes_by_worker") == rows(manager, "assessment_outcomes_by_worker")
