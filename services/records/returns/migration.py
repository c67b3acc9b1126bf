"""Bringing a council's history in from its past statutory returns, through the records
service's own write paths (the same functions its gRPC handlers run), so every migrated fact is
checked, audited and put on the outbox exactly as if a worker had recorded it.

Each item of a return is written in a transaction of its own: an item the service refuses is
reported with the child, the field and the service's own reason, and everything else still
comes in. Every write first looks for what an earlier run made, so a re-run (or the next year's
return, which repeats open work) adds only what is new.

Facts ICS keeps as records of their own become those records (the child, a referral and its
episode, plans, looked-after periods, placements, the closure). The rest become completed
"Record from a Past Statutory Return" documents: one per child per day, holding exactly the
return's items, each tagged with the item it came from, so the next return reads them back
through the same statutory mapping as any worker's form.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.db import Database
from services.common.errors import IcsError, InvalidArgument
from services.common.names import make_name
from services.records import documents, plans
from services.records.identifiers import upn_problem
from services.records.models import Document, Person, Plan
from services.records.returns.collection import parse_day
from services.records.template_library import TemplateLibrary

MIGRATION_TEMPLATE = "record-from-a-past-return"
IMPORTER_NAME = "Migrated from a past return"
# What the import may do: record children and their work. It never reads beyond what it writes.
IMPORTER_PERMISSIONS = ("child.find:any", "child.read:any", "child.write:any", "referral.decide:any",
                        "case.allocate:any", "carers.manage:any")
# A plan states outcomes for the child; a return carries only its dates, so the migrated plan
# says where the outcomes are instead of inventing some.
MIGRATED_OUTCOME = "The outcomes for the child are in the plan held in the council's previous system"
MIGRATED_ACTION = ("Allocated social worker", "Copy the plan's outcomes and actions from the previous system")


def importer(team_name: str) -> Principal:
    return Principal(user_name="users/0", username="ics admin (import)", display_name=IMPORTER_NAME,
                     team_names=(team_name,), permissions=IMPORTER_PERMISSIONS)


@dataclass(frozen=True)
class Problem:
    """One item not imported (or imported without one value), said so a person can fix it."""

    child: str
    where: str
    item: str
    value: str
    reason: str

    def sentence(self) -> str:
        value = f" {self.value!r}" if self.value else ""
        return f"Child {self.child or '(no id)'}, {self.where}: {self.item}{value}: {self.reason}"


@dataclass
class ImportReport:
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def summary(self) -> str:
        made = ", ".join(f"{n} {what}" for what, n in sorted(self.counts.items()) if n) or "nothing new"
        return f"Imported {made}; {len(self.problems)} item(s) not imported, listed above."


def reason_of(error: IcsError) -> str:
    """The service's own words; for refused answers, the answer's complaint alone."""
    if isinstance(error, InvalidArgument) and error.violations:
        return "; ".join(f"{field.split('.')[-1].replace('_', ' ')} {words}" for field, words in error.violations.items())
    return error.message


# A child's id in either return: letters and digits only.
CHILD_ID = re.compile(r"^[A-Za-z0-9]{1,40}$")


def checked_upn(upn: str, report) -> str:
    """The UPN if it is a valid one; otherwise it is reported, `report(value, reason)`, and left out."""
    if upn and (problem := upn_problem(upn)):
        report(upn, f"{problem}; the child was imported without it")
        return ""
    return upn


def checked_day(text: str, needed_for: str, form: str, report) -> date | None:
    """A return's date item: None when absent (reported if it is needed for something, which is
    then not imported); reported, once, when it is not a date. `report(value, reason)`."""
    left_out = f"; {needed_for} was not imported" if needed_for else ""
    if not text:
        if needed_for:
            report("", f"is needed{left_out}")
        return None
    parsed = parse_day(text)
    if parsed is None:
        report(text, f"is not a date ({form}){left_out}")
    return parsed


# The returns' ethnicity codes for "refused" and "information not yet obtained" are answer
# statuses in ICS, so a child's record says plainly that the question was declined or not asked.
ETHNICITY_STATUSES = {"NOBT": cpb.ANSWER_STATUS_NOT_KNOWN, "REFU": cpb.ANSWER_STATUS_DECLINED}


def ethnicity_answer(library: TemplateLibrary, code: str) -> cpb.Answer | None:
    """The person record's answer for a return's ethnicity code; None for a code that is not one."""
    if code in ETHNICITY_STATUSES:
        return cpb.Answer(status=ETHNICITY_STATUSES[code])
    codes = {value for value, _label in library.get("referral-and-information-record").question("ethnicity").choices}
    return cpb.Answer(value=code, status=cpb.ANSWER_STATUS_ANSWERED) if code in codes else None


class Migrator:
    """The writes both imports share, each in its own transaction and each looking first for what
    an earlier run made."""

    def __init__(self, db: Database, library: TemplateLibrary, signer, principal: Principal, return_name: str,
                 report: ImportReport):
        self.db, self.library, self.signer, self.principal = db, library, signer, principal
        self.return_name, self.report = return_name, report

    def attempt(self, child: str, where: str, item: str, value: str, fn):
        """Runs one write; a refusal becomes a reported problem and nothing of that item is kept."""
        try:
            return self.db.write_sync(fn)
        except IcsError as error:
            self.report.problems.append(Problem(child, where, item, value, reason_of(error)))
            return None

    # -- the child -------------------------------------------------------------------------------
    def find_child(self, la_child_id: str) -> Person | None:
        return self.db.read_sync(lambda s: s.scalar(select(Person).where(
            Person.council_child_id == la_child_id, Person.merged_into_id.is_(None)).order_by(Person.id).limit(1)))

    def create_child(self, la_child_id: str, person: pb.Person) -> Person | None:
        from services.records import people

        person.council_child_id = la_child_id
        if not person.given_name and not person.family_name:
            # A return carries no names; the record says where it came from until someone adds them.
            person.given_name, person.family_name = "Child", f"{la_child_id} (name not in the return)"
        made = self.attempt(la_child_id, "the child", "child", "", lambda s: people.create(
            s, self.principal, person, confirmed_not_duplicate=True))
        if made is not None:
            self.report.count("children")
        return made

    # -- items kept as answers -------------------------------------------------------------------
    def record_items(self, child: str, person_id: int, day: date, module: str, answers: dict[str, str],
                     where: str) -> str:
        """Adds `answers` (question id -> value) for `module` to the child's migrated record of
        `day`, as a new completed version when anything changes. "created", "updated", "same"
        or "refused"."""
        answers = {k: v for k, v in answers.items() if v not in (None, "")}

        def work(session: Session) -> str:
            current = self.current_record(session, person_id, day)
            stored = ({k: a["value"] for k, a in json.loads(current.answers_json).items() if a.get("value")}
                      if current else {})
            modules = sorted({m for m in stored.get("module", "").split(",") if m} | {module})
            merged = {**stored, **answers, "module": ",".join(modules)}
            merged.setdefault("return_name", self.return_name)
            if current is not None and merged == stored:
                return "same"
            doc = documents.create(session, self.principal, self.library, pb.CreateDocumentRequest(
                person=make_name("people", person_id), template_id=MIGRATION_TEMPLATE, start_date=day.isoformat(),
                supersedes=make_name("documents", current.id) if current else "",
                answers={k: cpb.Answer(value=str(v), status=cpb.ANSWER_STATUS_ANSWERED) for k, v in merged.items()}))
            documents.end(session, self.principal, self.library, self.signer, pb.EndDocumentRequest(
                name=doc.name, etag=doc.etag, state=pb.DOCUMENT_STATE_COMPLETED))
            return "updated" if current else "created"

        try:
            outcome = self.db.write_sync(work)
        except InvalidArgument as error:
            # Keep every valid item: leave out the answers the service refused, say each, try again.
            refused = {field.split(".", 1)[1]: words for field, words in error.violations.items()
                       if field.startswith("answers.") and field.split(".", 1)[1] in answers}
            if not refused:
                self.report.problems.append(Problem(child, where, module, "", reason_of(error)))
                return "refused"
            for question, words in refused.items():
                self.report.problems.append(Problem(child, where, self.item_of(question), answers[question],
                                                    f"{words}; left out"))
            kept = {k: v for k, v in answers.items() if k not in refused}
            return self.record_items(child, person_id, day, module, kept, where) if kept else "refused"
        except IcsError as error:
            self.report.problems.append(Problem(child, where, module, "", reason_of(error)))
            return "refused"
        if outcome in ("created", "updated"):
            self.report.count(f"{module.replace('_', ' ')} records")
        return outcome

    def item_of(self, question_id: str) -> str:
        """The return's name for a migrated record's question ("PrimaryNeedCode")."""
        question = self.library.get(MIGRATION_TEMPLATE).question(question_id)
        return question.statutory[0][1] if question.statutory else question_id

    @staticmethod
    def current_record(session: Session, person_id: int, day: date) -> Document | None:
        """The latest version of the child's migrated record for `day`, if any."""
        rows = list(session.scalars(select(Document).where(
            Document.person_id == person_id, Document.template_id == MIGRATION_TEMPLATE, Document.start_date == day,
            Document.state == pb.DOCUMENT_STATE_COMPLETED).order_by(Document.id)))
        replaced = {d.supersedes_id for d in rows if d.supersedes_id}
        live = [d for d in rows if d.id not in replaced]
        return live[-1] if live else None

    # -- plans -----------------------------------------------------------------------------------
    def plan(self, child: str, person_id: int, kind: str, start: date, end: date | None, where: str) -> None:
        """A plan of `kind` from `start` (ending `end`), unless one already began that day."""
        def work(session: Session) -> str:
            existing = session.scalar(select(Plan).where(Plan.person_id == person_id, Plan.kind == kind,
                                                         Plan.start_date == start).limit(1))
            if existing is None:
                made = plans.create(session, self.principal, pb.CreatePlanRequest(
                    person=make_name("people", person_id), kind=kind, start_date=start.isoformat(),
                    outcomes=[pb.NewOutcome(text=MIGRATED_OUTCOME, actions=[pb.PlanAction(
                        who=MIGRATED_ACTION[0], what=MIGRATED_ACTION[1], by_when=start.isoformat())])]))
                name, etag, created = made.name, made.etag, "created"
            elif existing.end_date is None and end is not None:
                name, etag, created = make_name("plans", existing.id), str(existing.version), "ended"
            else:
                return "same"
            if end is not None:
                plans.end(session, self.principal, pb.EndPlanRequest(
                    name=name, etag=etag, end_date=end.isoformat(), reason=f"Ended as the {self.return_name} says."))
            return created

        outcome = self.attempt(child, where, f"{kind.replace('_', ' ')} plan", start.isoformat(), work)
        if outcome == "created":
            self.report.count(f"{kind.replace('_', ' ')} plans")
