"""Demand: what arrives at the front door, when and from where, how often the same children come
back, and who holds the work now (SPEC §6). The evaluation asked for "the rate of 'bombardment' at
different times and in different areas" and "the number ... of children who were referred on
numerous occasions" (L2593): in Authority A 44% of children had one contact in six months and a
quarter had between five and 44 (L7897).

Counts only: no table names a child."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from services.common import reports as r
from services.records.models import Allocation, Contact, Episode, Person, Referral
from services.records.template_library import TemplateLibrary

# Bands of contacts per child, chosen so the evaluation's figures line up: 1 (44% there),
# up to 4 (74%: the first three bands together) and 5 to 44 (a quarter).
BANDS = ((1, 1, "1"), (2, 2, "2"), (3, 4, "3 to 4"), (5, 44, "5 to 44"), (45, None, "45 or more"))
NOT_RECORDED = "Not recorded"


def district(postcode: str) -> str:
    """The postcode district (outward code: "TW9" of "TW9 1AA"); the inward code is always three
    characters, so a postcode typed without its space still splits."""
    code = "".join(postcode.split()).upper()
    if not code:
        return NOT_RECORDED
    return code[:-3] if len(code) >= 5 else code


def _district_order(area: str) -> tuple:
    """TW1, TW2 ... TW10, as a reader expects, with "Not recorded" last."""
    letters, digits, rest = re.fullmatch(r"([A-Z]*)(\d*)(.*)", area).groups()
    return (area == NOT_RECORDED, letters, int(digits) if digits else -1, rest)


def _months(since: date, until: date) -> list[date]:
    months, month = [], since.replace(day=1)
    while month <= until:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _in_teams(query, column, ask: r.Ask):
    return query if ask.team_ids is None else query.where(column.in_(ask.team_ids))


def _received_in_period(model, ask: r.Ask):
    return model.received_date >= ask.since, model.received_date <= ask.until


def _by_month(session: Session, ask: r.Ask) -> list[r.Table]:
    counts: dict[tuple[date, int], list[int]] = defaultdict(lambda: [0, 0])
    for index, model in enumerate((Contact, Referral)):
        query = _in_teams(select(model.received_date, model.team_id, func.count(model.id))
                          .where(*_received_in_period(model, ask))
                          .group_by(model.received_date, model.team_id), model.team_id, ask)
        for day, team, n in session.execute(query):
            counts[(day.replace(day=1), team)][index] += n
    months = _months(ask.since, ask.until)
    total = r.Table("demand_by_month", "Contacts and referrals by month",
                    [r.Column("month", "Month"), r.Column("contacts", "Contacts", r.COUNT),
                     r.Column("referrals", "Referrals", r.COUNT)],
                    notes=["By the date each was received. The first and last months count only the days "
                           "inside the period."])
    for month in months:
        here = [n for (m, _), n in counts.items() if m == month]
        total.add(f"{month:%B %Y}", sum(n[0] for n in here), sum(n[1] for n in here))
    teams = sorted({team for _, team in counts})
    per_team = r.Table("demand_by_month_and_team", "Contacts and referrals by month and team",
                       [r.Column("month", "Month"), r.Column("team", "Team", r.TEAM),
                        r.Column("contacts", "Contacts", r.COUNT), r.Column("referrals", "Referrals", r.COUNT)],
                       notes=["Each team that received any in the period has a row for every month; "
                              "by the team that received them."])
    for month in months:
        for team in teams:
            contacts, referrals = counts.get((month, team), (0, 0))
            per_team.add(f"{month:%B %Y}", f"teams/{team}", contacts, referrals)
    return [total, per_team]


def _by_area(session: Session, ask: r.Ask) -> r.Table:
    contacts, referrals, children = defaultdict(int), defaultdict(int), defaultdict(set)
    for model, counted in ((Contact, contacts), (Referral, referrals)):
        query = _in_teams(select(model.person_id, Person.postcode, func.count(model.id))
                          .join(Person, Person.id == model.person_id)
                          .where(*_received_in_period(model, ask))
                          .group_by(model.person_id, Person.postcode), model.team_id, ask)
        for person_id, postcode, n in session.execute(query):
            area = district(postcode or "")
            counted[area] += n
            children[area].add(person_id)
    table = r.Table("demand_by_area", "Contacts and referrals by area",
                    [r.Column("district", "Postcode district"), r.Column("contacts", "Contacts", r.COUNT),
                     r.Column("referrals", "Referrals", r.COUNT),
                     r.Column("children", "Children", r.COUNT, "Different children with a contact or referral.")],
                    notes=["Received in the period, by the postcode district (the first half of the postcode) "
                           "of the child's address as recorded now. \"Not recorded\": no postcode on the record."])
    for area in sorted(children, key=_district_order):
        table.add(area, contacts[area], referrals[area], len(children[area]))
    return table


def _repeat_contacts(session: Session, ask: r.Ask) -> r.Table:
    recent = _in_teams(select(Contact.person_id).where(*_received_in_period(Contact, ask)), Contact.team_id, ask)
    query = _in_teams(select(Contact.person_id, func.count(Contact.id))
                      .where(Contact.received_date <= ask.until, Contact.person_id.in_(recent))
                      .group_by(Contact.person_id), Contact.team_id, ask)
    per_band = defaultdict(int)
    for _, n in session.execute(query):
        label = next(label for low, high, label in BANDS if n >= low and (high is None or n <= high))
        per_band[label] += 1
    children = sum(per_band.values())
    table = r.Table("repeat_contacts", "Contacts per child",
                    [r.Column("band", "Contacts so far"), r.Column("children", "Children", r.COUNT),
                     r.Column("share", "Share", r.SHARE)],
                    notes=["Children with a contact in the period, by how many contacts they have had in all up to "
                           "the period's end (earlier years too).",
                           "To compare with the evaluation's Authority A (L7897): 44% had one contact, 74% four or "
                           "fewer (the first three rows together) and a quarter between five and 44. It counted "
                           "six months only, so over a longer history more children fall in the later rows."])
    for _, _, label in BANDS:
        table.add(label, per_band[label], r.share(per_band[label], children))
    if ask.team_ids is not None:
        table.notes.append("Only the chosen teams' contacts are counted, earlier ones too.")
    return table


def _re_referrals(session: Session, ask: r.Ask) -> r.Table:
    query = _in_teams(select(Referral.team_id, func.count(Referral.id),
                             func.sum(case((Referral.re_referral, 1), else_=0)),
                             func.sum(case((Referral.previous_referral_id.is_not(None), 1), else_=0)))
                      .where(*_received_in_period(Referral, ask)).group_by(Referral.team_id), Referral.team_id, ask)
    table = r.Table("re_referrals", "Re-referrals",
                    [r.Column("team", "Team", r.TEAM), r.Column("referrals", "Referrals", r.COUNT),
                     r.Column("re_referrals", "Re-referrals", r.COUNT,
                              "Within 12 months of the child's previous referral."),
                     r.Column("share", "Share re-referred", r.SHARE),
                     r.Column("earlier", "With any earlier referral", r.COUNT)],
                    notes=["Referrals received in the period, by the team that received them. A re-referral comes "
                           "within 12 months of the child's previous referral (the census's measure)."])
    totals = [0, 0]
    for team, n, again, earlier in sorted(session.execute(query)):
        table.add(f"teams/{team}", n, again or 0, r.share(again or 0, n), earlier or 0)
        totals = [totals[0] + n, totals[1] + (again or 0)]
    share = r.share(totals[1], totals[0])
    table.notes.append(f"All the teams counted: {totals[1]} re-referrals of {totals[0]} referrals"
                       + (f" ({share:.0%})." if share is not None else "."))
    return table


def _open_on(model, day: date):
    return model.start_date <= day, or_(model.end_date.is_(None), model.end_date > day)


def _caseloads(session: Session, ask: r.Ask) -> list[r.Table]:
    held = _in_teams(select(Allocation.team_id, Allocation.worker_user, func.max(Allocation.worker_name),
                            func.count(func.distinct(Allocation.person_id)))
                     .where(*_open_on(Allocation, ask.until))
                     .group_by(Allocation.team_id, Allocation.worker_user), Allocation.team_id, ask)
    rows = session.execute(held).all()
    per_worker = r.Table("caseloads_by_worker", "Caseloads by worker",
                         [r.Column("team", "Team", r.TEAM), r.Column("worker", "Worker"),
                          r.Column("children", "Children allocated", r.COUNT)],
                         notes=[f"Cases allocated on {ask.until.isoformat()}, the period's last day."])
    for team, _, name, n in sorted(rows, key=lambda row: (row[0], row[2], row[1])):
        per_worker.add(f"teams/{team}", name, n)
    allocated = _in_teams(select(Allocation.team_id, func.count(func.distinct(Allocation.person_id)))
                          .where(*_open_on(Allocation, ask.until)).group_by(Allocation.team_id),
                          Allocation.team_id, ask)
    children = dict(session.execute(allocated).all())
    workers = defaultdict(int)
    for team, *_ in rows:
        workers[team] += 1
    waiting = _unallocated(session, ask)
    per_team = r.Table("caseloads_by_team", "Caseloads by team",
                       [r.Column("team", "Team", r.TEAM), r.Column("children", "Children allocated", r.COUNT),
                        r.Column("workers", "Workers holding cases", r.COUNT),
                        r.Column("unallocated", "Open cases with no worker", r.COUNT,
                                 "A case open that day that nobody was allocated to.")],
                       notes=[f"On {ask.until.isoformat()}, the period's last day. A case with no worker counts for "
                              "the team of its latest referral, or else the team that first recorded the child."])
    for team in sorted(set(children) | set(waiting)):
        per_team.add(f"teams/{team}", children.get(team, 0), workers.get(team, 0), waiting.get(team, 0))
    return [per_worker, per_team]


def _unallocated(session: Session, ask: r.Ask) -> dict[int, int]:
    """Children whose case (episode) was open on the last day with nobody allocated, by team."""
    day = ask.until
    allocated = select(Allocation.person_id).where(*_open_on(Allocation, day))
    open_cases = (select(Episode.id, Episode.person_id, Person.team_id).join(Person, Person.id == Episode.person_id)
                  .where(Episode.opened_date <= day, or_(Episode.closed_date.is_(None), Episode.closed_date > day),
                         Episode.person_id.not_in(allocated)))
    cases = session.execute(open_cases).all()
    latest: dict[int, tuple[date, int, int]] = {}
    episode_ids = [episode_id for episode_id, _, _ in cases]
    for start in range(0, len(episode_ids), 500):
        for episode_id, received, referral_id, team in session.execute(
                select(Referral.episode_id, Referral.received_date, Referral.id, Referral.team_id)
                .where(Referral.episode_id.in_(episode_ids[start:start + 500]), Referral.received_date <= day)):
            if episode_id not in latest or (received, referral_id) > latest[episode_id][:2]:
                latest[episode_id] = (received, referral_id, team)
    waiting: dict[int, set[int]] = defaultdict(set)
    for episode_id, person_id, person_team in cases:
        team = latest[episode_id][2] if episode_id in latest else person_team
        if team is not None and ask.covers_team(team):
            waiting[team].add(person_id)
    return {team: len(people) for team, people in waiting.items()}


def build(session: Session, ask: r.Ask, library: TemplateLibrary) -> r.Report:
    report = r.Report(SPEC.name, SPEC.title)
    report.tables += _by_month(session, ask)
    report.tables.append(_by_area(session, ask))
    report.tables.append(_repeat_contacts(session, ask))
    report.tables.append(_re_referrals(session, ask))
    report.tables += _caseloads(session, ask)
    return report


SPEC = r.Spec("demand", "Demand and caseloads",
              "Contacts and referrals by month, team and area; how many contacts each child has had; "
              "re-referrals; and caseloads by worker and team at the period's end.", build)
