"""The demand report over real gRPC, on a small council written here through the records
service's own storage functions (back-dated contacts, allocations by named workers): contacts and
referrals by month, team and postcode district, contacts per child in the evaluation's bands
(L7897), re-referrals, and caseloads at the period's end. Every expected number is worked out by
hand beside it."""

from __future__ import annotations

import uuid

import pytest

from ics.common.v1 import reports_pb2 as rpb
from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.db import Database
from services.identity.roles import permissions_for
from services.records import allocations, frontdoor
from services.records.reports.demand import district
from tui.core import reports

PERIOD = dict(from_date="2026-04-01", to_date="2026-06-30")
MANAGER = tuple(f"{action}:{scope}" for action, scope in permissions_for(["manager"]).items())


def staff(user_id: int, name: str, team: int) -> Principal:
    return Principal(user_name=f"users/{user_id}", username=name.split()[0].lower(), display_name=name,
                     team_names=(f"teams/{team}",), permissions=MANAGER)


DUTY1, DUTY2 = staff(921, "Dot One", 1), staff(922, "Dan Two", 2)
WES, TIA, UMA = staff(931, "Wes West", 1), staff(932, "Tia Tate", 2), staff(933, "Uma Upton", 2)


class Council:
    def __init__(self, db: Database):
        self.db, self.referrals = db, {}

    def contacts(self, duty: Principal, postcode: str, *received: str) -> str:
        """One child's contacts, in date order (each a referral too); the first makes the child."""
        child = ""
        for day in received:
            request = pb.RecordContactRequest(received_date=day, source=pb.CONTACT_SOURCE_POLICE,
                                              reason="Police notification", confirmed_not_duplicate=True)
            if child:
                request.person = child
            else:
                request.new_person.CopyFrom(pb.Person(given_name="Test", family_name=f"Dem{uuid.uuid4().hex[:8]}",
                                                      date_of_birth="2015-02-02", sex=pb.SEX_MALE,
                                                      postcode=postcode))
            reply = self.db.write_sync(lambda s: frontdoor.record_contact(s, duty, request))
            child = reply.person.name
            self.referrals[child] = reply.referral.name
        return child

    def allocate(self, child: str, worker: Principal, start: str) -> None:
        self.db.write_sync(lambda s: allocations.allocate(s, worker, pb.Allocation(
            person=child, worker=worker.user_name, worker_display_name=worker.display_name,
            team=worker.team_names[0], start_date=start, reason="Assessment")))


@pytest.fixture(scope="module")
def council(stack):
    db = Database(stack.config["records"].database_url)
    made = Council(db)
    a = made.contacts(DUTY1, "TW9 1AA", "2025-05-01", "2026-04-10", "2026-06-05")  # 3 so far; both later re-referrals
    b = made.contacts(DUTY1, "tw91bb", "2026-04-20")                               # TW9, typed without its space
    c = made.contacts(DUTY2, "TW10 6XX", "2026-05-02", "2026-05-03")               # the second a re-referral
    d = made.contacts(DUTY2, "", "2025-12-01", "2026-01-05", "2026-02-05", "2026-03-05", "2026-04-05",
                      "2026-07-05")                                                # 5 by 30 June; 6th after
    made.contacts(DUTY2, "TW10 7YY", "2024-01-10", "2026-05-20")                   # f: earlier, not within 12 months
    e = made.contacts(DUTY1, "TW9 2CC", "2026-03-31")                              # before the period only
    # Caseloads on 30 June: Wes holds a and b (team 1); Tia holds c and d (team 2): d moves to Uma
    # only on 10 July. f's case is open with nobody allocated (team 2). e was allocated, then
    # decided no further action on 2 April, which closed the case and ended the allocation.
    made.allocate(a, WES, "2026-04-12")
    made.allocate(b, WES, "2026-04-21")
    made.allocate(c, TIA, "2026-05-04")
    made.allocate(d, TIA, "2026-04-06")
    made.allocate(d, UMA, "2026-07-10")
    made.allocate(e, WES, "2026-04-01")
    db.write_sync(lambda s: frontdoor.decide(s, DUTY1, pb.DecideReferralRequest(
        name=made.referrals[e], decision=pb.REFERRAL_DECISION_NO_FURTHER_ACTION, reason="No concerns",
        decided_date="2026-04-02")))
    yield made
    db.dispose()


def report(client, team: str = "") -> rpb.Report:
    return client.get_report("records", rpb.GetReportRequest(name="demand", team=team, **PERIOD))


def rows(found: rpb.Report, key: str) -> list[tuple]:
    return [tuple(round(v, 3) if isinstance(v, float) else v for k, v in row.items() if k != "flag")
            for row in reports.table_rows(reports.find_table(found, key))]


