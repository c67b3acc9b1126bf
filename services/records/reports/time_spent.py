"""Time spent: hours at the editor per record and per worker, from the saves themselves
(services/records/editing_time.py), beside the report's time study (L226: initial assessment
10.19 h, core assessment 48.14 h, plan 27.4 h, review 36.81 h).

The study measured all of a worker's time on a record: visits, calls, reading, thinking and
writing. ICS sees only time in its editor between saves within one sitting, so its figures are a
lower bound, and the gap between the two columns is time ICS cannot see, not time saved.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from statistics import mean, median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common import reports as r
from services.common.dates import LONDON
from services.records import access
from services.records.editing_time import SITTING
from services.records.reports import counting
from services.records.models import Document, EditingTime, Person

# The report's rows, and the study's average hours for the kinds of record it measured.
INITIAL, CORE, SINGLE, PLAN, REVIEW, OTHER = ("Initial assessment", "Core assessment", "Single assessment", "Plan",
                                              "Review", "Other records")
STUDY_HOURS = {INITIAL: 10.19, CORE: 48.14, PLAN: 27.4, REVIEW: 36.81}
ROWS = (INITIAL, CORE, SINGLE, PLAN, REVIEW, OTHER)
HOUR = 3600.0


def row_for(template_id: str, library) -> str:
    """Which row a template's records count in: by template name where the study named the form,
    otherwise by the template's kind, so a council's own plan or review template lands in its row."""
    if template_id == "initial-assessment":
        return INITIAL
    if template_id.startswith("core-assessment"):
        return CORE
    if template_id == "single-assessment":
        return SINGLE
    try:
        kind = library.get(template_id).kind
    except KeyError:  # a template no longer served: its work still counts, as other
        return OTHER
    return {"plan": PLAN, "review": REVIEW}.get(kind, OTHER)


def _instants(ask: r.Ask) -> tuple[datetime, datetime]:
    """The period as instants: from the first day's London midnight to the midnight after the last,
    in UTC, as stored (SQLite compares the text, so the offset must match)."""
    start = datetime.combine(ask.since, time(), LONDON).astimezone(timezone.utc)
    end = datetime.combine(ask.until + timedelta(days=1), time(), LONDON).astimezone(timezone.utc)
    return start, end


def _held(ask: r.Ask, query):
    if ask.team_ids is None:
        return query
    return query.join(Person, Person.id == Document.person_id).where(access.held_by(ask.team_ids))


def _completed(session: Session, ask: r.Ask, library) -> list[tuple[int, int, str, int]]:
    """(document id, child id, template, seconds recorded) for each record completed in the period;
    its time is all its editing, whenever it happened."""
    start, end = _instants(ask)
    recorded = (select(EditingTime.document_id, func.sum(EditingTime.seconds).label("seconds"))
                .group_by(EditingTime.document_id).subquery())
    query = (select(Document.id, Document.person_id, Document.template_id, func.coalesce(recorded.c.seconds, 0))
             .outerjoin(recorded, recorded.c.document_id == Document.id)
             .where(Document.state == pb.DOCUMENT_STATE_COMPLETED, counting.worked(library),
                    Document.ended_at >= start, Document.ended_at < end))
    return [tuple(row) for row in session.execute(_held(ask, query).order_by(Document.id))]


def _by_kind(completed, library) -> r.Table:
    table = r.Table("by_record", "Hours per completed record, by kind", [
        r.Column("kind", "Kind of record"),
        r.Column("completed", "Completed", r.COUNT, "Records of this kind completed in the period"),
        r.Column("with_time", "With editing time", r.COUNT,
                 "Of those, how many have any editing time recorded (0 for work finished in one sitting of one "
                 "save, or written before ICS kept editing time)"),
        r.Column("median_hours", "Median hours", r.HOURS, "Middle value of the records with editing time"),
        r.Column("mean_hours", "Mean hours", r.HOURS, "Average of the records with editing time"),
        r.Column("study_hours", "Time study hours", r.HOURS,
                 "Average hours the report's time study measured for this kind of record, all of the work")])
    hours: dict[str, list[float]] = {row: [] for row in ROWS}
    counts = dict.fromkeys(ROWS, 0)
    for _, _, template_id, seconds in completed:
        row = row_for(template_id, library)
        counts[row] += 1
        if seconds:
            hours[row].append(seconds / HOUR)
    for row in ROWS:
        spent = hours[row]
        table.add(row, counts[row], len(spent), median(spent) if spent else None, mean(spent) if spent else None,
                  STUDY_HOURS.get(row))
    table.notes = [
        "A record counts in the period it was completed (ended as completed, or approved); its hours are all the "
        "editing on it by anyone, whenever it happened.",
        "Records with no editing time are counted but left out of the median and mean, so they do not pull them "
        "to zero; their number is the difference between the first two columns.",
        "The time study (2009) predates single assessments, so that row has no study figure to compare with.",
        "Plan counts plan documents (care, child's, pathway and adoption plans). The living plan's outcomes and "
        "actions, changed outside a document, are not timed, so a plan's hours here leave that work out.",
    ]
    return table


def _by_worker(session: Session, ask: r.Ask) -> r.Table:
    query = (select(EditingTime.user_id, func.max(EditingTime.user_name), func.sum(EditingTime.seconds),
                    func.sum(EditingTime.sittings), func.count(func.distinct(EditingTime.document_id)))
             .join(Document, Document.id == EditingTime.document_id)
             .where(EditingTime.day.between(ask.since, ask.until))
             .group_by(EditingTime.user_id))
    table = r.Table("by_worker", "Hours at the editor, by worker", [
        r.Column("worker", "Worker", help="Whoever typed: business support typing for a worker counts here as "
                                          "support"),
        r.Column("hours", "Hours", r.HOURS, "Editing time on days in the period"),
        r.Column("sittings", "Sittings", r.COUNT, "Times they began working on a record in the period"),
        r.Column("documents", "Records worked on", r.COUNT, "Different records they saved in the period")])
    rows = session.execute(_held(ask, query))
    for _, name, seconds, sittings, documents in sorted(rows, key=lambda row: (-(row[2] or 0), row[1])):
        table.add(name, (seconds or 0) / HOUR, sittings or 0, documents)
    table.notes = [
        "Time falls on the day of each save, so a record written over several months counts in each month it was "
        "worked on; any record, whatever its state.",
    ]
    return table


def _listable(session: Session, ask: r.Ask, person_ids: set[int]) -> set[int]:
    """The children whose records the caller may see listed: open records their reports.cases
    scope reaches. A restricted or sealed record is counted in the figures but never listed."""
    if not ask.case_details:
        return set()
    ids, found = sorted(person_ids), set()
    for start in range(0, len(ids), 1000):
        found.update(session.scalars(select(Person.id).where(
            Person.id.in_(ids[start:start + 1000]), access.visible_people(ask.principal, r.CASES))))
    return found


def _per_record(completed, library, listable: set[int]) -> r.Table:
    table = r.Table("records", "Each completed record's hours", [
        r.Column("document", "Record"), r.Column("child", "Child"), r.Column("kind", "Kind of record"),
        r.Column("hours", "Hours", r.HOURS), r.Column("study_hours", "Time study hours", r.HOURS)],
        case_details=True)
    unlisted = 0
    for document_id, person_id, template_id, seconds in completed:
        if person_id not in listable:
            unlisted += 1
            continue
        row = row_for(template_id, library)
        study = STUDY_HOURS.get(row)
        # ICS sees less than the study did, so a record above the study's whole-work average
        # took unusually long (or its sittings ran on while the worker was away).
        above = study is not None and seconds / HOUR > study
        table.add(f"documents/{document_id}", f"people/{person_id}", row, seconds / HOUR, study,
                  flag="more editing time than the time study's average for all of the work" if above else "")
        table.people.add(person_id)
    table.notes = ["Every record completed in the period, with all the editing time recorded on it."]
    if unlisted:
        table.notes.append(f"{unlisted} records of children whose records are restricted or sealed are counted in "
                           "the tables above but not listed here.")
    return table


def build(session: Session, ask: r.Ask, library) -> r.Report:
    completed = _completed(session, ask, library)
    listable = _listable(session, ask, {person_id for _, person_id, _, _ in completed})
    return r.Report("time_spent", "Time spent on records", [
        _by_kind(completed, library), _by_worker(session, ask), _per_record(completed, library, listable)], notes=[
        f"Editing time is taken from saves without anyone typing it: the time between one person's saves of a "
        f"record counts when they are at most {int(SITTING.total_seconds() // 60)} minutes apart (one sitting); a "
        "longer gap starts a new sitting and counts nothing for the gap.",
        "It is time in ICS's editor only: not visits, phone calls, meetings, reading or thinking. The time study "
        "measured all of a worker's time on a record, so ICS's hours are a lower bound and are expected to be "
        "well below the study's; the difference is work ICS cannot see, not time saved.",
        "A record typed in one sitting with one save shows no time at all.",
    ])


SPEC = r.Spec("time_spent", "Time spent on records",
              "Hours at the editor per completed record by kind, beside the time study's figures (initial "
              "assessment 10.19 h, core 48.14 h, plan 27.4 h, review 36.81 h), and per worker in the period; taken "
              "from saves, a lower bound.", build)
