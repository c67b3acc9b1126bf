"""Decisions: how referral decisions, assessment conclusions and s47 outcomes spread across
workers and teams (SPEC §6). The evaluation found one worker who recorded 29 of 29 initial
assessments "in need" and two others who recorded 0 of 36 (L7909): thresholds applied unevenly,
which a supervisor can only see with every worker's figures side by side.

A worker is compared with the rest of their own team, never with the whole authority: teams
take different work (a disabled children's team takes on nearly everything it is sent)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from math import sqrt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common import reports as r
from services.common.dates import as_utc, today_london
from services.records.models import Allocation, Document, Person, Referral
from services.records.reports import counting
from services.records.template_library import ANSWERED_STATUS, TemplateLibrary

MIN_DECISIONS = 10

REFERRAL_DECISIONS = ((pb.REFERRAL_DECISION_NO_FURTHER_ACTION, "nfa", "No further action"),
                      (pb.REFERRAL_DECISION_ADVICE_SIGNPOSTING, "advice", "Advice and signposting"),
                      (pb.REFERRAL_DECISION_ASSESSMENT, "assessment", "Assessment"),
                      (pb.REFERRAL_DECISION_STRATEGY_DISCUSSION, "strategy", "Strategy discussion"))
TAKEN_ON = {pb.REFERRAL_DECISION_ASSESSMENT, pb.REFERRAL_DECISION_STRATEGY_DISCUSSION}

# An assessment's decision question ("decision" in every shipped assessment template): these two
# close the case to social care; every other choice (a plan, a core assessment, a strategy
# discussion, legal planning, a specialist service) means the child was found in need of it.
NOT_IN_NEED = frozenset({"nfa", "early_help"})  # no further action; step down to early help
S47_TEMPLATE, S47_OUTCOME, S47_CONFERENCE, S47_DONE = "outcome-of-s47-enquiries", "outcome", "icpc", "completed_date"

RULE = (f"Flag: a worker with at least {MIN_DECISIONS} counted in the period, in a team whose other "
        f"workers have at least {MIN_DECISIONS} between them, whose share differs from the rest of the "
        "team's by more than twice the standard error of the difference between two shares (a "
        "two-proportion test: a gap that chance alone gives less than about one time in twenty). A worker "
        "with fewer is not flagged: too few to tell. A share of 0% or 100% is flagged only when the rest "
        "of the team differs by that much. A flag is a question for supervision, not a finding that the "
        "worker is wrong.")


@dataclass
class Tally:
    """One worker's (or team's) decisions, counted by kind."""

    name: str = ""
    counts: dict = field(default_factory=lambda: defaultdict(int))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def split(self, counts_towards) -> tuple[int, int]:
        """(how many count towards the share, how many the share is of)."""
        yes = sum(n for key, n in self.counts.items() if counts_towards(key))
        return yes, sum(n for key, n in self.counts.items() if counts_towards(key) is not None)


def spread_flag(part: int, whole: int, rest_part: int, rest_whole: int, what: str) -> str:
    """Why this worker's share stands out from the rest of their team's, or "" when it does not
    (or when there is too little to tell): the rule in RULE."""
    if whole < MIN_DECISIONS or rest_whole < MIN_DECISIONS:
        return ""
    pooled = (part + rest_part) / (whole + rest_whole)
    error = sqrt(pooled * (1 - pooled) * (1 / whole + 1 / rest_whole))
    gap = part / whole - rest_part / rest_whole
    if error == 0 or abs(gap) <= 2 * error:
        return ""
    return (f"{part} of {whole} ({part / whole:.0%}) {what}, against {rest_part} of {rest_whole} "
            f"({rest_part / rest_whole:.0%}) for the rest of the team")


# What each share counts, by a tally's key: True counts towards it, False against it, and None
# (nothing recorded) is left out of the share and of the comparison.
def _taken_on(code: int) -> bool:
    return code in TAKEN_ON


def _in_need(key: str) -> bool | None:
    return None if key == "not_recorded" else key == "in_need"


def _to_conference(key: str) -> bool | None:
    return None if key == "not_recorded" else key == S47_CONFERENCE


def _team(team_id: int) -> str | None:
    return f"teams/{team_id}" if team_id else None  # 0: no team known, shown blank


def _by_team(by_worker: dict[tuple[int, int], Tally]) -> dict[int, Tally]:
    teams: dict[int, Tally] = defaultdict(Tally)
    for (team, _), tally in by_worker.items():
        for key, n in tally.counts.items():
            teams[team].counts[key] += n
    return teams


def _spread_rows(table: r.Table, by_worker: dict[tuple[int, int], Tally], keys: list, counts_towards,
                 what: str) -> None:
    """A row per (team, worker): their counts by key, total, share, and the flag when the share
    stands apart from the rest of the team's."""
    teams = {team: tally.split(counts_towards) for team, tally in _by_team(by_worker).items()}
    for (team, _), tally in sorted(by_worker.items(), key=lambda item: (item[0][0], item[1].name, item[0][1])):
        yes, judged = tally.split(counts_towards)
        team_yes, team_judged = teams[team]
        flag = spread_flag(yes, judged, team_yes - yes, team_judged - judged, what)
        table.add(_team(team), tally.name, *[tally.counts.get(k, 0) for k in keys], tally.total,
                  r.share(yes, judged), flag=flag)


