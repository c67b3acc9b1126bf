"""`ics admin import 903 DIR`: a council's past SSDA903 returns brought into ICS.

The tables are found by their columns, as the DfE's own validator finds them, whatever the files
are called. Import the CIN census of the same years first (a child becomes looked after within
an episode of need, which the census brings in), then the 903 returns, oldest first. Through the
records service's write paths (services/records/returns/migration.py):

- Header: the child (found by their id, or made), with sex, date of birth, ethnicity and UPN; the
  young mother's items go on a migrated record.
- Episodes: the looked-after periods (an S row starts one, a reason other than X1 ends it), the
  legal status changes, and the placements, each with a carer on the register found or made by
  its placement type, provider, postcode and URN.
- SWEpisodes: allocations, to the ICS user the return's SW_ID names (XX and their number).
- Reviews, Missing, OC2, OC3, AD1, PlacedAdoption, PrevPerm, UASC, DoLo: migrated records holding
  exactly those items.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from ics.records.v1 import records_pb2 as pb
from services.common.errors import InvalidArgument
from services.common.names import make_name
from services.records import allocations, care, people, placements
from services.records.models import Allocation, CarePeriod, Carer, LegalStatusSpan, Placement
from services.records.returns.collection import parse_day
from services.records.returns.migration import (CHILD_ID, ImportReport, Migrator, Problem, checked_day, checked_upn,
                                                 ethnicity_answer, importer)
from services.records.returns.ssda903 import DOLO, TABLES

SEX = {"M": pb.SEX_MALE, "F": pb.SEX_FEMALE, "U": pb.SEX_UNKNOWN, "1": pb.SEX_MALE, "2": pb.SEX_FEMALE}
YES_NO = {"1": "yes", "0": "no"}
PLACEMENT_CHANGES = ("S", "P", "T", "B", "U")
STATUS_CHANGES = ("S", "L", "B", "U")
# Which kind of carer on the register each placement type is with (../shared/docs/returns.md).
CARER_KIND = {**{f"U{n}": "kinship_carer" for n in (1, 2, 3)}, **{f"U{n}": "foster_carer" for n in (4, 5, 6)},
              **{code: "adopter" for code in ("A3", "A4", "A5", "A6")}, "H5": "supported_lodgings"}
SW_ID = re.compile(r"^XX0*(\d+)$")
ALL_TABLES = {**TABLES, "DoLo": DOLO}


@dataclass
class Row:
    table: str
    number: int  # the line in its file, for the report
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


def read_tables(folder: Path) -> dict[str, list[Row]]:
    """Every CSV in `folder` named by its column set; a folder with no Header is refused whole."""
    if not folder.is_dir():
        raise InvalidArgument(f"There is no folder {folder}.")
    tables: dict[str, list[Row]] = {}
    by_columns = {frozenset(columns): name for name, columns in ALL_TABLES.items()}
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = frozenset(c.strip().upper() for c in reader.fieldnames or [])
            name = by_columns.get(columns)
            if name is None:
                raise InvalidArgument(f"{path.name} is not an SSDA903 table (its columns match none of the eleven); "
                                      "nothing was imported.")
            tables[name] = [Row(name, number, {k.strip().upper(): v for k, v in row.items() if k})
                            for number, row in enumerate(reader, start=2)]
    if "Header" not in tables:
        raise InvalidArgument(f"{folder} has no Header table (CHILD, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB); "
                              "nothing was imported.")
    return tables


def import_903(db, library, signer, folder: Path, team_name: str, year: int | None = None) -> ImportReport:
    tables = read_tables(folder)
    report = ImportReport()
    dates = [d for row in tables.get("Episodes", []) for d in (parse_day(row.get("DECOM")),) if d]
    # The collection's year: the one its Episodes reach into (31 March after the last start).
    ends = year or (max(dates).year + (1 if max(dates).month > 3 else 0) if dates else date.today().year)
    census_day = min(date(ends, 3, 31), date.today())
    migrator = Migrator(db, library, signer, importer(team_name), f"SSDA903 {ends - 1}-{str(ends)[2:]}", report)
    by_child: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for name, rows in tables.items():
        for row in rows:
            by_child[row.get("CHILD")][name].append(row)
    for child, rows in sorted(by_child.items()):
        ChildImport(migrator, child, rows, census_day).run()
    return report


class ChildImport:
    def __init__(self, migrator: Migrator, child: str, rows: dict[str, list[Row]], census_day: date):
        self.m, self.child, self.rows, self.census_day = migrator, child, rows, census_day
        self.person_id = 0

    def problem(self, row: Row | None, item: str, value: str, reason: str) -> None:
        where = f"{row.table} line {row.number}" if row else "the child"
        self.m.report.problems.append(Problem(self.child, where, item, value, reason))

    def day(self, row: Row, column: str, needed_for: str = "") -> date | None:
        """A date: None when absent (reported if `needed_for` something, which is then not
        imported); reported, once, when it is not a date."""
        return checked_day(row.get(column), needed_for, "dd/mm/yyyy",
                           lambda value, reason: self.problem(row, column, value, reason))

    def items(self, day: date, module: str, answers: dict[str, str], row: Row) -> None:
        self.m.record_items(self.child, self.person_id, min(day, date.today()), module, answers,
                            f"{row.table} line {row.number}")

    # -- the child -------------------------------------------------------------------------------
    def run(self) -> None:
        headers = self.rows.get("Header", [])
        if not CHILD_ID.match(self.child):
            self.problem(headers[0] if headers else None, "CHILD", self.child,
                         "must be letters and digits only; the child was not imported")
            return
        if not headers:
            first = next(iter(r for rows in self.rows.values() for r in rows))
            self.problem(first, "CHILD", self.child, "has no Header row; the child was not imported")
            return
        header = headers[0]
        existing = self.m.find_child(self.child)
        if existing is not None:
            self.person_id = existing.id
            self.home_postcode(existing, header)
        elif (made := self.m.create_child(self.child, self.person(header))) is not None:
            self.person_id = made.id
        if not self.person_id:
            return
        self.header_items(header)
        self.episodes()
        self.social_workers()
        self.answers()

    def person(self, header: Row) -> pb.Person:
        born = self.day(header, "DOB")
        sex = SEX.get(header.get("SEX").upper())
        if sex is None:
            self.problem(header, "SEX", header.get("SEX"), "is not M, F or U; recorded as not known")
            sex = pb.SEX_UNKNOWN
        person = pb.Person(date_of_birth=born.isoformat() if born else "", sex=sex)
        upn = header.get("UPN")
        if not upn.startswith("UN"):  # a UN code says why there is none (kept by header_items)
            person.upn = checked_upn(upn, lambda value, reason: self.problem(header, "UPN", value, reason))
        ethnicity = header.get("ETHNIC")
        if (answer := ethnicity_answer(self.m.library, ethnicity)) is not None:
            person.characteristics["ethnicity"].CopyFrom(answer)
        elif ethnicity:
            self.problem(header, "ETHNIC", ethnicity, "is not an ethnicity code; left unrecorded")
        home = next((r.get("HOME_POST") for r in self.rows.get("Episodes", []) if r.get("HOME_POST")), "")
        person.postcode = home
        return person

    def home_postcode(self, existing, header: Row) -> None:
        """A child the census brought in has no address; the 903 gives the home postcode."""
        home = next((r.get("HOME_POST") for r in self.rows.get("Episodes", []) if r.get("HOME_POST")), "")
        if not home or existing.postcode:
            return
        self.m.attempt(self.child, "the child", "HOME_POST", home, lambda s: people.update(
            s, self.m.principal, pb.Person(name=make_name("people", existing.id), postcode=home,
                                           etag=str(existing.version)), ["postcode"]))

    def header_items(self, header: Row) -> None:
        answers = {}
        if header.get("UPN").startswith("UN"):
            answers["upn_unknown"] = header.get("UPN")
        if answers:
            self.items(self.census_day, "child", answers, header)
        mother = YES_NO.get(header.get("MOTHER"), "")
        if header.get("MOTHER") and not mother:
            self.problem(header, "MOTHER", header.get("MOTHER"), "is not 1 or 0; left out")
        child_born = self.day(header, "MC_DOB")
        if mother:
            self.items(self.census_day, "looked_after", {
                "young_mother": mother, "mothers_child_dob": child_born.isoformat() if child_born else ""}, header)

    # -- looked-after periods, legal statuses and placements --------------------------------------
    def episodes(self) -> None:
        rows = sorted(self.rows.get("Episodes", []), key=lambda r: (parse_day(r.get("DECOM")) or date.max, r.number))
        previous: Row | None = None
        for row in rows:
            begins = self.day(row, "DECOM", "the episode row")
            if begins is None:
                previous = None
                continue
            ends = self.day(row, "DEC")
            if ends is not None and ends < begins:
                self.problem(row, "DEC", row.get("DEC"),
                             f"is before the episode began ({row.get('DECOM')}); the episode row was not imported")
                previous = None
                continue
            if not self.episode_row(row, begins, previous):
                previous = None
                continue
            if ends is not None and row.get("REC") and row.get("REC") != "X1":
                self.end_period(row, ends)
            previous = row

    def period_on(self, session, day: date) -> CarePeriod | None:
        return session.scalar(select(CarePeriod).where(
            CarePeriod.child_id == self.person_id, CarePeriod.start_date <= day,
            (CarePeriod.end_date.is_(None)) | (CarePeriod.end_date > day)).order_by(CarePeriod.id.desc()).limit(1))

    def episode_row(self, row: Row, begins: date, previous: Row | None) -> bool:
        """One row: the period it belongs to (started by an S row), its legal status and its
        placement, each written only if an earlier run or year has not already."""
        rne, status, need = row.get("RNE"), row.get("LS"), row.get("CIN")
        person = make_name("people", self.person_id)

        def period(session) -> str:
            current = self.period_on(session, begins)
            if current is not None:
                return "found"
            if rne != "S":
                raise InvalidArgument(f"RNE {rne} continues a looked-after period this return does not start and ICS "
                                      "does not hold; import the earlier years' returns first",
                                      {"RNE": f"{rne} continues a period ICS does not hold; import earlier years first"})
            care.start(session, self.m.principal, self.m.library, pb.StartCareRequest(
                child=person, start_date=begins.isoformat(), legal_status=status, category_of_need=need))
            return "started"

        outcome = self.m.attempt(self.child, f"Episodes line {row.number}", "DECOM", row.get("DECOM"), period)
        if outcome is None:
            return False
        if outcome == "started":
            self.m.report.count("looked-after periods")
        elif rne in STATUS_CHANGES:
            self.m.attempt(self.child, f"Episodes line {row.number}", "LS", status, lambda s: self.legal_status(
                s, begins, status))
        if rne in PLACEMENT_CHANGES and row.get("PLACE"):
            reason = previous.get("REASON_PLACE_CHANGE") if previous is not None else ""
            self.m.attempt(self.child, f"Episodes line {row.number}", "PLACE", row.get("PLACE"),
                           lambda s: self.place(s, row, begins, reason or care.DEFAULT_REASON_PLACE_CHANGE))
        return True

    def legal_status(self, session, begins: date, code: str) -> None:
        current = self.period_on(session, begins)
        spans = list(session.scalars(select(LegalStatusSpan).where(LegalStatusSpan.care_period_id == current.id)))
        in_force = [s for s in spans if s.start_date <= begins and (s.end_date is None or s.end_date > begins)]
        if any(s.code == code for s in in_force) or any(s.start_date == begins and s.code == code for s in spans):
            return  # brought in already
        care.change_legal_status(session, self.m.principal, self.m.library, pb.ChangeLegalStatusRequest(
            name=make_name("care-periods", current.id), legal_status=code, start_date=begins.isoformat(),
            etag=str(current.version)))

    def place(self, session, row: Row, begins: date, reason_before: str) -> None:
        if session.scalar(select(Placement.id).where(Placement.child_id == self.person_id,
                                                     Placement.start_date == begins)):
            return  # brought in already
        carer = self.carer(session, row)
        current = session.scalar(select(Placement).where(Placement.child_id == self.person_id,
                                                         Placement.end_date.is_(None)))
        if current is not None:
            placements.end(session, self.m.principal, self.m.library, pb.EndPlacementRequest(
                name=make_name("placements", current.id), end_date=begins.isoformat(), end_reason=reason_before,
                etag=str(current.version)))
        placements.start(session, self.m.principal, self.m.library, pb.Placement(
            child=make_name("people", self.person_id), carer=carer, start_date=begins.isoformat(),
            placement_type=row.get("PLACE"), provider=row.get("PLACE_PROVIDER")))
        self.m.report.count("placements")

    def carer(self, session, row: Row) -> str:
        """The register's carer for this placement: the same type, postcode and URN is the same
        carer; otherwise one is added, named for where they are."""
        place, postcode, urn = row.get("PLACE"), row.get("PL_POST").upper(), row.get("URN")
        kind = CARER_KIND.get(place, "childrens_home" if place.startswith(("K", "R", "S")) else "foster_carer")
        found = session.scalar(select(Carer).where(Carer.kind == kind, Carer.postcode == postcode, Carer.urn == urn,
                                                   Carer.active.is_(True)).order_by(Carer.id).limit(1))
        if found is not None:
            return make_name("carers", found.id)
        made = placements.create_carer(session, self.m.principal, pb.Carer(
            kind=kind, display_name=f"Carer at {postcode or 'an unrecorded address'} (from the {self.m.return_name})",
            postcode=postcode, urn=urn))
        self.m.report.count("carers")
        return made.name

    def end_period(self, row: Row, ends: date) -> None:
        def work(session) -> None:
            current = session.scalar(select(CarePeriod).where(
                CarePeriod.child_id == self.person_id, CarePeriod.start_date <= ends).order_by(
                CarePeriod.start_date.desc(), CarePeriod.id.desc()).limit(1))
            if current is None or current.end_date is not None:
                return  # ended already, by an earlier run
            care.end(session, self.m.principal, self.m.library, pb.EndCareRequest(
                name=make_name("care-periods", current.id), end_date=ends.isoformat(), end_reason=row.get("REC"),
                reason_place_change=row.get("REASON_PLACE_CHANGE"), etag=str(current.version)))

        self.m.attempt(self.child, f"Episodes line {row.number}", "REC", row.get("REC"), work)

    # -- social workers ----------------------------------------------------------------------------
    def social_workers(self) -> None:
        rows = sorted(self.rows.get("SWEpisodes", []), key=lambda r: (parse_day(r.get("SW_DECOM")) or date.max,
                                                                      r.number))
        for row in rows:
            begins, sw_id = self.day(row, "SW_DECOM", "the social worker episode"), row.get("SW_ID")
            if begins is None:
                continue
            matched = SW_ID.match(sw_id)
            if matched is None:
                self.problem(row, "SW_ID", sw_id, "must name an ICS user as XX and their number; the social worker "
                                                  "episode was not imported")
                continue
            worker = int(matched.group(1))

            def allocate(session) -> str:
                if session.scalar(select(Allocation.id).where(Allocation.person_id == self.person_id,
                                                              Allocation.worker_user == worker,
                                                              Allocation.start_date <= begins,
                                                              (Allocation.end_date.is_(None))
                                                              | (Allocation.end_date > begins))):
                    return "same"  # already holding the case then
                allocations.allocate(session, self.m.principal, pb.Allocation(
                    person=make_name("people", self.person_id), worker=make_name("users", worker),
                    worker_display_name=f"Social worker {sw_id} (from the {self.m.return_name})",
                    team=self.m.principal.primary_team, start_date=begins.isoformat(),
                    reason=f"As the {self.m.return_name} records."))
                return "allocated"

            if self.m.attempt(self.child, f"SWEpisodes line {row.number}", "SW_ID", sw_id, allocate) == "allocated":
                self.m.report.count("allocations")
            if row.get("SW_REASON") and row.get("SW_REASON") not in ("FCONTA", "OTHERS"):
                self.items(begins, "social_worker", {"sw_reason": row.get("SW_REASON")}, row)

    # -- everything kept as answers ----------------------------------------------------------------
    def answers(self) -> None:
        for row in self.rows.get("Reviews", []):
            if (day := self.day(row, "REVIEW")) is not None:
                self.items(day, "la_review", {"review_date": day.isoformat(), "participation": row.get("REVIEW_CODE")},
                           row)
        for row in self.rows.get("Missing", []):
            started, ended = self.day(row, "MIS_START", "the missing episode"), self.day(row, "MIS_END")
            if started is None:
                continue
            if ended is not None and ended < started:
                self.problem(row, "MIS_END", row.get("MIS_END"), "is before it began; the missing episode was not "
                                                                 "imported")
            else:
                self.items(started, "missing", {"missing_type": row.get("MISSING"), "missing_start": started.isoformat(),
                                                "missing_end": ended.isoformat() if ended else ""}, row)
        for row in self.rows.get("OC2", []):
            self.items(self.census_day, "health", {
                "sdq_score": row.get("SDQ_SCORE"), "sdq_reason": row.get("SDQ_REASON"),
                **{question: YES_NO.get(row.get(column), "") for question, column in (
                    ("convicted", "CONVICTED"), ("health_check", "HEALTH_CHECK"), ("immunisations", "IMMUNISATIONS"),
                    ("teeth_check", "TEETH_CHECK"), ("health_assessment", "HEALTH_ASSESSMENT"),
                    ("substance_misuse", "SUBSTANCE_MISUSE"), ("intervention_received", "INTERVENTION_RECEIVED"),
                    ("intervention_offered", "INTERVENTION_OFFERED"))}}, row)
        for row in self.rows.get("OC3", []):
            self.items(self.census_day, "care_leaver", {"in_touch": row.get("IN_TOUCH"), "activity": row.get("ACTIV"),
                                                        "accommodation": row.get("ACCOM")}, row)
        for row in self.rows.get("AD1", []):
            self.items(self.census_day, "adoption", {
                "date_should_be_placed": self.iso(row, "DATE_INT"), "date_matched": self.iso(row, "DATE_MATCH"),
                "adopted_by_foster_carers": YES_NO.get(row.get("FOSTER_CARE"), ""),
                "number_of_adopters": row.get("NB_ADOPTR"), "sex_of_adopters": row.get("SEX_ADOPTR"),
                "legal_status_of_adopters": row.get("LS_ADOPTR")}, row)
        for row in self.rows.get("PlacedAdoption", []):
            if (decided := self.day(row, "DATE_PLACED")) is not None:
                self.items(decided, "adoption", {"date_placed": decided.isoformat(),
                                                 "date_placed_ceased": self.iso(row, "DATE_PLACED_CEASED"),
                                                 "reason_placed_ceased": row.get("REASON_PLACED_CEASED")}, row)
        starts = sorted(parse_day(r.get("DECOM")) for r in self.rows.get("Episodes", [])
                        if r.get("RNE") == "S" and parse_day(r.get("DECOM")))
        for row in self.rows.get("PrevPerm", []):
            # Asked when a period starts: kept on the day the latest period in the return began.
            self.items(starts[-1] if starts else self.census_day, "previous_permanence", {
                "prev_perm": row.get("PREV_PERM"), "la_perm": row.get("LA_PERM"), "date_perm": row.get("DATE_PERM")},
                row)
        for row in self.rows.get("UASC", []):
            if (ceased := self.day(row, "DUC")) is not None:
                self.items(self.census_day, "looked_after", {"uasc_ceased": ceased.isoformat()}, row)
        for row in self.rows.get("DoLo", []):
            if (started := self.day(row, "DOLO_START")) is not None:
                self.items(started, "deprivation_of_liberty", {"dolo_start": started.isoformat(),
                                                               "dolo_end": self.iso(row, "DOLO_END")}, row)

    def iso(self, row: Row, column: str) -> str:
        day = self.day(row, column)
        return day.isoformat() if day else ""