def test_postcode_districts():
    assert [district(p) for p in ("TW9 1AA", "tw91aa", " TW10  6XX ", "SW1A 2AA", "", "TW9")] == [
        "TW9", "TW9", "TW10", "SW1A", "Not recorded", "TW9"]


def test_contacts_and_referrals_by_month_team_and_area(council, sessions):
    found = report(sessions("manager"))
    # In the period: April a (10th), b (20th), d (5th); May c twice, f; June a. Every contact is
    # a referral too.
    assert rows(found, "demand_by_month") == [("April 2026", 3, 3), ("May 2026", 3, 3), ("June 2026", 1, 1)]
    # Team 1 received a's and b's; team 2 c's, d's and f's.
    assert rows(found, "demand_by_month_and_team") == [
        ("April 2026", "teams/1", 2, 2), ("April 2026", "teams/2", 1, 1),
        ("May 2026", "teams/1", 0, 0), ("May 2026", "teams/2", 3, 3),
        ("June 2026", "teams/1", 1, 1), ("June 2026", "teams/2", 0, 0)]
    # TW9: a's two and b's one, 2 children; TW10: c's two and f's one, 2 children; d has no
    # postcode. e's only contact was before the period.
    assert rows(found, "demand_by_area") == [("TW9", 3, 3, 2), ("TW10", 3, 3, 2), ("Not recorded", 1, 1, 1)]


def test_contacts_per_child_in_the_evaluations_bands(council, sessions):
    found = report(sessions("manager"))
    # Five children had a contact in the period: b 1; c 2, f 2; a 3; d 5 (its sixth came after
    # 30 June). Shares of 5: 20%, 40%, 20%, 20%.
    assert rows(found, "repeat_contacts") == [
        ("1", 1, 0.2), ("2", 2, 0.4), ("3 to 4", 1, 0.2), ("5 to 44", 1, 0.2), ("45 or more", 0, 0.0)]
    [table] = [t for t in found.tables if t.key == "repeat_contacts"]
    assert any("44%" in note and "a quarter" in note for note in table.notes)


def test_re_referrals(council, sessions):
    found = report(sessions("manager"))
    # Team 1: a's April (previous 1 May 2025, within 12 months) and June contacts, b's first: 3
    # referrals, 2 re-referrals, 2 with an earlier referral.
    # Team 2: c's two (the second a re-referral), d's April (previous 5 March), f's May (previous
    # January 2024, not within 12 months): 4 referrals, 2 re-referrals, 3 with an earlier one.
    assert rows(found, "re_referrals") == [("teams/1", 3, 2, 0.667, 2), ("teams/2", 4, 2, 0.5, 3)]
    [table] = [t for t in found.tables if t.key == "re_referrals"]
    assert "All the teams counted: 4 re-referrals of 7 referrals (57%)." in table.notes


def test_caseloads_at_the_end_of_the_period(council, sessions):
    found = report(sessions("manager"))
    assert rows(found, "caseloads_by_worker") == [("teams/1", "Wes West", 2), ("teams/2", "Tia Tate", 2)]
    # Team 1: a and b with Wes, none waiting (e's case closed). Team 2: c and d with Tia; f waiting.
    assert rows(found, "caseloads_by_team") == [("teams/1", 2, 1, 0), ("teams/2", 2, 1, 1)]


def test_the_team_filter_and_counts_for_a_performance_officer(council, sessions):
    leader = report(sessions("leader"), team="teams/1")
    assert rows(leader, "demand_by_month") == [("April 2026", 2, 2), ("May 2026", 0, 0), ("June 2026", 1, 1)]
    assert rows(leader, "demand_by_area") == [("TW9", 3, 3, 2)]
    # Team 1's children with a contact in the period: b (1) and a (3).
    assert rows(leader, "repeat_contacts") == [
        ("1", 1, 0.5), ("2", 0, 0.0), ("3 to 4", 1, 0.5), ("5 to 44", 0, 0.0), ("45 or more", 0, 0.0)]
    assert rows(leader, "re_referrals") == [("teams/1", 3, 2, 0.667, 2)]
    assert [row[0] for row in rows(leader, "caseloads_by_team")] == ["teams/1"]

    perf, manager = report(sessions("perf")), report(sessions("manager"))
    assert [t.key for t in perf.tables] == [t.key for t in manager.tables] == [
        "demand_by_month", "demand_by_month_and_team", "demand_by_area", "repeat_contacts", "re_referrals",
        "caseloads_by_worker", "caseloads_by_team"]
    assert not any(t.case_details for t in perf.tables)
    assert rows(perf, "demand_by_area") == rows(manager, "demand_by_area")