def _team_rows(table: r.Table, by_worker: dict[tuple[int, int], Tally], keys: list, counts_towards) -> None:
    for team, tally in sorted(_by_team(by_worker).items()):
        table.add(_team(team), *[tally.counts.get(k, 0) for k in keys], tally.total,
                  r.share(*tally.split(counts_towards)))


# -- referral decisions --------------------------------------------------------------------------

def _referral_tallies(session: Session, ask: r.Ask) -> dict[tuple[int, int], Tally]:
    query = (select(Referral.team_id, Referral.decided_by_user, Referral.decision, func.count(Referral.id),
                    func.max(Referral.decided_by_name))
             .where(Referral.state == pb.REFERRAL_STATE_DECIDED, Referral.decided_date >= ask.since,
                    Referral.decided_date <= ask.until)
             .group_by(Referral.team_id, Referral.decided_by_user, Referral.decision))
    if ask.team_ids is not None:
        query = query.where(Referral.team_id.in_(ask.team_ids))
    tallies: dict[tuple[int, int], Tally] = defaultdict(Tally)
    for team, user, decision, n, name in session.execute(query):
        tally = tallies[(team, user or 0)]
        tally.name = name or "Not recorded"
        tally.counts[decision] += n
    return tallies


def _referral_tables(session: Session, ask: r.Ask) -> list[r.Table]:
    tallies = _referral_tallies(session, ask)
    keys = [code for code, _, _ in REFERRAL_DECISIONS]
    counts = [r.Column(key, heading, r.COUNT) for _, key, heading in REFERRAL_DECISIONS]
    share = r.Column("taken_on", "Share taken on", r.SHARE,
                     "Assessment or strategy discussion: the referral crossed the threshold for social care work.")
    by_team = r.Table("referral_decisions_by_team", "Referral decisions by team",
                      [r.Column("team", "Team", r.TEAM), *counts, r.Column("total", "Decided", r.COUNT), share],
                      notes=["Referrals decided in the period, by the team that received them."])
    _team_rows(by_team, tallies, keys, _taken_on)
    by_worker = r.Table("referral_decisions_by_worker", "Referral decisions by worker",
                        [r.Column("team", "Team", r.TEAM), r.Column("worker", "Decided by"), *counts,
                         r.Column("total", "Decided", r.COUNT), share],
                        notes=["Referrals decided in the period, by who decided them, within the team that "
                               "received them (a worker deciding for two teams has a row in each).", RULE])
    _spread_rows(by_worker, tallies, keys, _taken_on, "taken on")
    return [by_team, by_worker]


# -- completed assessments and s47 enquiries -------------------------------------------------------

