"""Equality: who the children we know, work with now and newly meet are, and who cares for them
(SPEC §6; the report's L7638-7676: ethnicity, religion, first language, dietary needs, the
heritage of each birth parent, and carers' and adopters' ethnicity).

Three groups of children, each counted in SQL:
- known: every child with a case (a contact or an episode) begun by the end of the period,
  whose record was not merged into another, held by the report's teams;
- active: those with an episode open at the end of the period;
- new: those whose first contact falls in the period.
"Held by" a team is what access means by it: the team that recorded the child, or one with a
referral for them; a child two teams hold counts in each team's report.

An answer's status is never folded into a value: not known, declined, not applicable and not
recorded (never asked, or marked not yet asked) are rows of their own, so a spread with many
blanks reads as one.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from ics.common.v1 import common_pb2 as cpb
from services.common import reports as r
from services.records import access
from services.records.models import Carer, Contact, Episode, Person, PersonCharacteristic, Placement
from services.records.people import CHARACTERISTICS

HEADINGS = {"ethnicity": "Ethnicity", "religion": "Religion", "first_language": "First language",
            "dietary_needs": "Dietary needs", "disability": "Disability",
            "mother_heritage": "Birth mother's heritage", "father_heritage": "Birth father's heritage"}
# Heritage is recorded with the same codes as ethnicity where a worker chose one.
CODED_AS_ETHNICITY = ("ethnicity", "mother_heritage", "father_heritage")
STATUS_ROWS = ((cpb.ANSWER_STATUS_NOT_KNOWN, "Not known"), (cpb.ANSWER_STATUS_DECLINED, "Declined"),
               (cpb.ANSWER_STATUS_NOT_APPLICABLE, "Not applicable"))
NOT_RECORDED = "Not recorded"
GROUPS = ("known", "active", "new")
# SSDA903 placement types for a child placed for adoption (A3-A6): their carers are adopters
# whatever the register calls them (a foster carer adopting the child they foster).
ADOPTION_PLACEMENTS = ("A3", "A4", "A5", "A6")
ADOPTER = "adopter"
# A children's home is a place, not a person: it has no ethnicity to count.
NOT_PEOPLE = ("childrens_home",)


def _children(ask: r.Ask):
    """The known children as a select of ids: with a case begun by the end of the period, not
    merged away, held by the teams. A child first met after the period was not known in it."""
    has_case = or_(exists(select(Contact.id).where(Contact.person_id == Person.id,
                                                   Contact.received_date <= ask.until).correlate(Person)),
                   exists(select(Episode.id).where(Episode.person_id == Person.id,
                                                   Episode.opened_date <= ask.until).correlate(Person)))
    query = select(Person.id).where(Person.merged_into_id.is_(None), has_case)
    if ask.team_ids is not None:
        query = query.where(access.held_by(ask.team_ids))
    return query


def _groups(ask: r.Ask) -> dict[str, object]:
    known = _children(ask)
    open_at_end = exists(select(Episode.id).where(
        Episode.person_id == Person.id, Episode.opened_date <= ask.until,
        or_(Episode.closed_date.is_(None), Episode.closed_date > ask.until)).correlate(Person))
    first_contacts = (select(Contact.person_id).group_by(Contact.person_id)
                      .having(func.min(Contact.received_date).between(ask.since, ask.until)))
    return {"known": known, "active": known.where(open_at_end), "new": known.where(Person.id.in_(first_contacts))}


def _spread(session: Session, group) -> tuple[int, dict[str, Counter]]:
    """How many children the group holds, and for each characteristic a count by value (for
    answered ones) or by status (for the rest)."""
    ids = group.subquery()
    size = session.scalar(select(func.count()).select_from(ids)) or 0
    counts: dict[str, Counter] = defaultdict(Counter)
    rows = session.execute(
        select(PersonCharacteristic.key, PersonCharacteristic.status, PersonCharacteristic.value, func.count())
        .where(PersonCharacteristic.person_id.in_(select(ids.c.id)))
        .group_by(PersonCharacteristic.key, PersonCharacteristic.status, PersonCharacteristic.value))
    for key, status, value, n in rows:
        counts[key][("value", value) if status == cpb.ANSWER_STATUS_ANSWERED else ("status", status)] += n
    return size, counts


def _labels(library) -> dict[str, str]:
    try:
        question = library.get("referral-and-information-record").question("ethnicity")
    except (KeyError, StopIteration):  # a council without the shipped question: codes, unlabelled
        return {}
    return dict(question.choices)


def _characteristic_table(key: str, sizes: dict[str, int], spreads: dict[str, dict[str, Counter]],
                          labels: dict[str, str]) -> r.Table:
    columns = [r.Column("value", HEADINGS.get(key, key), help="The answer as recorded"),
               r.Column("meaning", "Meaning", help="What a code stands for, where it is one")]
    for group in GROUPS:
        columns += [r.Column(group, f"{group.capitalize()} children", r.COUNT),
                    r.Column(f"{group}_share", f"Share of {group}", r.SHARE)]
    table = r.Table(key, HEADINGS.get(key, key), columns)
    # Active and new children are known children too, so the known spread holds every value.
    values = Counter({value: n for (kind, value), n in spreads["known"].get(key, Counter()).items()
                      if kind == "value"})

    def add(label: str, meaning: str, counts: dict[str, int]) -> None:
        cells: list = [label, meaning]
        for group in GROUPS:
            cells += [counts[group], r.share(counts[group], sizes[group])]
        table.add(*cells)

    coded = key in CODED_AS_ETHNICITY
    for value, _ in sorted(values.items(), key=lambda item: (-item[1], item[0])):
        add(value, labels.get(value, "") if coded else "",
            {g: spreads[g].get(key, Counter())[("value", value)] for g in GROUPS})
    recorded = {g: sum(spreads[g].get(key, Counter())[("value", v)] for v in values) for g in GROUPS}
    for status, label in STATUS_ROWS:
        counts = {g: spreads[g].get(key, Counter())[("status", status)] for g in GROUPS}
        recorded = {g: recorded[g] + counts[g] for g in GROUPS}
        add(label, "", counts)
    add(NOT_RECORDED, "Never asked, or marked not yet asked", {g: sizes[g] - recorded[g] for g in GROUPS})
    add("All children", "", sizes)
    return table


def _carers_table(session: Session, ask: r.Ask, labels: dict[str, str]) -> r.Table:
    """Carers who had a child of the teams' placed with them at any time in the period."""
    held = select(Person.id).where(Person.merged_into_id.is_(None))
    if ask.team_ids is not None:
        held = held.where(access.held_by(ask.team_ids))
    in_period = and_(Placement.start_date <= ask.until,
                     or_(Placement.end_date.is_(None), Placement.end_date >= ask.since),
                     Placement.child_id.in_(held))
    rows = session.execute(
        select(Carer.id, Carer.kind, Carer.characteristics_json, Placement.placement_type)
        .join(Placement, Placement.carer_id == Carer.id).where(in_period, Carer.kind.not_in(NOT_PEOPLE)))
    carers: dict[int, tuple[str, bool]] = {}
    for carer_id, kind, characteristics, placement_type in rows:
        answer = json.loads(characteristics or "{}").get("ethnicity")
        adopter = kind == ADOPTER or placement_type in ADOPTION_PLACEMENTS
        _, was_adopter = carers.get(carer_id, ("", False))
        carers[carer_id] = (_answer_key(answer), was_adopter or adopter)
    counts = {"carers": Counter(), "adopters": Counter()}
    for key, adopter in carers.values():
        counts["adopters" if adopter else "carers"][key] += 1
    sizes = {g: sum(c.values()) for g, c in counts.items()}
    table = r.Table("carers_ethnicity", "Carers' and adopters' ethnicity", [
        r.Column("value", "Ethnicity", help="The answer as recorded"),
        r.Column("meaning", "Meaning", help="What a code stands for"),
        r.Column("carers", "Carers", r.COUNT, "Foster, family and friends, private foster carers and lodgings"),
        r.Column("carers_share", "Share of carers", r.SHARE),
        r.Column("adopters", "Adopters", r.COUNT, "Adopters, and any carer a child was placed with for adoption"),
        r.Column("adopters_share", "Share of adopters", r.SHARE)])
    values = sorted({k[1] for c in counts.values() for k in c if k[0] == "value"},
                    key=lambda v: (-(counts["carers"][("value", v)] + counts["adopters"][("value", v)]), v))
    for key, label, meaning in ([(("value", v), v, labels.get(v, "")) for v in values]
                                + [(("status", s), label, "") for s, label in STATUS_ROWS]
                                + [(("status", None), NOT_RECORDED, "Never asked, or marked not yet asked")]):
        table.add(label, meaning, counts["carers"][key], r.share(counts["carers"][key], sizes["carers"]),
                  counts["adopters"][key], r.share(counts["adopters"][key], sizes["adopters"]))
    table.add("All", "", sizes["carers"], r.share(sizes["carers"], sizes["carers"]),
              sizes["adopters"], r.share(sizes["adopters"], sizes["adopters"]))
    table.notes = [
        "Counts each carer once: those who had a child placed with them at any time in the period (a placement "
        "starting on or before its last day and not ending before its first), whether or not the carer is still "
        "active on the register; with a team chosen, only placements of children that team holds.",
        "Adopters are carers registered as adopters, and any carer a child was placed with for adoption (placement "
        "types A3 to A6) in the period, such as foster carers adopting a child they foster.",
        "Children's homes are left out: a home has no ethnicity.",
    ]
    return table


