"""The equality report over gRPC, on a small council written straight into records' tables so
every date is exactly where the test needs it. Period: 1 April to 30 September 2026.

Children (team is the team that recorded them; episodes and first contacts as listed):
  A team 1, first contact 2025-06-01, episode open           known, active
  B team 1, first contact 2026-05-10, episode closed 08-01   known, new
  C team 1, contacts 2025-01-01 and 2026-06-01, episode closed on 2026-09-30 (the period's
    last day, so not open at its end)                        known
  D team 2, first contact 2026-07-01, episode open           known, active, new
  E team 2, referred to team 1 too, first contact 2026-09-30, episode open
                                                             known, active, new (both teams)
  F team 1, merged into A                                    never counted
  G team 1, a parent: no contact, no episode                 never counted
  H team 1, first contact 2026-10-05, after the period       not known yet
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from ics.common.v1 import common_pb2 as cpb
from ics.common.v1 import reports_pb2 as rpb
from ics.records.v1 import records_pb2 as pb
from services.common.db import Database
from services.records.models import (Carer, Contact, Episode, Person, PersonCharacteristic, Placement,
                                     Referral)
from tests.helpers import call
from tui.core.errors import ServiceError
from tui.core import reports

ANSWERED, NOT_KNOWN, NOT_APPLICABLE, DECLINED, NOT_YET_ASKED = (
    cpb.ANSWER_STATUS_ANSWERED, cpb.ANSWER_STATUS_NOT_KNOWN, cpb.ANSWER_STATUS_NOT_APPLICABLE,
    cpb.ANSWER_STATUS_DECLINED, cpb.ANSWER_STATUS_NOT_YET_ASKED)
NOW = datetime(2026, 10, 10, 12, tzinfo=timezone.utc)
PERIOD = {"from_date": "2026-04-01", "to_date": "2026-09-30"}


def _person(s, name, team, merged_into=None, **characteristics):
    row = Person(given_name=name, family_name="Equalia", given_key=name.lower(), family_key="equalia", sex=1,
                 team_id=team, created_by_user=1, created_at=NOW, merged_into_id=merged_into)
    row.characteristics = [PersonCharacteristic(key=k, value=v if st == ANSWERED else "", status=st)
                           for k, (v, st) in characteristics.items()]
    s.add(row)
    s.flush()
    return row


def _contact(s, person, day, team):
    row = Contact(person_id=person.id, received_date=day, source=1, reason="Concern", team_id=team,
                  recorded_by_user=1, recorded_by_username="duty", recorded_by_name="Dee Duty", created_at=NOW)
    s.add(row)
    s.flush()
    return row


def _episode(s, person, opened, closed=None):
    s.add(Episode(person_id=person.id, state=pb.EPISODE_STATE_CLOSED if closed else pb.EPISODE_STATE_OPEN,
                  opened_date=opened, closed_date=closed, created_at=NOW))


def _carer(s, kind, ethnicity=None):
    answers = {} if ethnicity is None else {"ethnicity": {"value": ethnicity[0], "status": ethnicity[1], "reason": ""}}
    row = Carer(kind=kind, display_name=f"A {kind}", characteristics_json=json.dumps(answers), created_at=NOW)
    s.add(row)
    s.flush()
    return row


def _placement(s, child, carer, start, end, kind):
    s.add(Placement(child_id=child.id, carer_id=carer.id, start_date=start, end_date=end, placement_type=kind,
                    provider="PR1", created_at=NOW))


def answered(value):
    return (value, ANSWERED)


def status(code):
    return ("", code)


@pytest.fixture(scope="module")
def council(stack):
    db = Database(stack.config["records"].database_url)

    def write(s):
        a = _person(s, "A", 1, ethnicity=answered("WBRI"), religion=answered("Christian"),
                    first_language=answered("English"), dietary_needs=status(DECLINED),
                    mother_heritage=answered("WBRI"), father_heritage=status(NOT_KNOWN))
        b = _person(s, "B", 1, ethnicity=answered("WBRI"), religion=status(DECLINED), first_language=answered("Polish"))
        c = _person(s, "C", 1, ethnicity=answered("BAFR"), religion=status(NOT_YET_ASKED),
                    first_language=answered("English"), dietary_needs=status(NOT_APPLICABLE))
        d = _person(s, "D", 2, ethnicity=status(NOT_KNOWN), religion=answered("Muslim"))
        e = _person(s, "E", 2, ethnicity=answered("MWBC"))
        f = _person(s, "F", 1, merged_into=a.id, ethnicity=answered("CHNE"))
        _person(s, "G", 1, ethnicity=answered("WBRI"))
        h = _person(s, "H", 1, ethnicity=answered("CHNE"))
        _contact(s, a, date(2025, 6, 1), 1)
        _episode(s, a, date(2025, 6, 1))
        _contact(s, b, date(2026, 5, 10), 1)
        _episode(s, b, date(2026, 5, 10), date(2026, 8, 1))
        _contact(s, c, date(2025, 1, 1), 1)
        _contact(s, c, date(2026, 6, 1), 1)
        _episode(s, c, date(2026, 6, 1), date(2026, 9, 30))
        _contact(s, d, date(2026, 7, 1), 2)
        _episode(s, d, date(2026, 7, 1))
        contact = _contact(s, e, date(2026, 9, 30), 2)
        s.add(Referral(contact_id=contact.id, person_id=e.id, team_id=1, received_date=date(2026, 9, 30), state=1,
                       created_at=NOW))
        _episode(s, e, date(2026, 9, 30))
        _contact(s, f, date(2026, 5, 1), 1)
        _contact(s, h, date(2026, 10, 5), 1)
        _episode(s, h, date(2026, 10, 5))
        # Carers: X fosters A through the period; Y, an adopter, has D; Z, a foster carer, had
        # C before the period and takes E for adoption (A3) on its last day; W's placement ended
        # before it; a children's home had C in June; V, kinship, had D in April with nothing recorded.
        x = _carer(s, "foster_carer", answered("WBRI"))
        y = _carer(s, "adopter", status(DECLINED))
        z = _carer(s, "foster_carer", answered("AIND"))
        w = _carer(s, "foster_carer", answered("WBRI"))
        home = _carer(s, "childrens_home")
        v = _carer(s, "kinship_carer")
        _placement(s, a, x, date(2026, 1, 1), None, "U1")
        _placement(s, d, y, date(2026, 7, 10), None, "A4")
        _placement(s, c, z, date(2026, 1, 1), date(2026, 3, 31), "U1")
        _placement(s, e, z, date(2026, 9, 30), None, "A3")
        _placement(s, b, w, date(2025, 1, 1), date(2026, 3, 31), "U1")
        _placement(s, c, home, date(2026, 6, 1), date(2026, 6, 30), "K2")
        _placement(s, d, v, date(2026, 4, 1), date(2026, 5, 1), "U4")

    db.write_sync(write)
    db.dispose()


def report(client, team=""):
    return call(client, "GetReport", rpb.GetReportRequest(name="equality", team=team, **PERIOD))


def rows(answer, key) -> dict[str, list]:
    table = reports.find_table(answer, key)
    assert not table.case_details
    return {reports.value_of(row.cells[0]): [reports.value_of(c) for c in row.cells[1:]] for row in table.rows}


def counts(answer, key) -> dict[str, tuple]:
    """value -> (known, active, new), leaving out the meaning and the shares."""
    return {value: (cells[1], cells[3], cells[5]) for value, cells in rows(answer, key).items()}


def test_groups_are_counted_as_defined(council, sessions):
    every = report(sessions("manager"))
    # Known: A B C D E (F merged, G no case, H first met after the period). Active at 30
    # September: A D E (B closed in August, C closed on the 30th). New: B D E (C first met in 2025).
    assert {k: v[0] for k, v in rows(every, "children").items()} == {"Known": 5, "Active": 3, "New": 3}
    # Team 1 holds A B C, and E through its referral: known 4; active A E; new B E.
    team1 = report(sessions("manager"), "teams/1")
    assert {k: v[0] for k, v in rows(team1, "children").items()} == {"Known": 4, "Active": 2, "New": 2}
    team2 = report(sessions("manager"), "teams/2")  # D E: both active, both new
    assert {k: v[0] for k, v in rows(team2, "children").items()} == {"Known": 2, "Active": 2, "New": 2}


def test_each_status_is_a_row_of_its_own(council, sessions):
    every = report(sessions("manager"))
    # Ethnicity: A B WBRI, C BAFR, D not known, E MWBC. Active A D E; new B D E. Values by
    # how many known children have them, ties alphabetical.
    assert counts(every, "ethnicity") == {
        "WBRI": (2, 1, 1), "BAFR": (1, 0, 0), "MWBC": (1, 1, 1),
        "Not known": (1, 1, 1), "Declined": (0, 0, 0), "Not applicable": (0, 0, 0), "Not recorded": (0, 0, 0),
        "All children": (5, 3, 3)}
    assert list(counts(every, "ethnicity"))[:3] == ["WBRI", "BAFR", "MWBC"]
    ethnicity = rows(every, "ethnicity")
    assert ethnicity["WBRI"][0] == "White British"
    assert ethnicity["WBRI"][2] == pytest.approx(2 / 5) and ethnicity["WBRI"][4] == pytest.approx(1 / 3)
    # Religion: A Christian, B declined, C marked not yet asked and E never asked (both not
    # recorded), D Muslim.
    assert counts(every, "religion") == {
        "Christian": (1, 1, 0), "Muslim": (1, 1, 1),
        "Not known": (0, 0, 0), "Declined": (1, 0, 1), "Not applicable": (0, 0, 0), "Not recorded": (2, 1, 1),
        "All children": (5, 3, 3)}
    # Dietary needs: A declined, C not applicable, B D E never asked.
    assert counts(every, "dietary_needs") == {
        "Not known": (0, 0, 0), "Declined": (1, 1, 0), "Not applicable": (1, 0, 0), "Not recorded": (3, 2, 3),
        "All children": (5, 3, 3)}
    # Heritage: only A's is recorded (mother WBRI, father not known).
    assert counts(every, "mother_heritage")["WBRI"] == (1, 1, 0)
    assert counts(every, "mother_heritage")["Not recorded"] == (4, 2, 3)
    assert counts(every, "father_heritage")["Not known"] == (1, 1, 0)
    assert set(counts(every, "first_language")) >= {"English", "Polish"}
    assert counts(every, "first_language")["English"] == (2, 1, 0)


def test_the_team_filter_reaches_characteristics(council, sessions):
    team1 = report(sessions("manager"), "teams/1")
    # A B WBRI, C BAFR, E MWBC; D is team 2's only.
    assert counts(team1, "ethnicity") == {
        "WBRI": (2, 1, 1), "BAFR": (1, 0, 0), "MWBC": (1, 1, 1),
        "Not known": (0, 0, 0), "Declined": (0, 0, 0), "Not applicable": (0, 0, 0), "Not recorded": (0, 0, 0),
        "All children": (4, 2, 2)}


def test_carers_and_adopters_with_children_placed_in_the_period(council, sessions):
    every = report(sessions("manager"))
    # Carers: X (WBRI) and V (nothing recorded); W's placement ended before the period and the
    # home is not a person. Adopters: Y (declined) and Z (AIND, a foster carer taking E for adoption).
    assert {k: (v[1], v[3]) for k, v in rows(every, "carers_ethnicity").items()} == {
        "WBRI": (1, 0), "AIND": (0, 1), "Not known": (0, 0), "Declined": (0, 1), "Not applicable": (0, 0),
        "Not recorded": (1, 0), "All": (2, 2)}
    # Team 2 holds D and E: V and the adopters Y and Z.
    team2 = report(sessions("manager"), "teams/2")
    assert {k: (v[1], v[3]) for k, v in rows(team2, "carers_ethnicity").items()} == {
        "AIND": (0, 1), "Not known": (0, 0), "Declined": (0, 1), "Not applicable": (0, 0),
        "Not recorded": (1, 0), "All": (1, 2)}


def test_counts_are_for_leaders_managers_and_performance_officers_only(council, sessions):
    leader = report(sessions("leader"))  # teams 1 and 2 by default: the same children as every team here
    assert leader.scope == "Teams teams/1, teams/2"
    assert {k: v[0] for k, v in rows(leader, "children").items()} == {"Known": 5, "Active": 3, "New": 3}
    # A performance officer sees the same counts: nothing here names a child.
    assert counts(report(sessions("perf")), "ethnicity") == counts(report(sessions("manager")), "ethnicity")
    with pytest.raises(ServiceError) as exc:
        report(sessions("worker"))
    assert exc.value.code == "PERMISSION_DENIED"