@dataclass
class Finished:
    """A completed piece of work, with what it concluded and when it was done."""

    person_id: int
    team_id: int | None
    author_user: int
    author_name: str
    done: date
    answer: str | None  # the conclusion's value; None when not recorded as an answer


def _answer(answers: dict, question_id: str) -> str | None:
    answer = answers.get(question_id) or {}
    if answer.get("status", ANSWERED_STATUS) != ANSWERED_STATUS or not answer.get("value"):
        return None
    return str(answer["value"])


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _completed(session: Session, library: TemplateLibrary, ask: r.Ask, template_ids: set[str],
               conclusion: str, done_on) -> list[Finished]:
    """Completed documents of these templates done (`done_on`, else the day completed) in the
    period, with the answer to their `conclusion` question and their team (_holding_teams)."""
    if not template_ids:
        return []
    rows = session.execute(
        select(Document.person_id, Document.template_id, Document.template_version, Document.author_user,
               Document.author_name, Document.ended_at, Document.answers_json, Person.team_id)
        .join(Person, Person.id == Document.person_id)
        # Work started after the period cannot have been done in it; anything earlier might have
        # been, so its answers are read (only the conclusion and the date are used).
        .where(Document.state == pb.DOCUMENT_STATE_COMPLETED, Document.template_id.in_(sorted(template_ids)),
               counting.in_force(), Document.start_date <= ask.until)).all()
    found = []
    for person_id, template_id, version, author, author_name, ended_at, answers_json, person_team in rows:
        answers = json.loads(answers_json)
        try:
            template = library.get(template_id, version)
        except KeyError:  # a council template since removed: its answers still say what they say
            template = None
        day = done_on(template, answers) or today_london(as_utc(ended_at))
        if ask.in_period(day):
            found.append(Finished(person_id, person_team, author, author_name, day, _answer(answers, conclusion)))
    _holding_teams(session, found)
    return [f for f in found if ask.covers_team(f.team_id)]


def _holding_teams(session: Session, found: list[Finished]) -> None:
    """Each piece of work's team: the author's own allocation of the child that day, else whoever's
    allocation held the case that day, else the team that recorded the child. A day an allocation
    ends counts as held, because closing a case ends its allocation the same day: an assessment
    concluding no further action would otherwise leave its team for the front door's."""
    ids = sorted({f.person_id for f in found})
    spans = defaultdict(list)
    for start in range(0, len(ids), 500):
        for person_id, worker, team_id, begun, ended in session.execute(
                select(Allocation.person_id, Allocation.worker_user, Allocation.team_id, Allocation.start_date,
                       Allocation.end_date)
                .where(Allocation.person_id.in_(ids[start:start + 500]))
                .order_by(Allocation.start_date, Allocation.id)):
            spans[person_id].append((worker, team_id, begun, ended))
    for f in found:
        held = [(worker, team) for worker, team, begun, ended in spans[f.person_id]
                if begun <= f.done and (ended is None or ended >= f.done)]
        own = [team for worker, team in held if worker == f.author_user]
        if own or held:
            f.team_id = (own or [team for _, team in held])[-1]


def _tally(found: list[Finished], key) -> dict[tuple[int, int], Tally]:
    tallies: dict[tuple[int, int], Tally] = defaultdict(Tally)
    for f in found:
        tally = tallies[(f.team_id or 0, f.author_user)]
        tally.name = f.author_name
        tally.counts[key(f.answer)] += 1
    return tallies


def _assessment_templates(library: TemplateLibrary) -> set[str]:
    return {t.name for t in library.all_versions()
            if t.kind == "assessment" and any(q.id == "decision" for q in t.questions())}


def _authorised(template, answers: dict) -> date | None:
    # As the census and the timeliness clocks read it: the manager's authorisation date, if given.
    if template is None:
        return None
    return _day(template.statutory_answers(answers, "cin").get("AssessmentAuthorisationDate"))


