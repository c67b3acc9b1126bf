"""Recording quality (SPEC §6): how completely questions are answered, with a blank told apart from
"not known", "not applicable" and "declined" (evaluation report L2129 flags fields under 90%
complete as weak for statistics and under 10% as unusable); how many final documents carry a
signature beyond their author's; how many assessments and reviews hold the child's own words; and
the duplicates the service refused or merged.

Documents counted are completed ones whose start date falls in the period, of children whose
record a team in the ask holds (people.team_id). Every table holds counts only, no child's name.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.dates import LONDON
from services.common.reports import COUNT, SHARE, TEAM, Ask, Column, Report, Spec, Table, share
from services.records.reports import counting
from services.records.models import (Contact, Document, DocumentSignature, DuplicateRefusal, Person,
                                     PersonCharacteristic, PersonMerge)
from services.records.people import CHARACTERISTICS
from services.records.template_library import Template, TemplateLibrary

ANSWERED, NOT_KNOWN, NOT_APPLICABLE, DECLINED = 1, 2, 3, 4  # common.v1.AnswerStatus
WEAK, UNUSABLE = 0.9, 0.1  # evaluation report L2129
WEAK_FLAG = "weak for statistics (under 90%)"
UNUSABLE_FLAG = "unusable for statistics (under 10%)"
CHILDS_DETAILS = "Child's details"
FAMILY_ROLES = ("parent", "young_person")
WORDS_KINDS = ("assessment", "review")
HOW = ("direct", "via_parent", "worker_interpretation")


def _flag(usable: float | None) -> str:
    if usable is None:
        return ""
    return UNUSABLE_FLAG if usable < UNUSABLE else WEAK_FLAG if usable < WEAK else ""


def _instants(ask: Ask) -> tuple[datetime, datetime]:
    """The period's first and last London days as UTC instants [start, end)."""
    def midnight(day):
        return datetime.combine(day, time.min, LONDON).astimezone(timezone.utc)
    return midnight(ask.since), midnight(ask.until + timedelta(days=1))


def _held(query, ask: Ask):
    teams = counting.held(ask)
    return query if teams is None else query.where(teams)


def _completed(session: Session, ask: Ask, library: TemplateLibrary):
    """(id, template, answers) of every completed document counted. Past returns imported by
    `ics admin import` (kind "migration") were not recorded here, so they are left out."""
    query = _held(select(Document.id, Document.template_id, Document.template_version, Document.answers_json)
                  .join(Person, Person.id == Document.person_id)
                  .where(Document.state == pb.DOCUMENT_STATE_COMPLETED, counting.worked(library),
                         Document.start_date >= ask.since, Document.start_date <= ask.until), ask)
    missing = set()
    for row in session.execute(query.order_by(Document.id)):
        try:
            template = library.get(row.template_id, row.template_version)
        except KeyError:
            missing.add(f"{row.template_id} version {row.template_version}")
            continue
        if template.kind != "migration":
            yield row.id, template, json.loads(row.answers_json)
    if missing:
        yield None, None, sorted(missing)


# ---- by question ----

_COLUMNS = [
    Column("template", "Template"),
    Column("question", "Question"),
    Column("documents", "Counted", COUNT, "Completed documents (or, for the child's details, children) counted"),
    Column("hidden", "Not applicable by pathway", COUNT,
           "The pathway did not show the question (for example a follow-up to a 'no'); left out of both shares"),
    Column("answered", "Answered", COUNT),
    Column("not_known", "Not known", COUNT),
    Column("not_applicable", "Not applicable", COUNT, "Recorded by the worker as not applicable"),
    Column("declined", "Declined", COUNT),
    Column("blank", "Blank", COUNT, "Shown but nothing recorded, or marked not yet asked"),
    Column("recorded", "Share recorded", SHARE, "Answered, not known, not applicable or declined, of those shown"),
    Column("usable", "Share usable", SHARE,
           "Answered, of those shown that apply (shown minus not applicable): a value statistics can use"),
]


def _tally_row(table: Table, template: str, question: str, documents: int, hidden: int, counts: list[int]) -> None:
    answered, not_known, not_applicable, declined, blank = counts
    shown = documents - hidden
    usable = share(answered, shown - not_applicable)
    table.add(template, question, documents, hidden, answered, not_known, not_applicable, declined, blank,
              share(answered + not_known + not_applicable + declined, shown), usable, flag=_flag(usable))


