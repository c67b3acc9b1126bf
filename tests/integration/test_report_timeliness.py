"""Timeliness and work with no end (the alerts service's reports), against clocks whose outcomes
are set by hand, so every figure below is worked out in the test. Both engines."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from ics.alerts.v1 import alerts_pb2 as apb
from ics.common.v1 import reports_pb2 as rpb
from services.alerts.models import AlertsAuditEntry, Clock, ClockChange, PersonSeen
from services.common.dates import today_london
from services.common.db import Database
from tui.core import reports
from tui.core.errors import ServiceError

TODAY = today_london()
OPEN, MET, MISSED, STOPPED = apb.CLOCK_STATE_OPEN, apb.CLOCK_STATE_MET, apb.CLOCK_STATE_MISSED, apb.CLOCK_STATE_STOPPED
DECISION = "Referral decision due"
ASSESSMENT = "Initial assessment due"


def _clock(n, rule, title, team, assignee, start_days_ago, due_in_days, state, version=3):
    start = TODAY - timedelta(days=start_days_ago)
    return Clock(id=1000 + n, rule_set="england-current", rule_set_version=version, rule=rule, title=title,
                 subject=f"referrals/{1000 + n}", person=f"people/{500 + n}", person_display_name=f"Child {n}",
                 team=team, assignee=assignee, start_date=start, due_date=TODAY + timedelta(days=due_in_days),
                 state=state, ended_date=None if state == OPEN else start + timedelta(days=1),
                 calendar="england", started_by_event=n, created_at=datetime.now(timezone.utc))


@pytest.fixture(scope="module")
def clocks(stack):
    """Team 1 (Duty and Assessment), referral decisions under england-current v3:
    worker users/2: met, met, missed; worker users/5: open and late (extended once), open in time,
    stopped. Team 3: one met. One more met in team 1 started before the period (left out), and one
    missed initial assessment counted under v2 of the rule set."""
    rows = [
        _clock(1, "referral_decision", DECISION, "teams/1", "users/2", 30, -29, MET),
        _clock(2, "referral_decision", DECISION, "teams/1", "users/2", 30, -29, MET),
        _clock(3, "referral_decision", DECISION, "teams/1", "users/2", 30, -29, MISSED),
        _clock(4, "referral_decision", DECISION, "teams/1", "users/5", 20, -5, OPEN),
        _clock(5, "referral_decision", DECISION, "teams/1", "users/5", 2, 5, OPEN),
        _clock(6, "referral_decision", DECISION, "teams/1", "users/5", 20, -19, STOPPED),
        _clock(7, "referral_decision", DECISION, "teams/3", "users/6", 30, -29, MET),
        _clock(8, "referral_decision", DECISION, "teams/1", "users/2", 400, -399, MET),
        _clock(9, "initial_assessment", ASSESSMENT, "teams/1", "", 40, -20, MISSED, version=2),
        # An adopted child's record, sealed: its late work is counted but the child never named.
        _clock(10, "core_assessment", "Core assessment due", "teams/1", "users/5", 60, -30, OPEN),
    ]
    db = Database(stack.config["alerts"].database_url)

    def seed(s):
        s.add_all(rows)
        s.add(PersonSeen(person="people/510", display_name="Child 10", team="teams/1", worker="users/5",
                         access_level="sealed"))
        s.flush()
        s.add(ClockChange(clock_id=1004, kind="extend", reason="Family away; visit booked for their return",
                          old_due_date=TODAY - timedelta(days=10), new_due_date=TODAY - timedelta(days=5),
                          by_user="users/3", by_name="Lee Leader", at=datetime.now(timezone.utc)))
    db.write_sync(seed)
    yield db
    db.dispose()


def _table(report: rpb.Report, key: str) -> dict[tuple, dict]:
    """A table's rows keyed by their text cells, each row as {column key: value}."""
    return {tuple(row[k] for k in ("rule_set", "rule", "team", "worker") if k in row): row
            for row in reports.table_rows(reports.find_table(report, key))}


def _counts(row):
    return (row["met"], row["missed"], row["open_late"], row["open_in_time"], row["stopped"], row["extended"])