def _assessment_tables(session: Session, ask: r.Ask, library: TemplateLibrary) -> list[r.Table]:
    names = _assessment_templates(library)
    found = _completed(session, library, ask, names, "decision", _authorised)
    keys = ["in_need", "not_in_need", "not_recorded"]
    tallies = _tally(found, lambda value: "not_recorded" if value is None else
                     "not_in_need" if value in NOT_IN_NEED else "in_need")
    counts = [r.Column("in_need", "In need", r.COUNT, "Decided a plan, a further assessment, a strategy "
                       "discussion, legal planning or a specialist service."),
              r.Column("not_in_need", "Not in need", r.COUNT,
                       "Decided no further action or a step down to early help."),
              r.Column("not_recorded", "No decision recorded", r.COUNT)]
    share = r.Column("share_in_need", "Share in need", r.SHARE, "Of those with a decision recorded.")
    titles = sorted({library.get(n).title.split(" (")[0] for n in names})  # one name for every age band
    done = ("Assessments completed in the period (" + ", ".join(titles) + "), on the manager's authorisation date "
            "where recorded, else the day the assessment was completed.")
    meaning = ("An assessment records its conclusion as its decision. In need: a child in need plan, a further "
               "(core) assessment, a strategy discussion, legal planning or a specialist service; not in need: no "
               "further action or a step down to early help.")
    whose = ("Each counts for the team the author held the child's case in that day; else the team of whoever "
             "held it; with nobody allocated, the team that first recorded the child.")
    by_team = r.Table("assessment_outcomes_by_team", "Assessment conclusions by team",
                      [r.Column("team", "Team", r.TEAM), *counts, r.Column("total", "Completed", r.COUNT), share],
                      notes=[done, meaning, whose])
    _team_rows(by_team, tallies, keys, _in_need)
    by_worker = r.Table("assessment_outcomes_by_worker", "Assessment conclusions by worker",
                        [r.Column("team", "Team", r.TEAM), r.Column("worker", "Written by"), *counts,
                         r.Column("total", "Completed", r.COUNT), share],
                        notes=[done, meaning, whose + " The worker is who wrote the assessment.", RULE])
    _spread_rows(by_worker, tallies, keys, _in_need, "concluded in need")
    return [by_team, by_worker]


def _s47_done(template, answers: dict) -> date | None:
    return _day(_answer(answers, S47_DONE))


def _s47_table(session: Session, ask: r.Ask, library: TemplateLibrary) -> list[r.Table]:
    try:
        outcome = library.get(S47_TEMPLATE).question(S47_OUTCOME)
    except (KeyError, StopIteration):
        return []
    found = _completed(session, library, ask, {S47_TEMPLATE}, S47_OUTCOME, _s47_done)
    choices = list(outcome.choices)
    known = {value for value, _ in choices}
    keys = [value for value, _ in choices] + ["not_recorded"]
    tallies = _tally(found, lambda value: value if value in known else "not_recorded")
    table = r.Table("s47_outcomes_by_worker", "Outcomes of s47 enquiries by worker",
                    [r.Column("team", "Team", r.TEAM), r.Column("worker", "Written by"),
                     *[r.Column(value, label, r.COUNT) for value, label in choices],
                     r.Column("not_recorded", "No outcome recorded", r.COUNT),
                     r.Column("total", "Completed", r.COUNT),
                     r.Column("share_conference", "Share to conference", r.SHARE,
                              "Of those with an outcome recorded: went to an initial child protection conference.")],
                    notes=["Outcome of s47 Enquiries records completed in the period, on the date the enquiry was "
                           "completed where recorded, else the day the record was completed; each for the team "
                           "the author held the child's case in that day (as for assessments).", RULE])
    _spread_rows(table, tallies, keys, _to_conference, "went to conference")
    return [table]


def build(session: Session, ask: r.Ask, library: TemplateLibrary) -> r.Report:
    report = r.Report(SPEC.name, SPEC.title)
    report.tables += _referral_tables(session, ask)
    report.tables += _assessment_tables(session, ask, library)
    report.tables += _s47_table(session, ask, library)
    return report


SPEC = r.Spec("decisions", "Decisions by worker and team",
              "How referral decisions, assessment conclusions and s47 outcomes spread across workers and teams, "
              "with workers whose share stands well apart from the rest of their team flagged.", build)