def _by_question(documents, session: Session, ask: Ask, library: TemplateLibrary) -> Table:
    table = Table("by_question", "Completeness by question", list(_COLUMNS), notes=[
        "Share usable counts only answers: 'not known' and 'declined' are recorded reasons, not values, "
        "so they lower it (as they do for the statutory returns); 'not applicable' is left out of it, "
        "because a question that does not apply needs no value. Rows under 90% usable are flagged weak "
        "for statistics and under 10% unusable (evaluation report L2129).",
        "Share recorded says how much was deliberately recorded, a reason included: a low share recorded "
        "is blanks; a high share recorded with a low share usable is information genuinely not known.",
        "A question the document's pathway did not show is counted apart, as not applicable by pathway, "
        "and left out of both shares: it was never a gap.",
        "Counted: completed documents whose start date falls in the period, of children the teams hold.",
        "The pen picture and key case summary are counted as each document recorded them; a blank one may "
        "still show in the completed record, carried from the household or the child's latest record.",
    ])
    templates: dict[tuple[str, int], Template] = {}
    counted: Counter = Counter()
    hidden: Counter = Counter()
    statuses: dict[tuple, list[int]] = defaultdict(lambda: [0] * 5)
    for _, template, answers in documents:
        if template is None:
            table.notes.append("Not counted, because the template is no longer installed: " + ", ".join(answers) + ".")
            continue
        key = (template.name, template.version)
        templates[key] = template
        counted[key] += 1
        values = {k: a.get("value") for k, a in answers.items() if a.get("status") == ANSWERED}
        shown = {q.id for _, questions in template.visible(values) for q in questions}
        for question in template.questions():
            if question.id not in shown:
                hidden[key + (question.id,)] += 1
                continue
            status = answers.get(question.id, {}).get("status", 0)
            statuses[key + (question.id,)][status - 1 if ANSWERED <= status <= DECLINED else 4] += 1
    for key in sorted(templates, key=lambda k: (templates[k].title, k[1])):
        template = templates[key]
        name = f"{template.title}, version {template.version}"
        for question in template.questions():
            qkey = key + (question.id,)
            _tally_row(table, name, question.label, counted[key], hidden[qkey], statuses[qkey])
    _characteristics(table, session, ask, library)
    return table


def _characteristics(table: Table, session: Session, ask: Ask, library: TemplateLibrary) -> None:
    """The child's own details, for every child the teams hold who was worked with in the period
    (a contact received or a document started in it)."""
    worked_with = or_(
        exists(select(Document.id).where(Document.person_id == Person.id, Document.start_date >= ask.since,
                                         Document.start_date <= ask.until, counting.recorded_here(library))),
        exists(select(Contact.id).where(Contact.person_id == Person.id, Contact.received_date >= ask.since,
                                        Contact.received_date <= ask.until)))
    children = _held(select(Person.id).where(Person.merged_into_id.is_(None), worked_with), ask)
    total = session.scalar(select(func.count()).select_from(children.subquery())) or 0
    found: dict[str, list[int]] = defaultdict(lambda: [0] * 5)
    for key, status, count in session.execute(
            select(PersonCharacteristic.key, PersonCharacteristic.status, func.count())
            .where(PersonCharacteristic.person_id.in_(children))
            .group_by(PersonCharacteristic.key, PersonCharacteristic.status)):
        if ANSWERED <= status <= DECLINED:
            found[key][status - 1] += count
    for key in CHARACTERISTICS:
        counts = found[key]
        counts[4] = total - sum(counts[:4])  # no answer at all, or marked not yet asked
        _tally_row(table, CHILDS_DETAILS, key.replace("_", " ").capitalize(), total, 0, counts)
    table.notes.append(f"{CHILDS_DETAILS}: children the teams hold who had a contact received or a document "
                       "started in the period, each counted once.")


# ---- signatures ----

def _signed(session: Session, documents: list[tuple[int, Template]]) -> Table:
    table = Table("signed", "Final documents signed", [
        Column("kind", "Kind of document"),
        Column("completed", "Completed", COUNT),
        Column("unsigned", "Not signed", COUNT, "No signature at all"),
        Column("author_only", "Author only", COUNT, "Only the author's signature, made when it was completed"),
        Column("team_leader", "Countersigned by a team leader", COUNT),
        Column("family", "Signed by a parent or young person", COUNT),
        Column("professional", "Signed by another professional", COUNT),
        Column("beyond_author", "Share signed beyond the author", SHARE),
        Column("team_leader_share", "Share countersigned", SHARE),
        Column("family_share", "Share signed by the family", SHARE),
    ], notes=[
        "Completing a document signs it as its author, so a final document's own signature says little; "
        "these count the signatures that show someone else agreed or saw it: a team leader's approval, "
        "a parent's or young person's (witnessed in person or on a printed copy) and another "
        "professional's. A document signed by several is counted in each of their columns.",
    ])
    roles: dict[int, set[str]] = defaultdict(set)
    ids = [doc_id for doc_id, _ in documents]
    for start in range(0, len(ids), 1000):  # a bounded IN list on both engines
        for doc_id, role in session.execute(select(DocumentSignature.document_id, DocumentSignature.role)
                                            .where(DocumentSignature.document_id.in_(ids[start:start + 1000]))
                                            .distinct()):
            roles[doc_id].add(role)
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
    for doc_id, template in documents:
        signed = roles.get(doc_id, set())
        for kind in (template.kind, ""):
            tally = by_kind[kind]
            tally[0] += 1
            tally[1] += not signed
            tally[2] += signed == {"social_worker"}
            tally[3] += "team_leader" in signed
            tally[4] += bool(signed & set(FAMILY_ROLES))
            tally[5] += "other_professional" in signed
            tally[6] += bool(signed - {"social_worker"})
    for kind in sorted(by_kind, key=lambda k: (k == "", k)):
        completed, unsigned, author_only, leader, family, professional, beyond = by_kind[kind]
        table.add(kind.replace("_", " ").capitalize() if kind else "Every kind", completed, unsigned, author_only,
                  leader, family, professional, share(beyond, completed), share(leader, completed),
                  share(family, completed))
    return table


