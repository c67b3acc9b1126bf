"""The Children in Need census (England), as the DfE's XML: every child with an episode of need
open at any time in the collection year, built from the records.

Where ICS keeps a fact as a record of its own, the census reads that record: an episode is a
CINdetails (its referral and closure), a child in need plan or child protection plan is read from
the plan itself, and the child's identity from the person record. Everything else is a worker's
answer on a completed document, found through the `statutory:` tags on the template version the
document was written with, so a council's own templates feed the census without code
(services/records/returns/collection.py: statutory_answers). Nothing is invented: an item nobody
recorded is left out, and the validator then says so.

Order and names follow the XSD (../shared/docs/returns.md §3.1, 2024-25 onward: Sex M/F/U).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.alerts.calendar import WorkingCalendar
from services.common.auth import Principal
from services.common.dates import today_london
from services.common.errors import InvalidArgument
from services.records import audit
from services.records.models import Contact, Document, Episode, Person, Plan, Referral
from services.records.returns.collection import (SEX_LETTER, Collection, children_in_returns, ethnicity_code,
                                                  la_child_id, parse_day, statutory_answers, templates_feeding,
                                                  write_private)
from services.records.template_library import TemplateLibrary

SOFTWARE_CODE = "ICS"
RELEASE = "1"
# The front door records who got in touch in eight broad kinds; the census wants the finer
# ReferralSource code. A referral record's own answer (referral-and-information-record) wins
# when a worker gave one; otherwise each kind maps to the census code for "other" in its group.
REFERRAL_SOURCE = {
    pb.CONTACT_SOURCE_POLICE: "6", pb.CONTACT_SOURCE_SCHOOL: "2A", pb.CONTACT_SOURCE_HEALTH: "3F",
    pb.CONTACT_SOURCE_FAMILY: "1A", pb.CONTACT_SOURCE_ANONYMOUS: "9", pb.CONTACT_SOURCE_OTHER_AGENCY: "8",
    pb.CONTACT_SOURCE_SELF: "1C", pb.CONTACT_SOURCE_OTHER: "8", pb.CONTACT_SOURCE_UNSPECIFIED: "10",
}
# A duty decision of no further action or advice closes the episode as "referral_nfa": the
# census reports it as a referral with no further action, closed RC8.
REFERRAL_NFA = "referral_nfa"
ICPC_WORKING_DAYS = 15  # from the start of the s47 enquiry (rule 8675Q)
YES = ("yes", "true", "1")
COUNTED_STATES = (pb.DOCUMENT_STATE_COMPLETED, pb.DOCUMENT_STATE_IN_PROGRESS, pb.DOCUMENT_STATE_SUBMITTED)


@dataclass
class ChildFacts:
    """Everything the census reads about one child, loaded in a few queries for all children."""

    person: Person
    episodes: list[Episode] = field(default_factory=list)
    referrals: dict[int, list[tuple[Referral, Contact]]] = field(default_factory=lambda: defaultdict(list))
    # (document, its census answers), completed only, oldest first
    documents: list[tuple[Document, dict[str, str]]] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)


def _completed_on(document: Document) -> date:
    return today_london(document.ended_at) if document.ended_at else document.start_date


def load(session: Session, principal: Principal, library: TemplateLibrary,
         collection: Collection) -> list[ChildFacts]:
    """The children with an episode open at some time in the year, oldest id first."""
    who = children_in_returns(principal)
    templates = templates_feeding(library, "cin")
    rows = session.execute(
        select(Episode, Person).join(Person, Person.id == Episode.person_id).where(
            who, Episode.opened_date <= collection.end,
            or_(Episode.closed_date.is_(None), Episode.closed_date >= collection.start))
        .order_by(Person.id, Episode.opened_date, Episode.id)).all()
    children: dict[int, ChildFacts] = {}
    for episode, person in rows:
        children.setdefault(person.id, ChildFacts(person)).episodes.append(episode)
    if not children:
        return []
    ids = list(children)
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        for referral, contact in session.execute(
                select(Referral, Contact).join(Contact, Contact.id == Referral.contact_id)
                .where(Referral.person_id.in_(chunk)).order_by(Referral.received_date, Referral.id)):
            children[referral.person_id].referrals[referral.episode_id or 0].append((referral, contact))
        documents = list(session.scalars(select(Document).where(
            Document.person_id.in_(chunk), Document.state.in_(COUNTED_STATES),
            Document.template_id.in_(templates))
            .order_by(Document.start_date, Document.id)))
        replaced = {d.supersedes_id for d in documents if d.supersedes_id and d.state == pb.DOCUMENT_STATE_COMPLETED}
        for document in documents:
            if document.id not in replaced:  # a later version says what is true now
                children[document.person_id].documents.append((document, census_answers(library, document)))
        for plan in session.scalars(select(Plan).where(
                Plan.person_id.in_(chunk), Plan.kind.in_(("child_in_need", "child_protection")))
                .order_by(Plan.start_date, Plan.id)):
            children[plan.person_id].plans.append(plan)
    return [children[i] for i in ids]


def census_answers(library: TemplateLibrary, document: Document) -> dict[str, str]:
    """What a document tells the census. An assessment still being written counts from the day it
    started (the census reports assessments in progress); nothing else counts until completed.
    Completing an assessment is its authorisation unless the form gives that date itself, except
    on a record migrated from a past return, which says exactly what that return said."""
    answers = statutory_answers(library, document, "cin")
    if document.state != pb.DOCUMENT_STATE_COMPLETED:
        return {k: v for k, v in answers.items() if k == "AssessmentActualStartDate"}
    if ("AssessmentActualStartDate" in answers and "AssessmentAuthorisationDate" not in answers
            and _kind(library, document) != "migration"):
        answers["AssessmentAuthorisationDate"] = _completed_on(document).isoformat()
    return answers


def _kind(library: TemplateLibrary, document: Document) -> str:
    try:
        return library.get(document.template_id, document.template_version).kind
    except KeyError:
        return ""


# ---------------------------------------------------------------------------------------------
# Building the XML

def _add(parent: ET.Element, tag: str, value: str | date | None) -> None:
    """An element only when there is a value: the census reads a missing element as not known."""
    if value is None or value == "":
        return
    ET.SubElement(parent, tag).text = value.isoformat() if isinstance(value, date) else str(value)


def _within(day: date | None, start: date, end: date | None) -> bool:
    return day is not None and start <= day and (end is None or day <= end)


class CensusBuilder:
    def __init__(self, collection: Collection, calendar: WorkingCalendar | None = None):
        self.collection = collection
        self.calendar = calendar or WorkingCalendar()

    def child(self, facts: ChildFacts) -> ET.Element | None:
        details = [d for d in (self.cin_details(facts, e) for e in self.reported_episodes(facts)) if d is not None]
        if not details:
            return None
        person = facts.person
        child = ET.Element("Child")
        ids = ET.SubElement(child, "ChildIdentifiers")
        answers = self.person_answers(facts)
        _add(ids, "LAchildID", la_child_id(person))
        _add(ids, "UPN", person.upn or answers.get("UPN"))
        _add(ids, "FormerUPN", answers.get("FormerUPN"))
        if not (person.upn or answers.get("UPN")):
            _add(ids, "UPNunknown", answers.get("UPNunknown"))
        if person.date_of_birth and person.date_of_birth <= self.collection.end:
            _add(ids, "PersonBirthDate", person.date_of_birth)
        else:  # unborn at the census date: the expected date, as the referral recorded it
            _add(ids, "ExpectedPersonBirthDate",
                 person.date_of_birth or parse_day(answers.get("ExpectedPersonBirthDate", "")))
        _add(ids, "Sex", SEX_LETTER.get(person.sex, "U"))
        _add(ids, "PersonDeathDate", self.collection.by_end(parse_day(answers.get("PersonDeathDate", ""))))
        characteristics = ET.SubElement(child, "ChildCharacteristics")
        _add(characteristics, "Ethnicity", ethnicity_code(person, answers.get("Ethnicity", "")))
        disability = self.characteristic(person, "disability") or answers.get("Disability")
        if disability:
            block = ET.SubElement(characteristics, "Disabilities")
            for code in sorted({c.strip() for c in disability.split(",") if c.strip()}):
                _add(block, "Disability", code)
        child.extend(details)
        return child

    @staticmethod
    def reported_episodes(facts: ChildFacts) -> list[Episode]:
        """Several referrals about one child on one day are one referral to the census: a referral
        closed with no further action is left out when the same day's work went on (another episode
        opened that day), and several on one day are reported once (rules 8820, 8816)."""
        by_day: dict[date, list[Episode]] = defaultdict(list)
        for episode in facts.episodes:
            by_day[episode.opened_date].append(episode)
        kept = []
        for same_day in by_day.values():
            worked = [e for e in same_day if e.closure_reason != REFERRAL_NFA]
            kept.extend(worked or same_day[-1:])
        return sorted(kept, key=lambda e: (e.opened_date, e.id))

    @staticmethod
    def characteristic(person: Person, key: str) -> str:
        return next((c.value for c in person.characteristics if c.key == key and c.status == 1 and c.value), "")

    @staticmethod
    def person_answers(facts: ChildFacts) -> dict[str, str]:
        """The child's identity answers, the latest recording of each winning."""
        merged: dict[str, str] = {}
        for _document, answers in facts.documents:
            merged.update(answers)
        return merged

    def cin_details(self, facts: ChildFacts, episode: Episode) -> ET.Element | None:
        c = self.collection
        closed = self.collection.by_end(episode.closed_date)
        in_episode = [(d, a) for d, a in facts.documents if d.episode_id == episode.id]
        referrals = facts.referrals.get(episode.id, [])
        details = ET.Element("CINdetails")
        _add(details, "CINreferralDate", episode.opened_date)
        _add(details, "ReferralSource", self.first(in_episode, "ReferralSource") or (
            REFERRAL_SOURCE.get(referrals[0][1].source, "10") if referrals else ""))
        nfa = episode.closure_reason == REFERRAL_NFA
        if nfa and episode.opened_date < c.start:
            return None  # a referral with no further action belongs to the year it was made in (rule 8569Q)
        # A need nobody stated is reported as N0, "not stated": the census's own word for it.
        need = None if nfa else self.last(in_episode, "PrimaryNeedCode", before=c.end) or "N0"
        _add(details, "PrimaryNeedCode", need)
        if closed and not nfa:
            # A referral with no further action says so with ReferralNFA alone: it was never an
            # assessed case, so it has no "closed after assessment" reason (rules 8815, 8825Q).
            _add(details, "CINclosureDate", closed)
            _add(details, "ReasonForClosure", episode.closure_reason)
        section47s = [s for s in self.section47s(in_episode)
                      if s[0] <= c.end and max(s[0], s[1] or s[0]) >= c.start]
        # A conference after an enquiry is reported with the enquiry; one with no enquiry in the
        # year (an enquiry the year before) is reported on the episode (rule 2884).
        reported = {s[1] for s in section47s}
        _add(details, "DateOfInitialCPC", min((day for _d, a in in_episode
                                               if (day := parse_day(a.get("DateOfInitialCPC", "")))
                                               and day not in reported and c.start <= day <= c.end), default=None))
        _add(details, "ReferralNFA", "true" if nfa else "false")
        for document, answers in in_episode:
            started = parse_day(answers.get("AssessmentActualStartDate", ""))
            if started is None or started > c.end:
                continue
            authorised = self.collection.by_end(parse_day(answers.get("AssessmentAuthorisationDate", "")))
            if authorised is not None and authorised < c.start:
                continue  # finished before the year began
            block = ET.SubElement(details, "Assessments")
            _add(block, "AssessmentActualStartDate", started)
            _add(block, "AssessmentInternalReviewDate",
                 self.collection.by_end(parse_day(answers.get("AssessmentInternalReviewDate", ""))))
            _add(block, "AssessmentAuthorisationDate", authorised)
            factors = sorted({f.strip() for f in answers.get("AssessmentFactors", "").split(",") if f.strip()})
            if authorised and factors:
                found = ET.SubElement(block, "FactorsIdentifiedAtAssessment")
                for factor in factors:
                    _add(found, "AssessmentFactors", factor)
        episode_end = episode.closed_date
        for plan in facts.plans:
            if plan.kind != "child_in_need" or not self.in_year_and_episode(plan, episode):
                continue
            block = ET.SubElement(details, "CINPlanDates")
            _add(block, "CINPlanStartDate", plan.start_date)
            _add(block, "CINPlanEndDate", self.collection.by_end(plan.end_date))
        for started, icpc, not_required in section47s:
            block = ET.SubElement(details, "Section47")
            _add(block, "S47ActualStartDate", started)
            _add(block, "InitialCPCtarget", self.calendar.add_working_days(started, ICPC_WORKING_DAYS))
            _add(block, "DateOfInitialCPC", self.collection.by_end(icpc))
            _add(block, "ICPCnotRequired", "true" if not_required else "false")
        cp_plans = [p for p in facts.plans if p.kind == "child_protection"]
        for index, plan in enumerate(cp_plans):
            if not self.in_year_and_episode(plan, episode):
                continue
            block = ET.SubElement(details, "ChildProtectionPlans")
            _add(block, "CPPstartDate", plan.start_date)
            _add(block, "CPPendDate", self.collection.by_end(plan.end_date))
            within = [(d, a) for d, a in facts.documents
                      if _within(self.review_day(a) or d.start_date, plan.start_date, plan.end_date or episode_end)]
            initial = self.category_at_start(facts, plan)
            _add(block, "InitialCategoryOfAbuse", initial)
            _add(block, "LatestCategoryOfAbuse", self.last(within, "LatestCategoryOfAbuse", before=c.end) or initial)
            _add(block, "NumberOfPreviousCPP", index)
            reviews = sorted({day for _d, a in within if (day := parse_day(a.get("CPPreviewDate", "")))
                              and c.start <= day <= c.end})
            if reviews:
                listed = ET.SubElement(block, "Reviews")
                for day in reviews:
                    _add(listed, "CPPreviewDate", day)
        return details

    def in_year_and_episode(self, plan: Plan, episode: Episode) -> bool:
        return (self.collection.overlaps(plan.start_date, self.collection.by_end(plan.end_date))
                and _within(plan.start_date, episode.opened_date, episode.closed_date))

    @staticmethod
    def review_day(answers: dict[str, str]) -> date | None:
        return parse_day(answers.get("CPPreviewDate", ""))

    @staticmethod
    def first(documents, item: str) -> str:
        return next((a[item] for _d, a in documents if a.get(item)), "")

    @staticmethod
    def last(documents, item: str, before: date) -> str:
        found = ""
        for document, answers in documents:
            if answers.get(item) and document.start_date <= before:
                found = answers[item]
        return found

    @staticmethod
    def category_at_start(facts: ChildFacts, plan: Plan) -> str:
        """The category the conference that made the plan gave: the conference record whose plan
        start matches, or failing that the latest conference on or before the plan began."""
        best = ""
        for document, answers in facts.documents:
            if "InitialCategoryOfAbuse" not in answers:
                continue
            if parse_day(answers.get("CPPstartDate", "")) == plan.start_date:
                return answers["InitialCategoryOfAbuse"]
            if document.start_date <= plan.start_date:
                best = answers["InitialCategoryOfAbuse"]
        return best

    def section47s(self, documents) -> list[tuple[date, date | None, bool | None]]:
        """Each s47 enquiry that began in the episode: its start, the initial conference that
        followed it (before the next enquiry began), and whether one was found not needed."""
        starts = sorted({day for _d, a in documents if (day := parse_day(a.get("S47ActualStartDate", "")))})
        found: list[tuple[date, date | None, bool | None]] = []
        for index, started in enumerate(starts):
            until = starts[index + 1] if index + 1 < len(starts) else None
            icpc = min((day for _d, a in documents if (day := parse_day(a.get("DateOfInitialCPC", "")))
                        and day >= started and (until is None or day < until)), default=None)
            not_required = None
            for document, answers in documents:
                if "ICPCnotRequired" in answers and started <= document.start_date and (
                        until is None or document.start_date < until):
                    not_required = answers["ICPCnotRequired"].lower() in YES
            found.append((started, icpc, not_required))
        return found