def test_timeliness_counts_open_work_instead_of_dropping_it(clocks, sessions):
    report = reports.fetch(sessions("manager"), "timeliness", (TODAY - timedelta(days=100)).isoformat())
    by_rule = _table(report, "by_rule")
    decisions = by_rule[("england-current v3", DECISION)]
    # Six in team 1 and one in team 3 started in the period: met 3, missed 1, open late 1,
    # open in time 1, stopped 1; the one started 400 days ago is outside the period.
    assert _counts(decisions) == (3, 1, 1, 1, 1, 1)
    assert decisions["share_met"] == pytest.approx(3 / 5)  # met / (met + missed + open late)
    assert decisions["share_at_best"] == pytest.approx(4 / 6)  # (met + in time) / (those + in time)
    # An earlier rule set's clocks are counted under it, not mixed in.
    assessments = by_rule[("england-current v2", ASSESSMENT)]
    assert _counts(assessments) == (0, 1, 0, 0, 0, 0)
    assert assessments["share_met"] == 0.0

    by_worker = _table(report, "by_team_and_worker")
    assert _counts(by_worker[("england-current v3", DECISION, "teams/1", "(whole team)")]) == (2, 1, 1, 1, 1, 1)
    assert _counts(by_worker[("england-current v3", DECISION, "teams/1", "users/2")]) == (2, 1, 0, 0, 0, 0)
    five = by_worker[("england-current v3", DECISION, "teams/1", "users/5")]
    assert _counts(five) == (0, 0, 1, 1, 1, 1)
    assert five["share_met"] == 0.0 and five["share_at_best"] == pytest.approx(1 / 2)
    # 2 met of 4 judged in team 1: more than a quarter not met.
    assert by_worker[("england-current v3", DECISION, "teams/1", "(whole team)")]["flag"]
    assert by_worker[("england-current v2", ASSESSMENT, "teams/1", "(no worker yet)")]["missed"] == 1

    extensions = next(t for t in report.tables if t.key == "extensions")
    assert [c.text for c in extensions.rows[0].cells][-1] == "Family away; visit booked for their return"


def test_a_team_leader_sees_their_teams_and_a_performance_officer_counts_only(clocks, sessions):
    since = (TODAY - timedelta(days=100)).isoformat()
    leader = reports.fetch(sessions("leader"), "timeliness", since)
    assert _counts(_table(leader, "by_rule")[("england-current v3", DECISION)]) == (2, 1, 1, 1, 1, 1)
    assert not any(key[2] == "teams/3" for key in _table(leader, "by_team_and_worker"))
    with pytest.raises(ServiceError) as refused:
        reports.fetch(sessions("leader"), "timeliness", since, team="teams/3")
    assert refused.value.code == "PERMISSION_DENIED"

    perf = reports.fetch(sessions("perf"), "work_with_no_end")
    assert [t.key for t in perf.tables] == ["by_clock_and_team"]
    assert any("counts, not case details" in note for note in perf.notes)
    assert not any("Child 4" in line for line in reports.report_lines(perf, reports.Names({}, {})))

    with pytest.raises(ServiceError) as worker_refused:
        reports.fetch(sessions("worker"), "timeliness")
    assert worker_refused.value.code in ("INVALID_ARGUMENT", "PERMISSION_DENIED")
    assert sessions("worker").list_reports("alerts") == []


def test_work_with_no_end_lists_open_work_past_its_clock(clocks, sessions):
    report = reports.fetch(sessions("manager"), "work_with_no_end")
    summary = _table(report, "by_clock_and_team")
    # Open and past their due dates: clock 4 (5 days ago: 3 to 5 working days late) and the sealed
    # record's clock 10 (30 days ago: 20 to 22 working days late).
    assert sorted(summary) == [("Core assessment due", "teams/1"), (DECISION, "teams/1")]
    assert summary[(DECISION, "teams/1")]["total"] == 1
    assert summary[(DECISION, "teams/1")]["late_up_to_20"] == 1
    assert summary[("Core assessment due", "teams/1")]["total"] == 1
    listing = reports.table_rows(reports.find_table(report, "work"))
    assert reports.find_table(report, "work").case_details
    # Oldest due first: the sealed record's, shown without its name or number.
    assert [(row["clock"], row["child"], row["person"]) for row in listing] == [
        ("clocks/1010", "(a sealed record)", ""), ("clocks/1004", "Child 4", "people/504")]
    assert 3 <= listing[1]["late"] <= 5

    seen = clocks.read_sync(lambda s: s.scalars(select(AlertsAuditEntry).where(
        AlertsAuditEntry.action == "report", AlertsAuditEntry.actor_username == "manager")).all())
    # The audit names the children shown by name: the sealed record was not.
    assert any(entry.detail.endswith("naming 1 children: people/504") for entry in seen)