def _answer_key(answer: dict | None) -> tuple[str, object]:
    if not answer:
        return ("status", None)
    status = answer.get("status") or cpb.ANSWER_STATUS_NOT_YET_ASKED
    if status == cpb.ANSWER_STATUS_ANSWERED and answer.get("value"):
        return ("value", answer["value"])
    if status in dict(STATUS_ROWS):
        return ("status", status)
    return ("status", None)


def build(session: Session, ask: r.Ask, library) -> r.Report:
    groups = _groups(ask)
    sizes, spreads = {}, {}
    for name, query in groups.items():
        sizes[name], spreads[name] = _spread(session, query)
    labels = _labels(library)
    summary = r.Table("children", "Children counted", [
        r.Column("group", "Group"), r.Column("children", "Children", r.COUNT),
        r.Column("meaning", "Who is counted")])
    summary.add("Known", sizes["known"], "Every child with a contact or an episode on or before "
                f"{ask.until.isoformat()}, whose record is not merged into another, held by the teams (recorded by "
                "them, or referred to them).")
    summary.add("Active", sizes["active"], f"Known children with an episode open at the end of {ask.until.isoformat()} "
                "(opened on or before that day and not closed by it).")
    summary.add("New", sizes["new"], f"Known children whose first contact was from {ask.since.isoformat()} to "
                f"{ask.until.isoformat()}.")
    summary.notes = [
        "Known children are everyone the teams held a record for by the end of the period, however long ago they "
        "became known and whether or not their case is open; a child first met after the period is not counted.",
        "Records restricted or sealed (adoption) are counted like any other; no child is named in this report.",
    ]
    tables = [summary]
    for key in CHARACTERISTICS:
        table = _characteristic_table(key, sizes, spreads, labels)
        table.notes = [
            "Each child's answer as it is recorded now, not as it was at the time.",
            "Not known, declined, not applicable and not recorded are rows of their own, never folded into a "
            "value; not recorded is the children with no answer at all (never asked, or marked not yet asked).",
            "Values are counted as typed: the same language written two ways is two rows.",
        ]
        if key in CODED_AS_ETHNICITY:
            table.notes.append("Codes are the census and SSDA903 ethnicity codes; a value the worker chose as REFU "
                               "(refused) or NOBT (not yet obtained) is shown as that code, apart from the statuses.")
        tables.append(table)
    tables.append(_carers_table(session, ask, labels))
    return r.Report("equality", "Equality of known, active and new cases", tables, notes=[
        "Exact counts, nothing suppressed: a small number can point to one family, so take care before sharing "
        "this report outside the council's own managers (publishing usually rounds or hides counts under 5).",
    ])


SPEC = r.Spec("equality", "Equality of known, active and new cases",
              "Ethnicity, religion, first language, dietary needs, disability and each birth parent's heritage of "
              "the children known, active and new in the period, with not known, declined and not recorded apart; "
              "and the ethnicity of carers and adopters with children placed in the period.", build)
