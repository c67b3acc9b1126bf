"""`ics admin import cin FILE`: a council's past CIN census returns brought into ICS.

Import the returns oldest first: a later year's file repeats the work still open at its start and
adds what happened since, and each run adds only what is new. Every item goes through the
records service's write paths (services/records/returns/migration.py); the census's own meaning
decides which record each item becomes:

- the child: a person record, with the council's id (LAchildID), date of birth, sex, UPN,
  ethnicity and disabilities. The census holds no names.
- each CINdetails: a contact and referral on its referral date, decided "no further action" when
  ReferralNFA says so and "assessment" otherwise, which opens the child's episode; its closure
  date and reason become a Closure Record, which closes the episode as a worker's would.
- child in need plans and child protection plans: plans, started and ended on their dates.
- assessments, s47 enquiries, conferences, reviews, the referral source and primary need:
  migrated records (one per child per day) holding exactly those items.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.common.errors import InvalidArgument
from services.common.names import make_name
from services.records import documents, episodes, frontdoor
from services.records.returns.cin import REFERRAL_SOURCE
from services.records.returns.collection import parse_day
from services.records.returns.migration import (CHILD_ID, ImportReport, Migrator, Problem, checked_day, checked_upn,
                                                 ethnicity_answer, importer)

SEX = {"M": pb.SEX_MALE, "F": pb.SEX_FEMALE, "U": pb.SEX_UNKNOWN,
       "1": pb.SEX_MALE, "2": pb.SEX_FEMALE, "0": pb.SEX_UNKNOWN, "9": pb.SEX_INDETERMINATE}
# The front door's kind of contact for each census ReferralSource; where the census code is
# finer than the kind, the migrated record keeps the code itself (see _source).
CONTACT_SOURCE = {"6": pb.CONTACT_SOURCE_POLICE, "2A": pb.CONTACT_SOURCE_SCHOOL, "2B": pb.CONTACT_SOURCE_SCHOOL,
                  "1A": pb.CONTACT_SOURCE_FAMILY, "1B": pb.CONTACT_SOURCE_FAMILY, "1C": pb.CONTACT_SOURCE_SELF,
                  "9": pb.CONTACT_SOURCE_ANONYMOUS, "10": pb.CONTACT_SOURCE_UNSPECIFIED,
                  **{f"3{x}": pb.CONTACT_SOURCE_HEALTH for x in "ABCDEF"},
                  **{code: pb.CONTACT_SOURCE_OTHER_AGENCY for code in ("4", "5A", "5B", "5C", "5D", "7", "8")},
                  "1D": pb.CONTACT_SOURCE_OTHER}
TRUE = ("true", "1")


def _strip_namespaces(root: ET.Element) -> ET.Element:
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root


def read_census(path: Path) -> tuple[ET.Element, str]:
    """The file's root and its collection's name ("CIN census 2025-26"); a file that is not a
    census at all is refused whole, before anything is written."""
    try:
        root = _strip_namespaces(ET.parse(path).getroot())
    except FileNotFoundError:
        raise InvalidArgument(f"There is no file {path}.") from None
    except ET.ParseError as error:
        raise InvalidArgument(f"{path} is not readable XML ({error}); nothing was imported.") from None
    if root.tag != "Message" or root.find("Children") is None:
        raise InvalidArgument(f"{path} is not a CIN census file (it has no Message/Children); nothing was imported.")
    year = (root.findtext("Header/CollectionDetails/Year") or "").strip()
    label = f"{int(year) - 1}-{year[2:]}" if year.isdigit() and len(year) == 4 else "(year not given)"
    return root, f"CIN census {label}"


def import_cin(db, library, signer, path: Path, team_name: str) -> ImportReport:
    root, return_name = read_census(path)
    report = ImportReport()
    migrator = Migrator(db, library, signer, importer(team_name), return_name, report)
    census_day = parse_day(root.findtext("Header/CollectionDetails/ReferenceDate")) or date.today()
    for child in root.findall("Children/Child"):
        ChildImport(migrator, child, min(census_day, date.today())).run()
    return report


def _text(element: ET.Element | None, tag: str) -> str:
    return ((element.findtext(tag) if element is not None else "") or "").strip()


class ChildImport:
    def __init__(self, migrator: Migrator, element: ET.Element, census_day: date):
        self.m, self.element, self.census_day = migrator, element, census_day
        # The first day of the year the return covers (1 April before its census day).
        self.year_start = date(census_day.year - (1 if census_day.month < 4 else 0), 4, 1)
        self.ids = element.find("ChildIdentifiers")
        self.child = _text(self.ids, "LAchildID")
        self.person_id = 0

    def problem(self, where: str, item: str, value: str, reason: str) -> None:
        self.m.report.problems.append(Problem(self.child, where, item, value, reason))

    def day(self, element: ET.Element | None, tag: str, where: str, needed_for: str = "") -> date | None:
        """A date item: None when absent (reported if `needed_for` something, which is then not
        imported); reported, once, when it is not a date."""
        return checked_day(_text(element, tag), needed_for, "YYYY-MM-DD",
                           lambda value, reason: self.problem(where, tag, value, reason))

    def run(self) -> None:
        if not CHILD_ID.match(self.child):
            self.problem("the child", "LAchildID", self.child, "must be letters and digits only; the child was not imported")
            return
        existing = self.m.find_child(self.child)
        if existing is not None:
            self.person_id = existing.id
        elif (made := self.m.create_child(self.child, self.person())) is not None:
            self.person_id = made.id
        if not self.person_id:
            return
        self.child_items()
        for index, details in enumerate(self.element.findall("CINdetails"), start=1):
            EpisodeImport(self, details, index).run()

    def person(self) -> pb.Person:
        ids, where = self.ids, "the child"
        born = self.day(ids, "PersonBirthDate", where) or self.day(ids, "ExpectedPersonBirthDate", where)
        sex_code = _text(ids, "Sex") or _text(ids, "GenderCurrent")
        sex = SEX.get(sex_code.upper())
        if sex is None:
            self.problem(where, "Sex", sex_code, "is not M, F or U; recorded as not known")
            sex = pb.SEX_UNKNOWN
        person = pb.Person(date_of_birth=born.isoformat() if born else "", sex=sex)
        person.upn = checked_upn(_text(ids, "UPN"), lambda value, reason: self.problem(where, "UPN", value, reason))
        traits = self.element.find("ChildCharacteristics")
        ethnicity = _text(traits, "Ethnicity")
        if (answer := ethnicity_answer(self.m.library, ethnicity)) is not None:
            person.characteristics["ethnicity"].CopyFrom(answer)
        elif ethnicity:
            self.problem(where, "Ethnicity", ethnicity, "is not a census ethnicity code; left unrecorded")
        disabilities = [d.text.strip() for d in (traits.findall("Disabilities/Disability") if traits is not None else [])
                        if d.text and d.text.strip()]
        known = {c for c, _l in self.m.library.get("referral-and-information-record").question("disability").choices}
        for code in [d for d in disabilities if d not in known]:
            self.problem(where, "Disability", code, "is not a census disability code; left unrecorded")
        if kept := sorted({d for d in disabilities if d in known}):
            person.characteristics["disability"].CopyFrom(cpb.Answer(value=",".join(kept),
                                                                     status=cpb.ANSWER_STATUS_ANSWERED))
        return person

    def child_items(self) -> None:
        """UPNunknown, former UPN, expected birth and death dates: kept on a migrated record dated
        the census day, the day the return said them."""
        ids = self.ids
        answers = {"upn_unknown": _text(ids, "UPNunknown"), "former_upn": _text(ids, "FormerUPN")}
        for tag, question in (("ExpectedPersonBirthDate", "expected_birth_date"), ("PersonDeathDate", "death_date")):
            if (day := self.day(ids, tag, "the child")) is not None:
                answers[question] = day.isoformat()
        if _text(ids, "PersonBirthDate"):
            answers.pop("expected_birth_date", None)  # born: the birth date is on the person record
        if any(answers.values()):
            self.m.record_items(self.child, self.person_id, self.census_day, "child", answers, "the child")


class EpisodeImport:
    """One CINdetails: its referral, its work in date order, then its closure."""

    def __init__(self, child: ChildImport, element: ET.Element, index: int):
        self.c, self.e = child, element
        self.where = f"CINdetails {index}"
        self.m = child.m

    def day(self, element, tag, needed_for: str = ""):
        return self.c.day(element, tag, self.where, needed_for)

    def run(self) -> None:
        referred = self.day(self.e, "CINreferralDate", "the episode")
        if referred is None:
            return
        self.where = f"CINdetails referred {referred.isoformat()}"
        nfa = _text(self.e, "ReferralNFA").lower() in TRUE
        work = [self.e.findall(tag) for tag in ("Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans")]
        if nfa and any(work):
            self.c.problem(self.where, "ReferralNFA", _text(self.e, "ReferralNFA"),
                           "says no further action, but the episode has assessments or plans; imported as a referral "
                           "that led to further action")
            nfa = False
        if not self.referral(referred, nfa):
            return
        for element in self.e.findall("Assessments"):
            self.assessment(element)
        for element in self.e.findall("CINPlanDates"):
            self.cin_plan(element)
        for element in self.e.findall("Section47"):
            self.section47(element)
        if (icpc := self.day(self.e, "DateOfInitialCPC")) is not None:
            self.items(icpc, "conference", {"icpc_date": icpc.isoformat()})
        for element in self.e.findall("ChildProtectionPlans"):
            self.cp_plan(element)
        self.closure(referred)

    # -- the referral opens (or finds) the episode ---------------------------------------------------
    def referral(self, referred: date, nfa: bool) -> bool:
        person = make_name("people", self.c.person_id)
        code = _text(self.e, "ReferralSource")
        need = _text(self.e, "PrimaryNeedCode")

        def find(session):
            return session.scalar(episodes_opened_on(self.c.person_id, referred))

        answers = {"referral_source": "", "primary_need": need if need and not nfa else ""}
        if self.m.db.read_sync(find) is not None:
            # An earlier run, or last year's return, brought this episode in; a later return may
            # state the primary need the earlier one could not yet. It is kept as this return's
            # year stated it, so last year's return still reads as it was.
            if answers["primary_need"]:
                self.items(max(referred, self.c.year_start), "referral", answers)
            return True
        if self.m.db.read_sync(lambda s: episodes.open_for(s, self.c.person_id)) is not None:
            self.c.problem(self.where, "CINreferralDate", referred.isoformat(),
                           "an earlier episode of this child has no closure date, so this referral would join it; "
                           "import the earlier year's return first, or close that episode")
            return False
        source = CONTACT_SOURCE.get(code, pb.CONTACT_SOURCE_UNSPECIFIED)
        if code and code not in CONTACT_SOURCE:
            self.c.problem(self.where, "ReferralSource", code, "is not a census referral source; recorded as not known")
            code = ""

        def open_episode(session):
            reply = frontdoor.record_contact(session, self.m.principal, pb.RecordContactRequest(
                person=person, received_date=referred.isoformat(), source=source or pb.CONTACT_SOURCE_OTHER,
                reason=f"Referral brought in from the {self.m.return_name}.", confirmed_not_duplicate=True))
            return reply.referral.name

        referral = self.m.attempt(self.c.child, self.where, "CINreferralDate", referred.isoformat(), open_episode)
        if referral is None:
            return False
        self.m.report.count("referrals")
        # The finer census code, and the primary need, as the return gave them.
        answers["referral_source"] = code if code and REFERRAL_SOURCE.get(source) != code else ""
        if any(answers.values()):
            self.items(referred, "referral", answers)
        decision = pb.REFERRAL_DECISION_NO_FURTHER_ACTION if nfa else pb.REFERRAL_DECISION_ASSESSMENT
        self.m.attempt(self.c.child, self.where, "ReferralNFA", "", lambda s: frontdoor.decide(
            s, self.m.principal, pb.DecideReferralRequest(
                name=referral, decision=decision, decided_date=referred.isoformat(),
                reason=f"As recorded in the {self.m.return_name}.")))
        return True

    def items(self, day: date, module: str, answers: dict[str, str]) -> None:
        self.m.record_items(self.c.child, self.c.person_id, day, module, answers, self.where)

    # -- the work ----------------------------------------------------------------------------------
    def assessment(self, element: ET.Element) -> None:
        started = self.day(element, "AssessmentActualStartDate", "the assessment")
        if started is None:
            return
        authorised = self.day(element, "AssessmentAuthorisationDate")
        if authorised is not None and authorised < started:
            self.c.problem(self.where, "AssessmentAuthorisationDate", authorised.isoformat(),
                           f"is before the assessment started ({started.isoformat()}); the assessment was not imported")
            return
        reviewed = self.day(element, "AssessmentInternalReviewDate")
        factors = sorted({f.text.strip() for f in element.findall("FactorsIdentifiedAtAssessment/AssessmentFactors")
                          if f.text and f.text.strip()})
        self.items(started, "assessment", {
            "assessment_start_date": started.isoformat(), "authorisation_date": authorised.isoformat() if authorised else "",
            "internal_review_date": reviewed.isoformat() if reviewed else "", "factors": ",".join(factors)})

    def cin_plan(self, element: ET.Element) -> None:
        self.plan(element, "child_in_need", "CINPlanStartDate", "CINPlanEndDate")

    def plan(self, element: ET.Element, kind: str, start_tag: str, end_tag: str) -> date | None:
        start, end = self.day(element, start_tag, "the plan"), self.day(element, end_tag)
        if start is None:
            return None
        if end is not None and end < start:
            self.c.problem(self.where, end_tag, end.isoformat(),
                           f"is before the plan started ({start.isoformat()}); the plan was not imported")
            return None
        self.m.plan(self.c.child, self.c.person_id, kind, start, end, self.where)
        return start

    def section47(self, element: ET.Element) -> None:
        started = self.day(element, "S47ActualStartDate", "the s47 enquiry")
        if started is None:
            return
        not_required = _text(element, "ICPCnotRequired").lower()
        self.items(started, "section47", {"s47_start_date": started.isoformat(),
                                          "icpc_not_required": "" if not not_required else
                                          "yes" if not_required in TRUE else "no"})
        if (icpc := self.day(element, "DateOfInitialCPC")) is not None:
            if icpc < started:
                self.c.problem(self.where, "DateOfInitialCPC", icpc.isoformat(),
                               f"is before the s47 enquiry began ({started.isoformat()}); left out")
            else:
                self.items(icpc, "conference", {"icpc_date": icpc.isoformat()})

    def cp_plan(self, element: ET.Element) -> None:
        start = self.plan(element, "child_protection", "CPPstartDate", "CPPendDate")
        if start is None:
            return
        self.previous_plans(element, start)
        initial, latest = _text(element, "InitialCategoryOfAbuse"), _text(element, "LatestCategoryOfAbuse")
        self.items(start, "conference", {"cpp_start_date": start.isoformat(), "initial_category": initial})
        reviews = []
        for listed in element.findall("Reviews/CPPreviewDate"):
            if (day := parse_day(listed.text)) is None:
                self.c.problem(self.where, "CPPreviewDate", (listed.text or "").strip(), "is not a date; left out")
            else:
                reviews.append(day)
        reviews = sorted(set(reviews))
        for review in reviews:
            self.items(review, "cp_review", {"cp_review_date": review.isoformat()})
        if latest and (latest != initial or reviews):
            # The latest category, on the last review the return lists (or with the plan's start).
            self.items(reviews[-1] if reviews else start, "cp_review", {"latest_category": latest})

    def previous_plans(self, element: ET.Element, start: date) -> None:
        """ICS counts earlier plans rather than storing the number, so a return that counts plans
        ICS does not hold (from years not yet imported) is said, not silently changed."""
        stated = _text(element, "NumberOfPreviousCPP")
        if not stated.isdigit():
            return
        from sqlalchemy import func, select

        from services.records.models import Plan

        held = self.m.db.read_sync(lambda s: s.scalar(select(func.count()).select_from(Plan).where(
            Plan.person_id == self.c.person_id, Plan.kind == "child_protection", Plan.start_date < start)))
        if held != int(stated):
            self.c.problem(self.where, "NumberOfPreviousCPP", stated,
                           f"ICS holds {held} earlier child protection plan(s) for this child, and counts those; the "
                           "plan was imported. Import the earlier years' returns first, oldest first")

    # -- the end ---------------------------------------------------------------------------------
    def closure(self, referred: date) -> None:
        closed = self.day(self.e, "CINclosureDate")
        reason = _text(self.e, "ReasonForClosure")
        if closed is None:
            return
        if closed < referred:
            self.c.problem(self.where, "CINclosureDate", closed.isoformat(),
                           f"is before the referral ({referred.isoformat()}); the episode was left open")
            return
        person_id = self.c.person_id

        def close(session):
            episode = session.scalar(episodes_opened_on(person_id, referred))
            if episode is None or episode.state != pb.EPISODE_STATE_OPEN:
                return "same"  # closed already: by an earlier run, or by a no-further-action decision
            doc = documents.create(session, self.m.principal, self.m.library, pb.CreateDocumentRequest(
                person=make_name("people", person_id), template_id="closure-record", start_date=closed.isoformat(),
                answers={"closure_date": cpb.Answer(value=closed.isoformat(), status=cpb.ANSWER_STATUS_ANSWERED),
                         "reason_for_closure": cpb.Answer(value=reason, status=cpb.ANSWER_STATUS_ANSWERED)}))
            documents.end(session, self.m.principal, self.m.library, self.m.signer, pb.EndDocumentRequest(
                name=doc.name, etag=doc.etag, state=pb.DOCUMENT_STATE_COMPLETED))
            return "closed"

        if self.m.attempt(self.c.child, self.where, "ReasonForClosure", reason, close) == "closed":
            self.m.report.count("closures")


def episodes_opened_on(person_id: int, day: date):
    from sqlalchemy import select

    from services.records.models import Episode

    return select(Episode).where(Episode.person_id == person_id, Episode.opened_date == day).order_by(
        Episode.id).limit(1)
