"""The SSDA903 looked-after children return (England): the eleven CSV tables the DfE collects,
built from the records for every child looked after at any time in the collection year (and the
care leavers whose 17th to 21st birthday falls in it).

The facts ICS keeps as records of their own are read from those records, never from a typed
copy: the Episodes rows come from the looked-after periods, legal statuses and placements through
`care.episode_rows` (the same rows the record shows), the social worker episodes from allocation
history, and the child's identity from the person record. Everything else is a worker's answer
on a completed document, found through the `statutory:` tags of the template version it was
written with (collection.statutory_answers). Nothing is invented: an item nobody recorded is left
blank, and the validator then says so.

Column sets and orders are the validator's own (../shared/docs/returns.md §3.2); dates are
dd/mm/yyyy. Rows are sorted by child and date, so the same records always give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.records import audit, care
from services.records.models import (Allocation, CarePeriod, Carer, Document, LegalStatusSpan, Person, Placement)
from services.records.returns.collection import (ANSWERED, SEX_LETTER, Collection, children_in_returns, ddmmyyyy,
                                                  ethnicity_code, la_child_id, parse_day, statutory_answers,
                                                  templates_feeding, write_private)
from services.records.template_library import TemplateLibrary

TABLES: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
            "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
}
# Deprivation of liberty orders join the return with the 2026-27 collection (the lac2026_27
# ruleset is the first to read the table); earlier collections never had it.
DOLO = ("CHILD", "DOB", "DOLO_START", "DOLO_END")
DOLO_FROM_YEAR = 2027
SORT_BY = {"Episodes": "DECOM", "Reviews": "REVIEW", "PlacedAdoption": "DATE_PLACED", "Missing": "MIS_START",
           "SWEpisodes": "SW_DECOM", "DoLo": "DOLO_START"}
FILES = {"Header": "header.csv", "Episodes": "episodes.csv", "Reviews": "reviews.csv", "UASC": "uasc.csv",
         "OC2": "oc2.csv", "OC3": "oc3.csv", "AD1": "ad1.csv", "PlacedAdoption": "placed_adoption.csv",
         "PrevPerm": "prev_perm.csv", "Missing": "missing.csv", "SWEpisodes": "sw_episodes.csv", "DoLo": "dolo.csv"}

# Until the 2023-24 collection the 903 coded sex as 1 (male) or 2 (female), with no "not known".
OLD_SEX, SEX_LETTERS_FROM_YEAR = {pb.SEX_MALE: "1", pb.SEX_FEMALE: "2"}, 2025
YES_NO = {"yes": "1", "no": "0", "true": "1", "false": "0", "1": "1", "0": "0"}
ADOPTED = ("E11", "E12")
SHORT_BREAKS = ("V3", "V4")  # a series of short breaks: not "looked after" for OC2, mother, reviews
# The first social worker of a period of care is reported as the child's first contact (FCONTA);
# a later change of worker whose reason no supervision record gave (within a week of it) is
# reported as "other", never as a reason nobody gave.
FIRST_CONTACT, UNRECORDED_CHANGE = "FCONTA", "OTHERS"
HANDOVER_DAYS = 7
# The 903 reserves "SW" for Social Work England registration numbers, which ICS does not hold;
# "XX" marks the worker's own ICS number instead (the validator accepts both, 4+ characters).
SW_ID_PREFIX = "XX"
# ICS asks the pathway plan's accommodation as two questions (type, then suitable or not); the
# return writes them as one code, e.g. "B1".
JOINED_ITEMS = ("ACCOM",)
UPN_UNKNOWN, UPN_UNKNOWN_CODES = "UPNunknown", ("UN1", "UN2", "UN3", "UN4", "UN5")  # UN6, UN7: census only
# An item whose question the template hides once the worker has said there is nothing to report
# (no previous permanence order): the return's own code for "none" stands for that answer.
NONE_CODES = {"PREV_PERM": "Z1"}


@dataclass
class Summary:
    children: int
    rows: dict[str, int]
    files: list[Path]

    def line(self) -> str:
        tables = ", ".join(f"{name} {count}" for name, count in self.rows.items())
        return f"{self.children} children; rows: {tables}."


@dataclass
class Period:
    row: CarePeriod
    statuses: list[LegalStatusSpan] = field(default_factory=list)
    placed: list[tuple[Placement, Carer]] = field(default_factory=list)


@dataclass
class ChildFacts:
    person: Person
    periods: list[Period] = field(default_factory=list)
    # (document date, template, answers by SSDA903 item), completed and not superseded, oldest first
    documents: list[tuple[date, str, dict[str, str]]] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)


def _birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February: the birthday is 1 March in other years
        return date(born.year + years, 3, 1)


def _age_on(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _structural_answers(library: TemplateLibrary, document: Document) -> dict[str, str]:
    """What the template's shape says beyond statutory_answers: items the return writes as one
    code but ICS asks as several questions, joined in question order (statutory_answers gives the
    first question's answer alone); and items whose question the worker's answer hid because
    there was nothing to report (NONE_CODES)."""
    try:
        template = library.get(document.template_id, document.template_version)
    except KeyError:
        return {}
    answers = json.loads(document.answers_json)
    given = {k: a.get("value") for k, a in answers.items()
             if isinstance(a, dict) and a.get("status", ANSWERED) == ANSWERED and a.get("value")}
    parts: dict[str, list[str]] = defaultdict(list)
    found: dict[str, str] = {}
    for question in template.questions():
        for ret, item in question.statutory:
            if ret != "ssda903":
                continue
            if item in JOINED_ITEMS and question.id in given:
                parts[item].append(str(given[question.id]))
            gate = question.show_if
            if (item in NONE_CODES and question.id not in given and gate is not None
                    and gate.question in given and not gate.holds(given)):
                found[item] = NONE_CODES[item]
    return found | {item: "".join(values) for item, values in parts.items()}


def _care_leaver(person: Person, periods: list[CarePeriod], collection: Collection) -> bool:
    """A former relevant child with a 17th to 21st birthday in the year: looked after for at
    least 13 weeks since their 14th birthday, some of it after their 16th (Children (Leaving
    Care) Act 2000), and not looked after on that birthday."""
    born = person.date_of_birth
    if born is None:
        return False
    birthdays = [b for n in range(17, 22) if collection.start <= (b := _birthday(born, n)) <= collection.end]
    if not birthdays:
        return False
    fourteen, sixteen = _birthday(born, 14), _birthday(born, 16)
    days_since_14 = sum(max(0, ((p.end_date or collection.end) - max(p.start_date, fourteen)).days) for p in periods)
    after_16 = any((p.end_date or collection.end) > sixteen for p in periods)
    in_care_on_birthday = any(p.start_date <= birthdays[0] and (p.end_date is None or p.end_date > birthdays[0])
                              for p in periods)
    return days_since_14 >= 91 and after_16 and not in_care_on_birthday


def load(session: Session, principal: Principal, library: TemplateLibrary,
         collection: Collection) -> list[ChildFacts]:
    """The children in the return, lowest record number first, with everything it reads."""
    who = children_in_returns(principal)
    periods = session.execute(
        select(CarePeriod, Person).join(Person, Person.id == CarePeriod.child_id)
        .where(who, CarePeriod.start_date <= collection.end)
        .order_by(Person.id, CarePeriod.start_date, CarePeriod.id)).all()
    by_child: dict[int, list[CarePeriod]] = defaultdict(list)
    people: dict[int, Person] = {}
    for period, person in periods:
        by_child[person.id].append(period)
        people[person.id] = person
    children: dict[int, ChildFacts] = {}
    for pid, rows in by_child.items():
        in_year = any(collection.overlaps(p.start_date, p.end_date) for p in rows)
        if in_year or _care_leaver(people[pid], rows, collection):
            children[pid] = ChildFacts(people[pid], [Period(p) for p in rows])
    ids = sorted(children)
    templates = templates_feeding(library, "ssda903")
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        period_of = {p.row.id: p for i in chunk for p in children[i].periods}
        for status in session.scalars(select(LegalStatusSpan).where(LegalStatusSpan.care_period_id.in_(period_of))
                                      .order_by(LegalStatusSpan.start_date, LegalStatusSpan.id)):
            period_of[status.care_period_id].statuses.append(status)
        for placement, carer in session.execute(
                select(Placement, Carer).join(Carer, Carer.id == Placement.carer_id)
                .where(Placement.care_period_id.in_(period_of)).order_by(Placement.start_date, Placement.id)):
            period_of[placement.care_period_id].placed.append((placement, carer))
        documents = list(session.scalars(select(Document).where(
            Document.person_id.in_(chunk), Document.state == pb.DOCUMENT_STATE_COMPLETED,
            Document.template_id.in_(templates)).order_by(Document.start_date, Document.id)))
        replaced = {d.supersedes_id for d in documents if d.supersedes_id}
        for document in documents:
            if document.id in replaced:  # a later version says what is true now
                continue
            structural = _structural_answers(library, document)
            answers = structural | statutory_answers(library, document, "ssda903")
            answers.update({k: v for k, v in structural.items() if k in JOINED_ITEMS})
            # Why a child has no UPN is asked once, for both returns, and tagged for the census.
            unknown = statutory_answers(library, document, "cin").get(UPN_UNKNOWN, "")
            if unknown in UPN_UNKNOWN_CODES:
                answers[UPN_UNKNOWN] = unknown
            if answers:
                children[document.person_id].documents.append((document.start_date, document.template_id, answers))
        for allocation in session.scalars(select(Allocation).where(
                Allocation.person_id.in_(chunk), Allocation.start_date <= collection.end,
                or_(Allocation.end_date.is_(None), Allocation.end_date >= collection.start - timedelta(days=366)))
                .order_by(Allocation.start_date, Allocation.id)):
            children[allocation.person_id].allocations.append(allocation)
    return [children[i] for i in ids]


# ---------------------------------------------------------------------------------------------
# The tables, one child at a time.

class ReturnBuilder:
    def __init__(self, collection: Collection):
        self.c = collection

    def latest(self, facts: ChildFacts, item: str, since: date | None = None) -> str:
        """The most recent answer to `item` recorded by the end of the year (and on or after
        `since`), whichever template asked it."""
        found = ""
        for day, _template, answers in facts.documents:
            if day <= self.c.end and (since is None or day >= since) and answers.get(item):
                found = answers[item]
        return found

    def episodes(self, facts: ChildFacts) -> list[tuple[CarePeriod, care.EpisodeRow]]:
        """The Episodes rows open at some time in the year, as at 31 March: a row still open
        then, or ended later, has no end yet."""
        person, rows = facts.person, []
        for period in facts.periods:
            p = period.row
            for row in care.episode_rows(
                    p.start_date, p.end_date, p.end_reason, p.category_of_need, person.postcode,
                    [care.StatusSpan(s.code, s.start_date, s.end_date) for s in period.statuses],
                    [care.PlacementSpan(c.id, pl.placement_type, pl.provider, c.postcode, c.urn, pl.start_date,
                                        pl.end_date, pl.end_reason) for pl, c in period.placed]):
                begins, ends = date.fromisoformat(row.decom), parse_day(row.dec)
                if begins > self.c.end or (ends is not None and ends < self.c.start):
                    continue
                if ends is not None and ends > self.c.end:
                    row = care.EpisodeRow(**{**row.__dict__, "dec": "", "rec": "", "reason_place_change": ""})
                rows.append((p, row))
        return rows

    def child(self, facts: ChildFacts) -> dict[str, list[list[str]]]:
        c, person = self.c, facts.person
        child, dob = la_child_id(person), ddmmyyyy(person.date_of_birth)
        sex = SEX_LETTER.get(person.sex, "U") if c.year >= SEX_LETTERS_FROM_YEAR else OLD_SEX.get(person.sex, "")
        out: dict[str, list[list[str]]] = defaultdict(list)
        episodes = self.episodes(facts)
        for _period, r in episodes:
            out["Episodes"].append([child, ddmmyyyy(parse_day(r.decom)), r.rne, r.ls, r.cin, r.place, r.place_provider,
                                    ddmmyyyy(parse_day(r.dec)), r.rec, r.reason_place_change, r.home_post, r.pl_post,
                                    r.urn])
        looked_after = [r for _p, r in episodes if r.ls not in SHORT_BREAKS]
        mother = mother_dob = ""
        if person.sex == pb.SEX_FEMALE and looked_after:
            mother = YES_NO.get(self.latest(facts, "MOTHER").lower(), "")
            mother_dob = ddmmyyyy(self.c.by_end(parse_day(self.latest(facts, "MC_DOB")))) if mother == "1" else ""
        out["Header"].append([child, sex, dob, self.ethnicity(facts), self.upn(facts), mother, mother_dob])

        for day, template, answers in facts.documents:
            review = parse_day(answers.get("REVIEW"))
            if review is not None and c.start <= review <= c.end:
                out["Reviews"].append([child, dob, ddmmyyyy(review), answers.get("REVIEW_CODE", "")])
            started = parse_day(answers.get("MIS_START"))
            if answers.get("MISSING") and started is not None and started <= c.end:
                ended = parse_day(answers.get("MIS_END"))
                if ended is None or ended >= c.start:
                    out["Missing"].append([child, dob, answers["MISSING"], ddmmyyyy(started),
                                           ddmmyyyy(self.c.by_end(ended))])
            dolo = parse_day(answers.get("DOLO_START"))
            if dolo is not None and dolo <= c.end:
                dolo_end = parse_day(answers.get("DOLO_END"))
                if dolo_end is None or dolo_end >= c.start:
                    out["DoLo"].append([child, dob, ddmmyyyy(dolo), ddmmyyyy(self.c.by_end(dolo_end))])

        uasc_ceased = parse_day(self.latest(facts, "DUC"))
        if uasc_ceased is not None:
            out["UASC"].append([child, sex, dob, ddmmyyyy(self.c.by_end(uasc_ceased))])
        if self.continuously_looked_after(facts):
            out["OC2"].append([child, dob, *self.oc2(facts)])
        if _care_leaver(person, [p.row for p in facts.periods], c):
            out["OC3"].append([child, dob, self.latest(facts, "IN_TOUCH"), self.latest(facts, "ACTIV"),
                               self.latest(facts, "ACCOM")])
        adopted = [p.row for p in facts.periods if p.row.end_reason in ADOPTED
                   and p.row.end_date is not None and c.start <= p.row.end_date <= c.end]
        if adopted:
            out["AD1"].append([child, dob, ddmmyyyy(parse_day(self.latest(facts, "DATE_INT"))),
                               ddmmyyyy(parse_day(self.latest(facts, "DATE_MATCH"))),
                               YES_NO.get(self.latest(facts, "FOSTER_CARE").lower(), ""),
                               self.latest(facts, "NB_ADOPTR"), self.latest(facts, "SEX_ADOPTR"),
                               self.latest(facts, "LS_ADOPTR")])
        out["PlacedAdoption"].extend([child, dob, *row] for row in self.placed_for_adoption(facts))
        started_in_year = [p.row for p in facts.periods if c.start <= p.row.start_date <= c.end]
        if started_in_year:
            since = started_in_year[-1].start_date
            out["PrevPerm"].append([child, dob, self.latest(facts, "PREV_PERM", since=since),
                                    self.latest(facts, "LA_PERM", since=since),
                                    self.latest(facts, "DATE_PERM", since=since)])
        out["SWEpisodes"].extend([child, dob, *row] for row in self.social_workers(facts))
        return out

    @staticmethod
    def ethnicity(facts: ChildFacts) -> str:
        return ethnicity_code(facts.person, next(
            (a["ETHNIC"] for _d, _t, a in reversed(facts.documents) if a.get("ETHNIC")), ""))

    def upn(self, facts: ChildFacts) -> str:
        return facts.person.upn or self.latest(facts, "UPN") or self.latest(facts, UPN_UNKNOWN)

    def continuously_looked_after(self, facts: ChildFacts) -> bool:
        """Looked after for the whole year to 31 March (OC2), not under a series of short breaks."""
        c = self.c
        for period in facts.periods:
            p = period.row
            if p.start_date <= c.start and (p.end_date is None or p.end_date >= c.end):
                return not any(s.code in SHORT_BREAKS and c.overlaps(s.start_date, s.end_date)
                               for s in period.statuses)
        return False

    def oc2(self, facts: ChildFacts) -> list[str]:
        """The year's health and wellbeing answers, each the latest recorded in the year, for the
        ages the 903 asks them: the SDQ from 4 to 17, convictions 10 and over, health checks under 5."""
        c, born = self.c, facts.person.date_of_birth
        age_end, age_start = _age_on(born, c.end), _age_on(born, c.start)

        def answer(item: str, yes_no: bool = True) -> str:
            value = self.latest(facts, item, since=c.start)
            return YES_NO.get(value.lower(), "") if yes_no else value

        # Asked of everyone 4 or over on 31 March who was not yet 17 when the year began (rules
        # 188, 189 and 197B): those turning 4 or 17 in the year included.
        sdq_age = age_end is not None and age_end >= 4 and age_start is not None and age_start < 17
        score, reason = (answer("SDQ_SCORE", False), answer("SDQ_REASON", False)) if sdq_age else ("", "")
        if score:
            reason = ""  # a reason is for a missing score (197a)
        misuse = answer("SUBSTANCE_MISUSE")
        received = answer("INTERVENTION_RECEIVED") if misuse == "1" else ""
        offered = answer("INTERVENTION_OFFERED") if received == "0" else ""
        return [score, reason,
                answer("CONVICTED") if age_end is not None and age_end >= 10 else "",
                answer("HEALTH_CHECK") if age_end is not None and age_end < 5 else "",
                answer("IMMUNISATIONS"), answer("TEETH_CHECK"), answer("HEALTH_ASSESSMENT"), misuse,
                received, offered]

    def placed_for_adoption(self, facts: ChildFacts) -> list[list[str]]:
        """Each decision that the child should be placed for adoption that stood at some time in
        the year, with its reversal if it was reversed by 31 March."""
        c, decisions = self.c, {}
        for day, _template, answers in facts.documents:
            decided = parse_day(answers.get("DATE_PLACED"))
            if decided is None or decided > c.end or day > c.end:
                continue
            ceased = self.c.by_end(parse_day(answers.get("DATE_PLACED_CEASED")))
            decisions[decided] = (ceased, answers.get("REASON_PLACED_CEASED", "") if ceased else "")
        return [[ddmmyyyy(decided), ddmmyyyy(ceased), reason] for decided, (ceased, reason) in sorted(decisions.items())
                if ceased is None or ceased >= c.start]

    def social_workers(self, facts: ChildFacts) -> list[list[str]]:
        """The child's social workers while looked after, from allocation history, over the 903's
        social worker reporting period (the year before the collection to 31 March). An episode
        begins when the child came into care or when the worker changed, and ends only when the
        worker changed (or the child left one period of care and came back in a later one): the
        end of being looked after is the Episodes table's to report, so the last episode stays
        open. A reason for a change comes from the supervision record made when it happened."""
        c, rows = self.c, []
        reasons = [(day, answers["SW_REASON"]) for day, _t, answers in facts.documents if answers.get("SW_REASON")]
        window_start = c.start - timedelta(days=365)
        periods = [p.row for p in facts.periods
                   if p.row.start_date <= c.end and (p.row.end_date is None or p.row.end_date >= window_start)]
        for number, period in enumerate(periods):
            last_period = number == len(periods) - 1
            period_end = period.end_date if period.end_date is not None and period.end_date <= c.end else None
            held = [a for a in facts.allocations if a.start_date <= (period_end or c.end)
                    and (a.end_date is None or a.end_date > period.start_date)]
            for index, allocation in enumerate(held):
                begins = max(allocation.start_date, period.start_date)
                changed = allocation.end_date if allocation.end_date is not None and allocation.end_date <= c.end \
                    and (period_end is None or allocation.end_date < period_end) else None
                if index == len(held) - 1:
                    changed = None if last_period else period_end
                if index == 0:
                    reason = FIRST_CONTACT
                else:
                    reason = next((r for day, r in reasons if abs((day - begins).days) <= HANDOVER_DAYS),
                                  UNRECORDED_CHANGE)
                rows.append([f"{SW_ID_PREFIX}{allocation.worker_user:04d}", ddmmyyyy(begins), ddmmyyyy(changed),
                             reason])
        return rows


def _write(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_private(path, buffer.getvalue().encode("utf-8"))


def tables_for(collection: Collection) -> dict[str, tuple[str, ...]]:
    return TABLES | ({"DoLo": DOLO} if collection.year >= DOLO_FROM_YEAR else {})


def build(children: list[ChildFacts], collection: Collection) -> dict[str, list[list[str]]]:
    builder = ReturnBuilder(collection)
    tables: dict[str, list[list[str]]] = {name: [] for name in tables_for(collection)}
    for facts in children:
        for name, rows in builder.child(facts).items():
            if name in tables:
                tables[name].extend(rows)
    for name, rows in tables.items():
        # By child, then by the table's own date (as a date, not as dd/mm/yyyy text), then the
        # whole row: the same records always give the same bytes.
        at = tables_for(collection)[name].index(SORT_BY[name]) if name in SORT_BY else None
        rows.sort(key=lambda r: (r[0], (parse_day(r[at]) or date.min) if at is not None else date.min, r))
    return tables


def export_903(session: Session, principal: Principal, library: TemplateLibrary, collection: Collection,
               out_dir: Path) -> Summary:
    """Writes the return's tables into `out_dir` (made 0700 if new), one CSV each, and audits
    which children it included."""
    children = load(session, principal, library, collection)
    tables = build(children, collection)
    out_dir = Path(out_dir)
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    columns = tables_for(collection)
    for name, rows in tables.items():
        path = out_dir / FILES[name]
        _write(path, columns[name], rows)
        written.append(path)
    ids = [facts.person.id for facts in children]
    counts = {name: len(rows) for name, rows in tables.items()}
    audit.record(session, principal, "export", f"returns/ssda903/{collection.year}", ids,
                 detail=f"SSDA903 {collection.label}: {len(ids)} children; "
                        + ", ".join(f"{n} {k}" for n, k in counts.items()))
    return Summary(children=len(ids), rows=counts, files=written)