def test_bad_periods_and_names_are_refused_plainly(clocks, sessions):
    manager = sessions("manager")
    with pytest.raises(ServiceError) as backwards:
        reports.fetch(manager, "timeliness", "2026-05-01", "2026-04-01")
    assert backwards.value.code == "INVALID_ARGUMENT" and "after it ends" in backwards.value.message
    with pytest.raises(ServiceError) as bad_date:
        reports.fetch(manager, "timeliness", "31/02/2026")
    assert bad_date.value.code == "INVALID_ARGUMENT"
    with pytest.raises(ServiceError) as unknown:
        reports.fetch(manager, "no_such_report")
    assert "timeliness" in unknown.value.message


def test_csv_files_hold_every_table_and_are_private(clocks, sessions, tmp_path):
    manager = sessions("manager")
    report = reports.fetch(manager, "timeliness", (TODAY - timedelta(days=100)).isoformat())
    written = reports.write_csv_files(report, reports.Names.of(manager), tmp_path)
    assert sorted(p.name for p in written) == sorted(f"timeliness-{t.key}.csv" for t in report.tables)
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in written)
    text = (tmp_path / "timeliness-by_team_and_worker.csv").read_text()
    assert text.splitlines()[0].startswith("rule_set,rule,team,worker,met,missed,open_late")
    # Names, not ids, for the reader of the spreadsheet; shares as fractions.
    assert "Duty and Assessment" in text and "0.6667" in text


def admin_report(stack, tmp_path, *args: str, password: str = "demo"):
    from tests.helpers import run_admin

    return run_admin(stack, tmp_path / "console", "report", *args, password=password)


def test_ics_admin_report_writes_csv_as_the_named_user(clocks, stack, tmp_path):
    since = (TODAY - timedelta(days=100)).isoformat()
    done = admin_report(stack, tmp_path, "timeliness", "--user", "leader", "--from", since)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("rule_set,rule,met,missed,open_late,open_in_time,stopped,extended,share_met")
    # The leader's teams: team 1's six decisions only (2 met of 4 judged).
    assert "england-current v3,Referral decision due,2,1,1,1,1,1,0.5000,0.6000,more than a quarter not met" in lines
    assert "Other tables: by_team_and_worker" in done.stderr

    out = tmp_path / "csv"
    done = admin_report(stack, tmp_path, "work_with_no_end", "--user", "perf", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["work_with_no_end-by_clock_and_team.csv"]
    assert "counts, not case details" in done.stdout

    listed = admin_report(stack, tmp_path, "list", "--user", "manager")
    assert listed.returncode == 0 and "timeliness: Timeliness against statutory timescales." in listed.stdout

    refused = admin_report(stack, tmp_path, "timeliness", "--user", "leader", "--to", "2026-13-01")
    assert refused.returncode == 1 and refused.stderr.startswith("Error: ") and "Traceback" not in refused.stderr
    wrong = admin_report(stack, tmp_path, "timeliness", "--user", "leader", password="not the password")
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr



# Last: it records a new referral, which starts clocks the tests above would count.
def test_alerts_learns_which_records_are_restricted_from_the_event_stream(clocks, sessions):
    from ics.records.v1 import records_pb2 as pb
    from tests.helpers import call, referred_child, wait_for

    manager = sessions("manager")
    child = referred_child(sessions("duty"), "Sealy").person
    current = call(manager, "GetPerson", pb.GetPersonRequest(name=child.name))
    call(manager, "SetRecordAccess", pb.SetRecordAccessRequest(person=child.name, access_level=pb.ACCESS_LEVEL_RESTRICTED,
                                                               reason="A staff member's own child", etag=current.etag))
    level = wait_for(lambda: clocks.read_sync(lambda s: s.scalar(select(PersonSeen.access_level).where(
        PersonSeen.person == child.name))) == "restricted" or None, what="alerts to learn the record is restricted")
    assert level