def build(facts: list[ChildFacts], collection: Collection, la_code: str, produced_at: datetime) -> ET.ElementTree:
    message = ET.Element("Message")
    header = ET.SubElement(message, "Header")
    details = ET.SubElement(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", str(collection.year))
    _add(details, "ReferenceDate", collection.end)
    source = ET.SubElement(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", la_code)
    _add(source, "SoftwareCode", SOFTWARE_CODE)
    _add(source, "Release", RELEASE)
    _add(source, "SerialNo", "1")
    _add(source, "DateTime", produced_at.replace(microsecond=0, tzinfo=None).isoformat())
    children = ET.SubElement(message, "Children")
    builder = CensusBuilder(collection)
    included = [(la_child_id(f.person), element) for f in facts if (element := builder.child(f)) is not None]
    for _id, element in sorted(included, key=lambda pair: pair[0]):
        children.append(element)
    tree = ET.ElementTree(message)
    ET.indent(tree, space="  ")
    return tree


@dataclass(frozen=True)
class CensusSummary:
    children: int
    episodes: int
    path: Path

    def sentence(self) -> str:
        return f"Wrote the CIN census for {self.children} children ({self.episodes} episodes of need) to {self.path}."


def export_cin(session: Session, principal: Principal, library: TemplateLibrary, collection: Collection,
               out_path: Path, produced_at: datetime, la_code: str) -> CensusSummary:
    if not (la_code.isdigit() and len(la_code) == 3):
        raise InvalidArgument("The census names the council by its three-digit DfE local authority number: set "
                              "la_code in the configuration file (or ICS_LA_CODE), e.g. la_code = \"201\""
                              + (f", not {la_code!r}." if la_code else "."))
    facts = load(session, principal, library, collection)
    tree = build(facts, collection, la_code, produced_at)
    children = tree.getroot().find("Children")
    included = [c.findtext("ChildIdentifiers/LAchildID") for c in children]
    episodes = len(children.findall("Child/CINdetails"))
    data = ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True) + b"\n"
    write_private(out_path, data)
    by_id = {la_child_id(f.person): f.person.id for f in facts}
    audit.record(session, principal, "return", f"returns/cin/{collection.year}", [by_id[i] for i in included],
                 detail=f"the Children in Need census {collection.label}")
    return CensusSummary(len(included), episodes, out_path)