# ---- the child's own words ----

def _child_words(documents) -> Table:
    table = Table("child_words", "Assessments and reviews with the child's own words", [
        Column("template", "Template"),
        Column("completed", "Completed", COUNT),
        Column("with_words", "With the child's words", COUNT, "The question for the child's views answered in text"),
        Column("share", "Share with the child's words", SHARE),
        Column("direct", "Directly from them", COUNT),
        Column("via_parent", "Through a parent or carer", COUNT),
        Column("interpretation", "Worker's interpretation", COUNT),
        Column("how_not_recorded", "How not recorded", COUNT),
    ], notes=[
        "A template with no question for the child's views (child_views) is flagged; in the total its "
        "documents count as without the child's words, because they have none.",
        "How the words were obtained is counted only for documents that have them.",
    ])
    rows: dict[str, list[int]] = {}
    asks: dict[str, bool] = {}
    for _, template, answers in documents:
        if template is None or template.kind not in WORDS_KINDS:
            continue
        title = template.title
        asks[title] = asks.get(title, False) or any(q.id == "child_views" for q in template.questions())
        tally = rows.setdefault(title, [0] * 6)
        tally[0] += 1
        words = answers.get("child_views", {})
        if words.get("status") != ANSWERED or not str(words.get("value", "")).strip():
            continue
        tally[1] += 1
        how = answers.get("child_views_how", {})
        value = how.get("value") if how.get("status") == ANSWERED else None
        tally[2 + HOW.index(value) if value in HOW else 5] += 1
    total = [0] * 6
    for title in sorted(rows):
        tally = rows[title]
        total = [a + b for a, b in zip(total, tally)]
        table.add(title, tally[0], tally[1], share(tally[1], tally[0]) if asks[title] else None, *tally[2:],
                  flag="" if asks[title] else "this template has no question for the child's own words")
    if rows:
        table.add("Every assessment and review", total[0], total[1], share(total[1], total[0]), *total[2:])
    return table


# ---- duplicates ----

def _duplicates(session: Session, ask: Ask) -> Table:
    table = Table("duplicates", "Duplicates refused and merged", [
        Column("team", "Team", TEAM),
        Column("children_refused", "Attempts to record a known child, refused", COUNT,
               "Each refused attempt (two attempts for one child count two): same NHS number or UPN, or a "
               "close match on name and birth date"),
        Column("documents_refused", "Documents refused as twins", COUNT,
               "A second document of the same template for the same child starting the same day"),
        Column("merged", "Records merged", COUNT),
        Column("undone", "Of which undone", COUNT, "Merges made in the period and undone since"),
    ], notes=[
        "A refusal counts against the team of the worker who tried to record the duplicate (blank: a worker "
        "in no team); a merge against the team that recorded the duplicate record.",
        "A worker who confirms a different child with the same name and birth date is not refused, so is "
        "not counted.",
    ])
    start, end = _instants(ask)
    tally: dict[int | None, list[int]] = defaultdict(lambda: [0] * 4)
    refusals = (select(DuplicateRefusal.team_id, DuplicateRefusal.kind, func.count())
                .where(DuplicateRefusal.at >= start, DuplicateRefusal.at < end)
                .group_by(DuplicateRefusal.team_id, DuplicateRefusal.kind))
    if ask.team_ids is not None:
        refusals = refusals.where(DuplicateRefusal.team_id.in_(ask.team_ids))
    for team, kind, count in session.execute(refusals):
        tally[team][0 if kind == "child" else 1] += count
    undone = func.sum(case((PersonMerge.undone_at.is_not(None), 1), else_=0))
    merges = _held(select(Person.team_id, func.count(), undone)
                   .join(Person, Person.id == PersonMerge.duplicate_id)
                   .where(PersonMerge.merged_at >= start, PersonMerge.merged_at < end)
                   .group_by(Person.team_id), ask)
    for team, count, undone_count in session.execute(merges):
        tally[team][2] += count
        tally[team][3] += int(undone_count or 0)
    for team in sorted(tally, key=lambda t: (t is None, t or 0)):
        table.add(f"teams/{team}" if team is not None else None, *tally[team])
    return table


def build(session: Session, ask: Ask, library: TemplateLibrary) -> Report:
    documents = list(_completed(session, ask, library))
    counted = [(doc_id, template) for doc_id, template, _ in documents if template is not None]
    return Report(SPEC.name, SPEC.title, tables=[
        _by_question(documents, session, ask, library),
        _signed(session, counted),
        _child_words(documents),
        _duplicates(session, ask),
    ])


SPEC = Spec("recording_quality", "Recording quality",
            "How completely each question is answered (blank, not known, not applicable and declined told apart), "
            "flagging fields too incomplete for statistics; final documents signed beyond their author; "
            "assessments and reviews with the child's own words; duplicates refused and merged.",
            build)
