"""Synthetic councils for demos and measurement: `ics admin generate --children N --years Y --seed S`.

Every record goes through the same functions the records service runs for a gRPC call, so the
data has the shape real use gives it (outbox events, audit, episodes, snapshots); a refusal by a
service is an error here too (only the service's same-day ALREADY_EXISTS for one piece of work is
accepted). The same seed and `--until` date give the same council. All names are made up.

Each child's journey is simulated in date order, one child at a time, and written as it goes:
- Contacts per child follow the evaluation's shape (L2059-L2084): 44% one, 74% at most four, a
  quarter five to 44, spread over up to two and a half years. Siblings (1-4) share a family name.
- A child of school age (5 or over) at their first contact has the UPN their school gave them; the
  front door records each child's ethnicity (10% not known or declined) and disability (86% none).
- A contact while the child's case is open joins the open episode (decided "assessment": passed to
  the allocated worker). Otherwise the duty decision is no further action 35%, advice 15%,
  assessment 40%, strategy discussion 10% (an NFA or advice closes the episode that day).
- Assessment: a team leader allocates the case to a social worker (Children in Need team); the
  single assessment takes 10-45 working days (the team leader authorises it the day it ends) and
  concludes no further action 30% (closed RC8), early help 20% (closed RC9), child in need plan
  42%, strategy discussion 8%, recording the factors found (or "no factors", 21, for some that
  close) and the child's primary need (N1 abuse or neglect 55%...). One not finished by `--until`
  stays in progress.
- Strategy discussion: a manager allocates the case to the Child Protection team; s47 enquiries
  take 5-15 working days and conclude conference 45%, child in need plan 35%, NFA 20% (RC7). The
  initial conference (15 working days after the discussion) makes a child protection plan 85%,
  a child in need plan 12%, NFA 3%.
- Plans state 2-3 outcomes that are changes for the child (age-appropriate), each with one or two
  actions (who, what, by when); one or two actions change (done, or a new date) between reviews.
  Child in need plans are reviewed every 3 months, 1-4 times, then close or step down (RC7), or
  escalate to a strategy discussion (5% of reviews). Child protection plans are reviewed at 3
  months, then every 6, 1-3 times, then become a child in need plan (55%) or close (45%). Each
  review is a completed review record (child-in-need-review, child-protection-review) and records
  progress against every current outcome (achieved outcomes end; a new one keeps 2-3 current); a
  review that decides the plan ends ends it that day, so the next plan never overlaps it.
- Looked after: 6.5% of children, spread evenly through the run (a child is chosen each time the
  running share reaches a whole child, among those first referred at least 300 days before
  `--until`). Two thirds come in after an assessment ("legal"), a third through child protection
  (conference, plan, then its first review decides so). A carers register is made first by a team
  leader: two of each kind, then foster 60%, kinship 20%, children's homes 14%, adopters 6%, with
  equality data and answer statuses (85% answered, 8% declined, 7% not known); each carer at an
  address of their own, in a real postcode of one London borough (families live at others there),
  with the Ofsted URN of the service that approved them (the council's fostering service or adoption
  agency; a third of foster carers are an agency's, placed as private provision). Legal status:
  section 20 (V2) 55%, interim care order (C1) 35%, emergency protection (L2) 10% (then C1 after 8
  days); C1 becomes a care order (C2) in 70% after 4-10 months, V2 becomes C1 in 20%. Placements:
  foster 60 / kinship 20 (/ children's home 30 from age 10) by weight; they move 0 (50%), 1 (30%), 2
  (15%) or 3 (5%) times. The social worker visits within a week of each placement, then every 3-6
  weeks (every 2-3 months after its first year), each visit a completed case note (a statutory
  visit), drawn from a generator of their own. On the first day the worker completes a care plan
  (the SSDA903's mother and previous permanence answers) and, for a child of 4 or over, records
  their UPN (for a younger child the referral record says why there is none, UN1; the UPN follows at
  the first review after their 4th birthday). The care plan is reviewed at each looked-after review
  (20 working days, 3 months later, then every 6 months), which records the child's participation
  (PN0-PN7) and their health as the 903 asks it for their age (health assessment, immunisations,
  teeth, health check under 5, SDQ score or its reason, convictions from 9 (the 903 asks them from
  10 on 31 March), substance misuse). 45% leave care 4-23 months after starting (home as planned,
  SGO, child arrangements order...), and the case closes 10-40 days later. Under-8s with 11 months
  or more to go are adopted in 30% of those cases, the long way round: the decision that they should
  be placed for adoption (an adoption plan), a placement order (E1), matching (a second adoption
  plan with the adopters' details), placement with the adopters (A6) and the adoption order (E11) at
  least ten weeks later.
- Every record is completed on the day the history says (documents.end's `ended_on`), so its
  snapshot, signature and clocks show that day, not the day the council was generated.
- Beyond the journey (services/records/generate_detail.py, each from a generator of its own so the
  same seed still makes the same children, episodes and returns): each child's religion, first
  language, dietary needs and birth parents' heritage, answered, not known, declined or never
  asked; the child's own words in most records that ask for them (not the referral record) of
  children over four, 88 in 100 (a baby's as the worker reads them, or not applicable);
  countersignatures by a team leader (assessments 60%, plans 50%, closures 50%, reviews 30%) and
  signatures of parents and young people of 12 or over, witnessed by the worker, up to five working
  days after completion; and time at the editor: every record is saved in sittings on its own
  working days (a single assessment 3.5-9 hours over its weeks, a review or plan 1.5-5 hours, a
  case note minutes), so editing time and a record's creation fall on the history's days.
- Re-referrals: any later contact after a closure reopens the case; one within 12 months of the
  previous referral is flagged by the front door, and `re_referrals` counts those returns.

With `--children 2000 --years 3 --seed 1 --until 2026-10-30` this gives 7,801 referrals (23% of
them returns within 12 months of a closure), 75% of children allocated, 50% with a plan, 6.5%
looked after (1.6 placements each, 3 adopted), and 29% of children with an episode still open at
the end. Its SSDA903 returns for 2024-25 and 2025-26 (126 children) and the CIN census pass the
public DfE validators with no error.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, timezone

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.alerts.calendar import WorkingCalendar
from services.common.auth import Principal
from services.common.dates import today_london
from services.common.db import Database
from services.common.errors import AlreadyExists
from services.common.names import parse_name
from services.records import (allocations, care, documents, editing_time, frontdoor, generate_detail, people,
                              placements, plans, relationships)
from services.records.identifiers import upn_check_letter
from services.records.models import Document
from services.records.template_library import Template, TemplateLibrary

GIVEN = ("Aled", "Bea", "Cai", "Dilys", "Eben", "Ffion", "Gethin", "Hedd", "Iona", "Jac", "Kezia", "Lowri",
         "Macsen", "Nel", "Osian", "Pip", "Rhodri", "Sian", "Tomos", "Wren", "Yanto", "Zara")
FAMILY = ("Abernant", "Brynmor", "Caerwyn", "Dolwen", "Eglwys", "Foxhall", "Glanrafon", "Hafod", "Islwyn",
          "Jubilee", "Kestrel", "Llanfair", "Maesteg", "Nantgarw", "Ogmore", "Penrhos", "Quarry", "Rhosyn",
          "Sarnau", "Tregaron", "Ystrad", "Wenvoe")
REASONS = ("Police report a domestic incident with the child present.", "School worried about bruising.",
           "Health visitor concerned about home conditions.", "Neighbour reports the children left alone.",
           "Parent asks for help with the child's behaviour.", "Child missing from home overnight.")
LOOKED_AFTER_SHARE = 0.065
ASSESSMENT, STRATEGY = pb.REFERRAL_DECISION_ASSESSMENT, pb.REFERRAL_DECISION_STRATEGY_DISCUSSION
# Outcomes are changes for the child ({n}: their name), for the ages they fit, each with actions.
OUTCOMES = (
    (0, 4, "{n} is weighed every month and stays on their growth curve",
     (("Health visitor", "Weigh {n} at the clinic each month"), ("Mum", "Keep the feeding diary for each visit"))),
    (0, 4, "{n} sleeps in a safe cot in a clean, warm room every night",
     (("Parents", "Clear the bedroom and set up the cot"),
      ("Family support worker", "Help keep the home clean weekly"))),
    (0, 17, "{n} lives in a home free from violence and says they feel safe there",
     (("Dad", "Complete the domestic abuse perpetrator programme"), ("Social worker", "See {n} alone on every visit"))),
    (5, 16, "{n} goes to school every day and arrives on time",
     (("Mum", "Walk {n} to school each morning"), ("School", "Ring Mum by 9:30 if {n} is not in"))),
    (0, 17, "{n} is cared for by a parent who is not under the influence of drugs or alcohol",
     (("Mum", "Go to the drug and alcohol service each week"), ("Mum", "Give hair-strand tests when asked"))),
    (2, 17, "{n} has enough to eat every day",
     (("Parents", "Use the food bank vouchers and the budget plan"), ("Family support worker", "Plan weekly meals"))),
    (10, 17, "{n} comes home at the agreed time and is never missing overnight",
     (("Mum", "Agree a curfew with {n} and report missing after an hour"), ("Youth worker", "Meet {n} weekly"))),
    (5, 17, "{n} has a trusted adult to talk to every week",
     (("School", "Name a mentor who sees {n} each Monday"), ("Social worker", "Introduce {n} to the mentor"))),
    (0, 17, "{n} sees Dad safely every fortnight",
     (("Contact centre", "Book fortnightly supervised time"), ("Dad", "Arrive on time and sober"))),
    (0, 17, "{n}'s health, dental and eye checks are up to date",
     (("Mum", "Book the dentist and optician"), ("School nurse", "Check the appointments were kept"))),
)
CARE_OUTCOMES = (
    "{n} lives with carers who meet their needs and stays at the same school",
    "{n} sees Mum and their brothers and sisters safely every week",
    "{n} knows their life story and why they are looked after",
    "{n}'s health assessment and dental checks are done on time",
)
PROGRESS_WORDS = {pb.PROGRESS_ACHIEVED: "achieved", pb.PROGRESS_PARTLY: "progressing", pb.PROGRESS_NOT_YET: "no_change"}
ETHNICITY = ("WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "MWBA", "AIND", "APKN", "BAFR", "BCRB", "CHNE", "OOTH")
RELIGION = ("None", "Christian", "Muslim", "Hindu", "Sikh", "Jewish", "Buddhist")
# Postcodes that exist (the SSDA903 validator measures placement distances from them), all in
# one London borough so the synthetic council's own placements are in its own area. Families and
# carers never share one, so a child is never "placed" at their family's postcode.
HOME_POSTCODES = (
    "KT1 4AG", "SW13 0HZ", "SW13 8HB", "SW13 9SN", "SW14 7QN", "SW14 8NL", "SW14 9EQ", "TW1 1UA", "TW1 2RJ",
    "TW1 3NR", "TW1 4JF", "TW1 9DY", "TW10 5NA", "TW10 6QR", "TW10 7HN", "TW11 0BZ", "TW11 0XY", "TW11 8LU",
    "TW11 9BQ", "TW11 9WP", "TW12 1TB", "TW12 2NW", "TW12 3EW", "TW12 9EW", "TW2 5SA", "TW2 6NQ", "TW2 7LD",
    "TW4 5PD", "TW9 1PY", "TW9 2ET", "TW9 2XB", "TW9 3WE", "TW9 4SY")
CARER_POSTCODES = (
    "KT1 4EP", "KT2 5PX", "SW13 0BX", "SW13 0PD", "SW13 0XL", "SW13 3BN", "SW13 9BQ", "SW13 9HW", "SW13 9PE",
    "SW13 9ZQ", "SW14 7DX", "SW14 7JY", "SW14 7XH", "SW14 8BP", "SW14 8HF", "SW14 8RR", "SW14 8WX", "SW14 9AJ",
    "TW1 1EF", "TW1 1LB", "TW1 1QJ", "TW1 2AL", "TW1 2EU", "TW1 2LY", "TW1 2UL", "TW1 3BF", "TW1 3HL", "TW1 3SP",
    "TW1 3WX", "TW1 4DJ", "TW1 4PS", "TW1 4TA", "TW1 4YH", "TW1 9HN", "TW1 9SY", "TW10 5DW", "TW10 6DE",
    "TW10 6GG", "TW10 6LL", "TW10 6UB", "TW10 6YD", "TW10 7BX", "TW10 7NS", "TW10 7TT", "TW10 7XY", "TW11 0JH",
    "TW11 0PP", "TW11 0TA", "TW11 1EE", "TW11 8DJ", "TW11 8GL", "TW11 8QX", "TW11 8TZ", "TW11 8YA", "TW11 9HF",
    "TW11 9NJ", "TW11 9RU", "TW12 1BN", "TW12 1HN", "TW12 1NW", "TW12 1XW", "TW12 2DU", "TW12 2HU", "TW12 2SH",
    "TW12 2WS", "TW12 3AF", "TW12 3RF", "TW12 3WP", "TW12 9AQ", "TW2 5DA", "TW2 5HJ", "TW2 5NU", "TW2 5WR",
    "TW2 6AS", "TW2 6HH", "TW2 6RX", "TW2 6WN", "TW2 7DU", "TW2 7QZ", "TW2 7UH", "TW3 3UN", "TW9 1AU", "TW9 1FG",
    "TW9 1JQ", "TW9 1SZ", "TW9 1XA", "TW9 2AF", "TW9 2JF", "TW9 2PN", "TW9 2SZ", "TW9 3AZ", "TW9 3HQ", "TW9 3PL",
    "TW9 4BQ", "TW9 4HJ", "TW9 4NZ", "TW9 9BZ", "TW9 9GH", "TW9 9LP")
# Ofsted's unique reference numbers for the council's own fostering service (its foster and
# family and friends carers are approved by it) and adoption agency; agencies' carers have their own.
FOSTERING_SERVICE_URN, ADOPTION_AGENCY_URN = "SC900301", "SC900302"
ADOPTERS = (("1", "F1", "L0"), ("2", "MF", "L11"), ("2", "FF", "L12"), ("2", "MM", "L2"), ("2", "MF", "L3"))


@dataclass
class Generated:
    children: int = 0
    contacts: int = 0
    documents: int = 0
    allocations: int = 0
    plans: int = 0
    reviews: int = 0
    action_updates: int = 0
    closures: int = 0
    re_referrals: int = 0
    carers: int = 0
    care_periods: int = 0
    placements: int = 0
    visits: int = 0
    signatures: int = 0

    def summary(self) -> str:
        """"15 children, 40 contacts and referrals, ...": every count, for the command line."""
        words = {"contacts": "contacts and referrals", "documents": "completed documents", "re_referrals":
                 "re-referrals after closure", "care_periods": "looked-after periods", "action_updates":
                 "action changes", "closures": "closure records", "reviews": "plan reviews",
                 "visits": "statutory visits", "signatures": "signatures beyond the author's"}
        return ", ".join(f"{getattr(self, f.name)} {words.get(f.name, f.name)}" for f in fields(self))


def history_instant(day: date) -> datetime:
    """When documents.end counts a record completed on `day` (its `ended_on`): noon UTC."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)


def contacts_for_child(rng: random.Random) -> int:
    draw = rng.random()
    if draw < 0.44:
        return 1
    if draw < 0.74:
        return rng.randint(2, 4)
    return min(44, 5 + int(rng.expovariate(1 / 6)))


def plausible_answers(template: Template, chosen: dict[str, str], day: date,
                      rng: random.Random) -> dict[str, cpb.Answer]:
    """`chosen`, plus an answer to every mandatory question the pathway then shows."""
    values = dict(chosen)
    for _ in range(5):  # an answer can open a pathway with more mandatory questions
        for _section, questions in template.visible(values):
            for q in questions:
                if not q.mandatory or q.id in values:
                    continue
                values[q.id] = {"date": day.isoformat(), "yes_no": rng.choice(("yes", "no")), "number": "1",
                                "choice": rng.choice(q.choices)[0] if q.choices else "",
                                "multi_choice": rng.choice(q.choices)[0] if q.choices else ""}.get(
                    q.type, "Recorded in the synthetic council.")
    return {k: cpb.Answer(value=v, status=cpb.ANSWER_STATUS_ANSWERED) for k, v in values.items() if v}


class Council:
    """What every journey in one run shares: the database, the staff, the calendar, the counts."""

    def __init__(self, db: Database, library: TemplateLibrary, signer, staff: dict[str, Principal],
                 rng: random.Random, until: date, visits: random.Random, seed: int | str = 0):
        self.db, self.library, self.signer, self.rng, self.until = db, library, signer, rng, until
        # Statutory visits draw from a generator of their own, so adding them left every other
        # draw (children, episodes, placements, returns) as it was for the same seed; so do the
        # details the reports show beyond the journey (generate_detail).
        self.visits = visits
        self.identities = random.Random(f"{seed}-identity2")
        self.words = random.Random(f"{seed}-words")
        self.signing = random.Random(f"{seed}-signatures")
        self.editing = random.Random(f"{seed}-editing")
        self.calendar = WorkingCalendar()
        self.counts = Generated()
        self.duty, self.leader, self.manager = staff["duty"], staff["leader"], staff["manager"]
        # Children in need cases go to a worker in a team the leader leads; child protection to
        # one in the Child Protection team, which a manager allocates.
        self.cin_worker, self.cp_worker = staff["worker"], staff["worker2"]
        self.carers: list[pb.Carer] = []
        self.looked_after_due = 0.0
        self.looked_after_share = LOOKED_AFTER_SHARE

    def write(self, fn):
        return self.db.write_sync(fn)

    def working_days(self, day: date, n: int) -> date:
        return self.calendar.add_working_days(day, n)

    def complete(self, author: Principal, person: str, template_id: str, day: date, completed_on: date | None = None,
                 rng: random.Random | None = None, views: dict[str, cpb.Answer] | None = None,
                 **chosen: str) -> pb.Document | None:
        """Started on `day` and completed on `completed_on` (the same day unless given): the
        record, its signature and its clocks carry the history's dates, not the day it was generated.
        `views`: the child's own words, beside the answers (drawn elsewhere, so they move no draw here)."""
        template = self.library.get(template_id)
        answers = plausible_answers(template, chosen, day, rng or self.rng)
        answers.update(views or {})
        ended = completed_on or day
        saves = self.saves(template_id, day, ended, history_instant(ended))
        request = pb.CreateDocumentRequest(person=person, template_id=template_id, start_date=day.isoformat(),
                                           answers=answers)
        try:
            doc = self.write(lambda s: self.create_document(s, author, request, saves))
        except AlreadyExists:
            return None  # the same work for the same child the same day is one piece of work, as in the service
        done = self.write(lambda s: documents.end(s, author, self.library, self.signer, pb.EndDocumentRequest(
            name=doc.name, etag=doc.etag, state=pb.DOCUMENT_STATE_COMPLETED), ended_on=ended))
        self.counts.documents += 1
        return done

    def saves(self, template_id: str, first: date, last: date, finished: datetime,
              share: float = 1.0) -> list[datetime]:
        """When each save of a record started `first` and finished `last` falls (generate_detail.sittings)."""
        working = [first + timedelta(days=n) for n in range((last - first).days + 1)
                   if self.calendar.is_working_day(first + timedelta(days=n))]
        return generate_detail.sittings(self.editing, template_id, first, last, working, finished, share)

    def create_document(self, session, author: Principal, request: pb.CreateDocumentRequest,
                        saves: list[datetime]) -> pb.Document:
        """Created at its first save and saved again at each later one (editing_time's clock set to
        each), so its editing time and creation fall on the history's days, not today."""
        with editing_time.saved_at(saves[0]):
            doc = documents.create(session, author, self.library, request)
        row = session.get(Document, parse_name(doc.name, "documents"))
        row.created_at = saves[0]
        editing_time.record_saves(session, author, row, saves[1:])
        return doc

    def draft(self, author: Principal, request: pb.CreateDocumentRequest, share: float) -> pb.Document:
        """A record still being written at the end of the history: `share` of its editing done."""
        first = date.fromisoformat(request.start_date)
        saves = self.saves(request.template_id, first, self.until,
                           datetime.combine(self.until, generate_detail.DAY_ENDS, timezone.utc), share)
        return self.write(lambda s: self.create_document(s, author, request, saves))

    def sign(self, document: pb.Document, role: str, who: Principal, name: str, day: date) -> None:
        """A signature beyond the author's on `day`: a team leader's own (electronic), or a parent's
        or young person's witnessed in person by `who`, dated on the history's day."""
        day = min(day, self.until, today_london())
        # After the completion (noon, documents.end's history instant), never in the future.
        at = min(history_instant(day) + timedelta(hours=2), datetime.now(timezone.utc))
        method = "electronic" if role == "team_leader" else "witnessed_in_person"

        request = pb.SignDocumentRequest(name=document.name, role=role, method=method,
                                         signer_name="" if method == "electronic" else name)
        self.write(lambda s: documents.sign(s, who, self.signer, request, signed_at=at))
        self.counts.signatures += 1

    def make_carers(self, n: int) -> None:
        """The register placements draw on, made by a team leader, with equality data."""
        rng = self.rng
        for index in range(n):  # at least two of each kind, so a child can move between them
            kind = (("foster_carer", "kinship_carer", "childrens_home", "adopter")[index % 4] if index < 8 else
                    rng.choices(("foster_carer", "kinship_carer", "childrens_home", "adopter"),
                                weights=(60, 20, 14, 6))[0])
            name = {"childrens_home": f"{rng.choice(FAMILY)} House children's home {index + 1}",
                    "kinship_carer": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} (family and friends carer)"}.get(
                kind, f"{rng.choice(GIVEN)} and {rng.choice(GIVEN)} {rng.choice(FAMILY)}")
            # A third of foster carers are an independent agency's; the rest are the council's own.
            agency = kind == "childrens_home" or (kind == "foster_carer" and rng.random() < 0.3)
            urn = (f"SC{rng.randint(100000, 899999)}" if agency else
                   ADOPTION_AGENCY_URN if kind == "adopter" else FOSTERING_SERVICE_URN)
            characteristics = {}
            if kind != "childrens_home":
                for key, values in (("ethnicity", ETHNICITY), ("religion", RELIGION),
                                    ("first_language", ("English", "English", "Welsh", "Polish", "Urdu")),
                                    ("disability", ("None", "None", "None", "Hearing impairment"))):
                    status = rng.choices((cpb.ANSWER_STATUS_ANSWERED, cpb.ANSWER_STATUS_DECLINED,
                                          cpb.ANSWER_STATUS_NOT_KNOWN), weights=(85, 8, 7))[0]
                    characteristics[key] = cpb.Answer(
                        value=rng.choice(values) if status == cpb.ANSWER_STATUS_ANSWERED else "", status=status)
            # Each carer at their own address, so a move always shows as one in the 903.
            carer = pb.Carer(kind=kind, display_name=name, postcode=CARER_POSTCODES[index % len(CARER_POSTCODES)],
                             urn=urn, characteristics=characteristics)
            self.carers.append(self.write(lambda s: placements.create_carer(s, self.leader, carer)))
            self.counts.carers += 1


class Journey:
    """One child, from the first contact to `until`: events run in date order through the services."""

    def __init__(self, council: Council, family: str, postcode: str, start: date):
        self.c, rng, until = council, council.rng, council.until
        self.rng = rng
        self.dob = until - timedelta(days=rng.randint(30, 17 * 365))
        self.given, self.family, self.postcode = rng.choice(GIVEN), family, postcode
        self.sex = rng.choice((pb.SEX_FEMALE, pb.SEX_MALE))
        self.upn_recorded = self.upn_unknown_recorded = False  # see school_number
        earliest = max(start, self.dob)
        # Every (1 / share)th child who can be (first referred 300 days before the end).
        council.looked_after_due += council.looked_after_share
        self.looked_after = council.looked_after_due >= 1 and (until - earliest).days > 300
        council.looked_after_due -= self.looked_after
        latest = until - timedelta(days=300) if self.looked_after else until
        first = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
        count = contacts_for_child(rng)
        span = min((until - first).days, rng.randint(60, 900))
        drawn = sorted([first] + [first + timedelta(days=rng.randint(0, span)) for _ in range(count - 1)])
        self.queue: list = []
        self.sequence = 0
        decided = first
        for received in drawn:  # a contact is decided before the next is recorded
            received = max(received, decided)
            decided = min(until, council.working_days(received, rng.choice((1, 1, 1, 1, 2, 3))))
            self.at(received, self.contact, decided)
        self.person = ""
        self.episode = ""
        self.open = False          # a case (assessment, plan, care) is running
        self.worker: Principal | None = None
        self.assessed = False      # this episode has its single assessment
        self.plan: pb.Plan | None = None
        self.plan_reviews = self.plan_target = 0
        self.care: pb.CarePeriod | None = None
        self.placement: pb.Placement | None = None
        self.care_plan: pb.Plan | None = None
        self.carer_kind = ""
        self.legal_status, self.adoptive = "", False  # the current legal status; placed with adopters
        self.bound_for_care = self.looked_after  # until they come into care
        self.allocated = False     # this episode has its allocation

    # -- the timeline -------------------------------------------------------------------------
    def at(self, day: date, fn, *args) -> None:
        if day <= self.c.until:  # later events have not happened yet
            self.sequence += 1
            heapq.heappush(self.queue, (day, self.sequence, fn, args))

    def run(self) -> str:
        while self.queue:
            day, _seq, fn, args = heapq.heappop(self.queue)
            fn(day, *args)
        return self.person

    def age(self, day: date) -> int:
        return max(0, (day - self.dob).days // 365)

    def years_old(self, day: date) -> int:
        """Age on `day` to the birthday, as the statutory returns count it."""
        return day.year - self.dob.year - ((day.month, day.day) < (self.dob.month, self.dob.day))

    def complete(self, template_id: str, day: date, completed_on: date | None = None,
                 rng: random.Random | None = None, **chosen: str) -> pb.Document | None:
        c, ended = self.c, completed_on or day
        author = self.worker or c.duty
        template = c.library.get(template_id)
        views = {}
        if template.kind != "referral" and any(q.id == "child_views" for q in template.questions()):
            views = generate_detail.child_views(c.words, self.years_old(ended), self.given)
        done = c.complete(author, self.person, template_id, day, completed_on, rng, views=views, **chosen)
        signing = generate_detail.signatures(c.signing, template.kind, self.years_old(ended))
        parent = f"{c.signing.choice(GIVEN)} {self.family}"
        if done is None:
            return None
        for role, delay in signing:
            who = author if role != "team_leader" else c.leader if author is not c.cp_worker else c.manager
            name = {"team_leader": who.display_name, "parent": parent}.get(role, f"{self.given} {self.family}")
            c.sign(done, role, who, name, c.working_days(ended, delay))
        return done

    def identity(self) -> dict[str, cpb.Answer]:
        """The ethnicity and disability the front door records (CIN census): from a generator of
        their own, seeded by the child, so every other draw of the council stays as it was. The
        rest of who they are (religion, language, diet, parents' heritage) draws from the
        council's own generator for them (generate_detail.characteristics)."""
        rng = random.Random(f"{self.given}/{self.family}/{self.dob.isoformat()}")
        disability = ("NONE" if rng.random() < 0.86 else
                      ",".join(sorted(rng.sample(("MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH",
                                                  "CON", "AUT", "DDA"), rng.choice((1, 1, 2))))))
        answered = cpb.ANSWER_STATUS_ANSWERED
        ethnicity = (cpb.Answer(value=rng.choice(ETHNICITY), status=answered) if rng.random() < 0.9
                     else cpb.Answer(status=rng.choice((cpb.ANSWER_STATUS_NOT_KNOWN, cpb.ANSWER_STATUS_DECLINED))))
        return {"ethnicity": ethnicity, "disability": cpb.Answer(value=disability, status=answered),
                **generate_detail.characteristics(self.c.identities, ethnicity.value)}

    # -- the front door -----------------------------------------------------------------------
    def contact(self, received: date, decided: date) -> None:
        c, rng = self.c, self.rng
        request = pb.RecordContactRequest(received_date=received.isoformat(), source=rng.choice(range(1, 9)),
                                          reason=rng.choice(REASONS), confirmed_not_duplicate=True)
        if not self.person:
            request.new_person.CopyFrom(pb.Person(given_name=self.given, family_name=self.family,
                                                  date_of_birth=self.dob.isoformat(), sex=self.sex,
                                                  postcode=self.postcode, characteristics=self.identity()))
        else:
            request.person = self.person
        reply = c.write(lambda s: frontdoor.record_contact(s, c.duty, request))
        c.counts.contacts += 1
        if self.episode and reply.referral.episode != self.episode and reply.referral.re_referral:
            c.counts.re_referrals += 1  # back within 12 months of a closed episode
        first = not self.person
        self.person, self.episode = reply.person.name, reply.referral.episode
        if first and self.age(received) >= 5:
            self.school_number(received)  # a school-age child's school gives their UPN at the first contact
        if self.open:
            decision, reason = ASSESSMENT, "The case is open: passed to the allocated worker with the open work."
        elif self.bound_for_care:
            decision, reason = rng.choice((ASSESSMENT, ASSESSMENT, STRATEGY)), "Decided at the duty meeting."
        else:
            decision = rng.choices((pb.REFERRAL_DECISION_NO_FURTHER_ACTION, pb.REFERRAL_DECISION_ADVICE_SIGNPOSTING,
                                    ASSESSMENT, STRATEGY), weights=(35, 15, 40, 10))[0]
            reason = "Decided at the duty meeting."
        c.write(lambda s: frontdoor.decide(s, c.leader, pb.DecideReferralRequest(
            name=reply.referral.name, decision=decision, reason=reason, decided_date=decided.isoformat())))
        if self.open or decision not in (ASSESSMENT, STRATEGY):
            return
        self.open, self.assessed, self.allocated, self.plan = True, False, False, None
        if decision == ASSESSMENT:
            self.allocate(decided, c.cin_worker, "Allocated for a single assessment.")
            self.at(decided, self.assess)
        else:
            self.at(decided, self.strategy)

    def allocate(self, day: date, worker: Principal, reason: str) -> None:
        c = self.c
        allocator = c.leader if worker is c.cin_worker else c.manager
        c.write(lambda s: allocations.allocate(s, allocator, pb.Allocation(
            person=self.person, worker=worker.user_name, worker_display_name=worker.display_name,
            team=worker.primary_team, start_date=day.isoformat(), reason=reason)))
        c.counts.allocations += 1
        self.worker, self.allocated = worker, True

    def close(self, day: date, reason: str) -> None:
        """The closure record, some days on; it closes the episode with its statutory answers."""
        self.at(self.c.working_days(day, self.rng.randint(0, 5)), self._closure, reason)

    def _closure(self, day: date, reason: str) -> None:
        self.complete("closure-record", day, closure_date=day.isoformat(), reason_for_closure=reason)
        self.c.counts.closures += 1
        self.open, self.plan, self.care_plan = False, None, None

    # -- assessment and child protection ------------------------------------------------------
    def assess(self, day: date) -> None:
        rng = self.rng
        ends = self.c.working_days(day, rng.randint(10, 45))
        outcome = "legal" if self.bound_for_care else rng.choices(
            ("nfa", "early_help", "cin_plan", "strategy_discussion"), weights=(30, 20, 42, 8))[0]
        begins = self.c.working_days(day, 1)
        if ends > self.c.until:  # still being written at the end of the history
            started = min(begins, self.c.until)
            request = pb.CreateDocumentRequest(
                person=self.person, template_id="single-assessment", start_date=started.isoformat(),
                answers={"reason": cpb.Answer(value=rng.choice(REASONS), status=cpb.ANSWER_STATUS_ANSWERED)})
            self.c.draft(self.worker, request, ((self.c.until - started).days + 1) / ((ends - started).days + 1))
            return
        self.at(ends, self.assessed_as, begins, outcome)

    def assessed_as(self, day: date, begun: date, outcome: str) -> None:
        # The team leader authorises it the day it is finished (the census's authorisation date).
        self.complete("single-assessment", begun, day, assessment_start_date=begun.isoformat(), decision=outcome,
                      manager_date=day.isoformat(), **self.findings(begun, outcome))
        self.assessed = True
        then = self.c.working_days(day, self.rng.randint(0, 8))
        if outcome == "nfa":
            self.close(day, "RC8")
        elif outcome == "early_help":
            self.close(day, "RC9")
        elif outcome == "cin_plan":
            self.at(then, self.start_plan, "child_in_need")
        elif outcome == "strategy_discussion":
            self.at(then, self.strategy)
        else:
            self.at(then, self.enter_care)

    def findings(self, begun: date, outcome: str) -> dict[str, str]:
        """What an assessment found, beside its decision: the factors (CIN AssessmentFactors) and
        the child's primary need. Drawn from a generator of their own, seeded by the child and the
        day, so recording them leaves every other draw of the council as it was."""
        rng = random.Random(f"{self.person}/{begun.isoformat()}")
        if outcome in ("nfa", "early_help") and rng.random() < 0.3:
            factors = ["21"]  # "no factors identified" stands alone, and only where the case then closes
        else:
            factors = sorted(rng.sample(("1B", "2B", "3A", "3B", "4B", "6B", "16A", "17A", "18B"), rng.choice((1, 2, 3))))
        need = rng.choices(("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"), weights=(55, 5, 7, 12, 14, 3, 2, 2))[0]
        return {"factors": ",".join(factors), "primary_need": need}

    def strategy(self, day: date) -> None:
        rng = self.rng
        if not self.allocated or self.worker is not self.c.cp_worker:
            self.allocate(day, self.c.cp_worker, "Child protection enquiries.")
        self.complete("strategy-discussion", day, discussion_date=day.isoformat(),
                      decision=rng.choice(("s47_joint", "s47_joint", "s47_single")), s47_start_date=day.isoformat())
        outcome = "icpc" if self.bound_for_care else rng.choices(
            ("icpc", "cin_plan", "nfa"), weights=(45, 35, 20))[0]
        self.at(self.c.working_days(day, rng.randint(5, 15)), self.s47_concluded, day, outcome)

    def s47_concluded(self, day: date, begun: date, outcome: str) -> None:
        conference = max(day, self.c.working_days(begun, 15))
        found = {"icpc": "substantiated", "cin_plan": "substantiated_not_significant", "nfa": "not_substantiated"}
        extra = {"icpc_date": conference.isoformat()} if outcome == "icpc" else {"icpc_not_required": "yes"}
        self.complete("outcome-of-s47-enquiries", begun, day, s47_start_date=begun.isoformat(),
                      completed_date=day.isoformat(), outcome=outcome, concerns_substantiated=found[outcome], **extra)
        if not self.assessed:
            decision = {"icpc": "strategy_discussion", "cin_plan": "cin_plan", "nfa": "nfa"}[outcome]
            begins = self.c.working_days(begun, 1)
            self.complete("single-assessment", begins, day, assessment_start_date=begins.isoformat(),
                          decision=decision, manager_date=day.isoformat(), **self.findings(begins, decision))
            self.assessed = True
        if outcome == "icpc":
            self.at(conference, self.conference)
        elif outcome == "cin_plan":
            self.at(self.c.working_days(day, self.rng.randint(0, 5)), self.start_plan, "child_in_need")
        else:
            # Not RC8: "closed after assessment, no further action" cannot follow an enquiry (CIN rule 2990).
            self.close(day, "RC7")

    def conference(self, day: date) -> None:
        rng = self.rng
        decision = "cp_plan" if self.bound_for_care else rng.choices(
            ("cp_plan", "cin_plan", "nfa"), weights=(85, 12, 3))[0]
        chosen = {"conference_date": day.isoformat(), "decision": decision}
        outcomes = self.choose_outcomes(day) if decision == "cp_plan" else []
        if outcomes:
            chosen.update(initial_category=rng.choices(("NEG", "EMO", "PHY", "SAB", "MUL"),
                                                       weights=(50, 30, 12, 4, 4))[0],
                          cpp_start_date=day.isoformat(), key_worker=self.worker.display_name,
                          review_conference_date=(day + timedelta(days=91)).isoformat())
            chosen.update(self.outcome_answers(outcomes))
        self.complete("initial-child-protection-conference-report", day, **chosen)
        if decision == "cp_plan":
            self.start_plan(day, "child_protection", outcomes)
        elif decision == "cin_plan":
            self.start_plan(day, "child_in_need")
        else:
            self.close(day, "RC7")

    # -- plans and reviews --------------------------------------------------------------------
    def choose_outcomes(self, day: date, n: int | None = None, avoid: set[str] = frozenset()) -> list[pb.NewOutcome]:
        rng, age = self.rng, self.age(day)
        fits = [o for o in OUTCOMES if o[0] <= age <= o[1] and o[2].format(n=self.given) not in avoid]
        chosen = rng.sample(fits, min(len(fits), n or rng.choice((2, 2, 3))))
        return [pb.NewOutcome(text=text.format(n=self.given), actions=[
            pb.PlanAction(who=who, what=what.format(n=self.given),
                          by_when=(day + timedelta(days=rng.randint(30, 120))).isoformat())
            for who, what in rng.sample(actions, rng.choice((1, 2)))]) for _lo, _hi, text, actions in chosen]

    @staticmethod
    def outcome_answers(outcomes, progress: dict[str, int] | None = None) -> dict[str, str]:
        """The review or conference record's outcome questions, mirroring the plan's (at most three)."""
        answers = {}
        for index, outcome in enumerate(outcomes[:3], start=1):
            answers[f"outcome_{index}"] = outcome.text
            answers[f"outcome_{index}_actions"] = "; ".join(
                f"{a.who}: {a.what}, by {a.by_when}" for a in outcome.actions)
            if progress is not None and progress.get(outcome.text) in PROGRESS_WORDS:
                answers[f"outcome_{index}_progress"] = PROGRESS_WORDS[progress[outcome.text]]
        return answers

    def start_plan(self, day: date, kind: str, outcomes: list[pb.NewOutcome] | None = None) -> None:
        c = self.c
        request = pb.CreatePlanRequest(person=self.person, kind=kind, start_date=day.isoformat(),
                                       outcomes=outcomes or self.choose_outcomes(day))
        self.plan = c.write(lambda s: plans.create(s, self.worker, request))
        c.counts.plans += 1
        self.plan_reviews = 0
        self.plan_target = self.rng.randint(1, 4) if kind == "child_in_need" else self.rng.randint(1, 3)
        self.next_review(day, 91)

    def next_review(self, day: date, days: int) -> None:
        review = day + timedelta(days=days + self.rng.randint(-7, 7))
        name = self.plan.name
        for _ in range(self.rng.choice((1, 1, 2))):
            changed = day + timedelta(days=self.rng.randint(7, max(8, (review - day).days - 1)))
            self.at(changed, self.change_action, name)
        self.at(review, self.review, name)

    def change_action(self, day: date, plan_name: str) -> None:
        plan = self.plan if self.plan and self.plan.name == plan_name else None
        if plan is None:
            return  # that plan has ended since
        pending = [(o, a) for o in plan.outcomes if o.current for a in o.actions if not a.done]
        if not pending:
            return
        _outcome, action = self.rng.choice(pending)
        done = self.rng.random() < 0.6
        by_when = action.by_when if done else (date.fromisoformat(action.by_when)
                                               + timedelta(days=self.rng.randint(14, 42))).isoformat()
        changed = pb.PlanAction(name=action.name, etag=action.etag, who=action.who, what=action.what,
                                by_when=by_when, done=done)
        self.plan = self.c.write(lambda s: plans.update_action(s, self.worker, pb.UpdateActionRequest(
            plan=plan.name, action=changed)))
        self.c.counts.action_updates += 1

    def progress(self, plan: pb.Plan, reviews_before: int) -> dict[str, int]:
        """How far each current outcome has come: more achieved at each review."""
        achieved = min(0.7, 0.2 + 0.15 * reviews_before)
        return {o.text: self.rng.choices(
            (pb.PROGRESS_ACHIEVED, pb.PROGRESS_PARTLY, pb.PROGRESS_NOT_YET, pb.PROGRESS_NO_LONGER_RELEVANT),
            weights=(achieved, 0.5, 0.47 - achieved * 0.5, 0.03))[0] for o in plan.outcomes if o.current}

    def record_review(self, day: date, plan: pb.Plan, progress: dict[str, int], document: pb.Document | None,
                      carry_on: bool) -> pb.Plan:
        current = [o for o in plan.outcomes if o.current]
        ending = [o.name for o in current if progress[o.text] in (pb.PROGRESS_ACHIEVED, pb.PROGRESS_NO_LONGER_RELEVANT)]
        new = []
        if carry_on and len(current) - len(ending) < 2:
            new = self.choose_outcomes(day, 2 - (len(current) - len(ending)), {o.text for o in current})
        request = pb.RecordReviewRequest(
            plan=plan.name, etag=plan.etag, review_date=day.isoformat(),
            review_document=document.name if document else "", retire_outcomes=ending if carry_on else [],
            new_outcomes=new, progress=[pb.OutcomeReview(outcome=o.name, progress=progress[o.text],
                                                         note=f"Reviewed on {day:%d %B %Y}.") for o in current])
        reviewed = self.c.write(lambda s: plans.record_review(s, self.worker, request))
        self.c.counts.reviews += 1
        return reviewed

    def review(self, day: date, plan_name: str) -> None:
        if not self.plan or self.plan.name != plan_name:
            return
        rng, plan = self.rng, self.plan
        progress = self.progress(plan, self.plan_reviews)
        self.plan_reviews += 1
        current = [o for o in plan.outcomes if o.current]
        chosen = {"review_date": day.isoformat(), **self.outcome_answers(current, progress)}
        if plan.kind == "child_in_need":
            decision = ("escalate" if rng.random() < 0.05 else "continue" if self.plan_reviews < self.plan_target
                        else rng.choice(("close", "close", "close", "step_down", "step_down")))
            if decision == "continue":
                chosen["next_review_date"] = (day + timedelta(days=91)).isoformat()
            else:
                chosen["cin_plan_end_date"] = day.isoformat()
            document = self.complete("child-in-need-review", day, decision=decision, **chosen)
        else:
            decision = ("end_looked_after" if self.bound_for_care else "continue"
                        if self.plan_reviews < self.plan_target else rng.choices(("end_cin", "end_nfa"),
                                                                                  weights=(55, 45))[0])
            if decision == "continue":
                chosen.update(latest_category=rng.choice(("NEG", "NEG", "EMO", "PHY")),
                              next_review_date=(day + timedelta(days=182)).isoformat())
            else:
                chosen["cpp_end_date"] = day.isoformat()
            document = self.complete("child-protection-review", day, decision=decision, **chosen)
        self.plan = self.record_review(day, plan, progress, document, decision == "continue")
        if decision == "continue":
            self.next_review(day, 91 if plan.kind == "child_in_need" else 182)
            return
        # The review that decides the plan ends ends it that day, so a plan that follows it (a
        # child in need plan after a child protection plan) never overlaps it.
        reviewed = self.plan
        self.c.write(lambda s: plans.end(s, self.worker, pb.EndPlanRequest(
            name=reviewed.name, etag=reviewed.etag, end_date=day.isoformat(), reason=f"Review decided: {decision}.")))
        self.plan = None
        if decision in ("close", "step_down", "end_nfa"):
            self.close(day, "RC7")
        elif decision == "escalate":
            self.at(self.c.working_days(day, rng.randint(1, 3)), self.strategy)
        elif decision == "end_cin":
            self.start_plan(day, "child_in_need")
        else:
            self.at(day, self.enter_care)

    # -- looked after -------------------------------------------------------------------------
    def enter_care(self, day: date) -> None:
        c, rng = self.c, self.rng
        self.bound_for_care = False
        status = rng.choices(("V2", "C1", "L2"), weights=(55, 35, 10))[0]
        need = rng.choices(("N1", "N2", "N3", "N4", "N5", "N6", "N8"), weights=(65, 3, 5, 10, 12, 2, 3))[0]
        self.care = c.write(lambda s: care.start(s, self.worker, c.library, pb.StartCareRequest(
            child=self.person, start_date=day.isoformat(), legal_status=status, category_of_need=need)))
        c.counts.care_periods += 1
        name = self.care.name
        self.legal_status, self.adoptive = status, False
        self.place(day)
        self.care_plan_record(day, status, need)
        self.school_number(day)
        if status == "L2":
            self.at(day + timedelta(days=8), self.change_status, name, "C1")
        else:
            self.later_status(day, name, status)
        moved = day
        for _ in range(rng.choices((0, 1, 2, 3), weights=(50, 30, 15, 5))[0]):
            moved += timedelta(days=rng.randint(60, 300))
            self.at(moved, self.move, name)
        outcomes = [pb.NewOutcome(text=text.format(n=self.given), actions=[pb.PlanAction(
            who=rng.choice(("Social worker", "Foster carer", "IRO", "Virtual school")),
            what=rng.choice(("Arrange weekly family time", "Book the health assessment", "Start life story work",
                             "Agree the personal education plan")),
            by_when=(day + timedelta(days=rng.randint(20, 90))).isoformat())])
            for text in rng.sample(CARE_OUTCOMES, 2)]
        self.care_plan = c.write(lambda s: plans.create(s, self.worker, pb.CreatePlanRequest(
            person=self.person, kind="care", start_date=day.isoformat(), outcomes=outcomes)))
        c.counts.plans += 1
        self.at(c.working_days(day, 20), self.care_review, name, 1)
        if rng.random() < 0.45:
            leaves = day + timedelta(days=rng.randint(120, 700))
            # An adoption takes a year or more: the decision, a placement order, matching, then
            # placement with the adopters. Only young children, and only when there is time.
            if self.age(leaves) < 8 and (leaves - day).days >= 330 and rng.random() < 0.3:
                self.plan_adoption(day, leaves, name)
            else:
                self.at(leaves, self.leave_care, name)

    def care_plan_record(self, day: date, status: str, need: str) -> None:
        """The care plan made when the child comes into care, with what the 903 asks of it."""
        mother = self.sex == pb.SEX_FEMALE and self.years_old(day) >= 13 and self.rng.random() < 0.05
        extra = {"mothers_child_dob": (day - timedelta(days=self.rng.randint(30, 300))).isoformat()} if mother else {}
        self.complete("care-plan", day, plan_date=day.isoformat(), date_looked_after=day.isoformat(),
                      legal_status=status, category_of_need=need, uasc="no",
                      young_mother=("yes" if mother else "no") if self.sex == pb.SEX_FEMALE else "",
                      had_previous_permanence="no", **extra)

    def school_number(self, day: date) -> None:
        """The virtual school gives a looked-after child's UPN once they are of school age; until
        then the referral record says why there is none (UN1: under school age)."""
        if self.upn_recorded:
            return
        if self.age(day) < 4:
            if not self.upn_unknown_recorded:
                self.complete("referral-and-information-record", day, date_of_birth=self.dob.isoformat(),
                              sex="F" if self.sex == pb.SEX_FEMALE else "M", referral_date=day.isoformat(),
                              reason="Looked after: the child's details for the virtual school.",
                              decision="assessment", decision_date=day.isoformat(), upn_unknown="UN1")
                self.upn_unknown_recorded = True
            return
        person_id = int(self.person.split("/")[1])
        # Made from the record number (after the council's LA number), so two councils generated
        # into one database never give two children the same UPN.
        rest = f"318{person_id:09d}"

        who = self.worker or self.c.duty

        def record(s):
            row = people.get_visible(s, who, person_id)
            return people.update(s, who, pb.Person(name=self.person, upn=upn_check_letter(rest) + rest,
                                                   etag=str(row.version)), ["upn"])
        self.c.write(record)
        self.upn_recorded = True

    def plan_adoption(self, day: date, adopted: date, name: str) -> None:
        rng = self.rng
        decided = day + timedelta(days=rng.randint(60, (adopted - day).days - 250))
        order = decided + timedelta(days=rng.randint(20, 60))
        matched = order + timedelta(days=rng.randint(30, 90))
        placed = matched + timedelta(days=rng.randint(14, 40))
        self.at(decided, self.adoption_decision, name, decided)
        self.at(order, self.change_status, name, "E1")
        self.at(matched, self.adoption_match, name, decided)
        self.at(placed, self.place_for_adoption, name)
        self.at(max(adopted, placed + timedelta(days=70)), self.leave_care, name, "E11")

    def adoption_decision(self, day: date, name: str, decided: date) -> None:
        if self.care and self.care.name == name:
            self.complete("adoption-plan", day, plan_date=day.isoformat(), should_be_placed_date=decided.isoformat(),
                          placement_order="To be applied for.")

    def adoption_match(self, day: date, name: str, decided: date) -> None:
        if not self.care or self.care.name != name:
            return
        number, sexes, legal = self.rng.choice(ADOPTERS)
        self.complete("adoption-plan", day, plan_date=day.isoformat(), should_be_placed_date=decided.isoformat(),
                      placement_order="Granted.", matched="yes", date_matched=day.isoformat(),
                      adopted_by_foster_carers="no", number_of_adopters=number, sex_of_adopters=sexes,
                      legal_status_of_adopters=legal, plan_ceased="no")

    def place_for_adoption(self, day: date, name: str) -> None:
        if not self.care or self.care.name != name or self.legal_status != "E1":
            return
        self.move(day, name, reason="CARPL", kind="adopter")
        self.adoptive = True

    def later_status(self, day: date, name: str, status: str) -> None:
        """An interim order usually becomes a care order; some section 20 children go to court."""
        if status == "C1" and self.rng.random() < 0.7:
            self.at(day + timedelta(days=self.rng.randint(120, 300)), self.change_status, name, "C2")
        elif status == "V2" and self.rng.random() < 0.2:
            self.at(day + timedelta(days=self.rng.randint(60, 200)), self.change_status, name, "C1")

    def current_care(self, name: str) -> pb.CarePeriod | None:
        """The period as the worker opens it now (placements move its etag on), if still open."""
        if not self.care or self.care.name != name:
            return None
        periods = self.c.write(lambda s: care.list_for(s, self.worker, self.person))
        self.care = next(p for p in periods if p.name == name)
        return self.care

    def change_status(self, day: date, name: str, status: str) -> None:
        if self.care and self.care.name == name and self.legal_status == "E1":
            return  # a placement order stands until the adoption order
        period = self.current_care(name)
        if period is None:
            return
        self.care = self.c.write(lambda s: care.change_legal_status(s, self.worker, self.c.library,
                                                                    pb.ChangeLegalStatusRequest(
            name=name, legal_status=status, start_date=day.isoformat(), etag=period.etag)))
        self.legal_status = status
        if status != "E1":
            self.later_status(day, name, status)

    def place(self, day: date, kind: str = "") -> None:
        c, rng = self.c, self.rng
        if not kind:
            kinds = ("foster_carer", "kinship_carer") + (("childrens_home",) if self.age(day) >= 10 else ())
            kind = rng.choices(kinds, weights=(60, 20, 30)[:len(kinds)])[0]
        current = getattr(self.placement, "carer", "")
        others = [k for k in c.carers if k.kind == kind and k.name != current]
        if not others:  # a small council's only home (or adopter) is this child's: a foster carer instead
            kind = "foster_carer"
            others = [k for k in c.carers if k.kind == kind and k.name != current]
        carer = rng.choice(others)
        place = {"foster_carer": ("U4", "U6", "U6"), "kinship_carer": ("U1", "U3", "U3"),
                 "childrens_home": ("K2",), "adopter": ("A6",)}[kind]
        # The council's own carers and adopters are its own provision; the rest are private.
        provider = "PR1" if carer.urn in (FOSTERING_SERVICE_URN, ADOPTION_AGENCY_URN) else "PR4"
        self.placement = c.write(lambda s: placements.start(s, self.worker, c.library, pb.Placement(
            child=self.person, carer=carer.name, start_date=day.isoformat(), placement_type=rng.choice(place),
            provider=provider)))
        self.carer_kind = kind
        c.counts.placements += 1
        self.first_visit(day)

    def move(self, day: date, name: str, reason: str = "", kind: str = "") -> None:
        if not self.care or self.care.name != name or self.adoptive:
            return  # no move once placed with the adopters
        placed = self.placement
        reason = reason or self.rng.choices(("CARPL", "CHILD", "STAND", "CREQB", "LAREQ"),
                                            weights=(50, 15, 10, 15, 10))[0]
        self.c.write(lambda s: placements.end(s, self.worker, self.c.library, pb.EndPlacementRequest(
            name=placed.name, end_date=day.isoformat(), end_reason=reason, etag=placed.etag)))
        self.place(day, kind)

    def first_visit(self, placed: date) -> None:
        """The social worker sees a looked-after child within a week of each placement, then at
        most every 6 weeks in its first year and every 3 months after (the alerts rule
        statutory_visit), each written up as a case note; a new placement starts afresh."""
        self.at(self.visit_day(placed, self.c.visits.randint(1, 6)), self.visit, self.placement.name, placed)

    def visit_day(self, after: date, days: int) -> date:
        """`days` after `after`, brought back to a working day (never as far as `after`): a
        shorter gap, so a visit is never later than the rule allows."""
        day = after + timedelta(days=days)
        while not self.c.calendar.is_working_day(day) and day - timedelta(days=1) > after:
            day -= timedelta(days=1)
        return day

    def visit(self, day: date, placement_name: str, placed: date) -> None:
        if self.placement is None or self.placement.name != placement_name:
            return  # moved on or left care: the new placement has its own visits
        rng, who = self.c.visits, {"kinship_carer": "family carers", "childrens_home": "key worker",
                                   "adopter": "adopters"}.get(self.carer_kind, "foster carers")
        alone = rng.random() < (0.9 if self.age(day) >= 4 else 0.3)
        self.complete("case-note", day, rng=rng, note_date=day.isoformat(), note_type="statutory_visit",
                      who_present=f"{self.given}, their {who} and the social worker", child_seen="yes",
                      child_seen_alone="yes" if alone else "no",
                      what_happened=rng.choice((
                          f"Statutory visit at the placement. {self.given} showed me their bedroom and is settled.",
                          f"Statutory visit. {self.given} talked about school and family time; the carers report "
                          "a good week.",
                          f"Statutory visit. {self.given} was unsettled after family time; the carers are "
                          "keeping a diary to share at the review.")),
                      actions="Social worker: share the visit with the IRO before the next review.")
        self.c.counts.visits += 1
        # Well inside the rule: 3 to 6 weeks in the placement's first year, 2 to 3 months after.
        gap = rng.randint(21, 42) if (day - placed).days < 365 else rng.randint(56, 84)
        self.at(self.visit_day(day, gap), self.visit, placement_name, placed)

    def care_review(self, day: date, name: str, number: int) -> None:
        if not self.care or self.care.name != name or not self.care_plan:
            return
        rng, plan, age = self.rng, self.care_plan, self.years_old(day)
        progress = self.progress(plan, number - 1)
        current = [o for o in plan.outcomes if o.current]
        self.school_number(day)
        document = self.complete(
            "looked-after-review", day, review_date=day.isoformat(), decision=rng.choices(
                ("endorsed", "changes", "not_endorsed"), weights=(70, 28, 2))[0],
            review_number={1: "first", 2: "second"}.get(number, "subsequent"),
            next_review_date=(day + timedelta(days=91 if number == 1 else 182)).isoformat(),
            **self.review_answers(age), **self.outcome_answers(current, progress))
        self.care_plan = self.record_review(day, plan, progress, document, True)
        self.at(day + timedelta(days=91 if number == 1 else 182), self.care_review, name, number + 1)

    def review_answers(self, age: int) -> dict[str, str]:
        """How the child took part, and their health as the IRO records it at each review: the
        903's participation code (PN0 under 4) and the questions it asks for the child's age."""
        rng = self.rng

        def yes(share: float) -> str:
            return "yes" if rng.random() < share else "no"

        answers = {"participation": "PN0" if age < 4 else rng.choices(
            ("PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"), weights=(45, 20, 10, 10, 8, 5, 2))[0],
            "health_assessment": yes(0.9), "immunisations": yes(0.9), "teeth_check": yes(0.85)}
        if age < 5:
            answers["health_check"] = yes(0.9)
        if 4 <= age <= 16:
            if rng.random() < 0.8:
                answers["sdq_score"] = str(rng.randint(0, 40))
            else:
                answers["sdq_reason"] = rng.choice(("SDQ2", "SDQ3", "SDQ4", "SDQ5"))
        else:
            answers["sdq_reason"] = "SDQ1"  # under 4 or over 16 at this assessment
        if age >= 9:  # asked from the review before the 10th birthday: the 903 counts age on 31 March
            answers["convicted"] = yes(0.03)
        misuse = yes(0.04 if age >= 10 else 0)
        answers["substance_misuse"] = misuse
        if misuse == "yes":
            answers["intervention_received"] = yes(0.6)
            if answers["intervention_received"] == "no":
                answers["intervention_offered"] = yes(0.7)
        return answers

    def leave_care(self, day: date, name: str, reason: str = "") -> None:
        period = self.current_care(name)
        if period is None:
            return
        rng = self.rng
        reasons = {"E4A": (40, "RC7"), "E13": (10, "RC7"), "E41": (10, "RC3"), "E8": (5, "RC7")}
        if self.carer_kind == "kinship_carer":
            reasons["E45"] = (25, "RC4")
        elif self.carer_kind == "foster_carer":
            reasons["E46"] = (10, "RC4")
        if reason == "E11" and not self.adoptive:
            reason = ""  # the adoption did not come about in time
        closure = {**{k: v[1] for k, v in reasons.items()}, "E11": "RC1"}
        reason = reason or rng.choices(list(reasons), weights=[w for w, _ in reasons.values()])[0]
        self.c.write(lambda s: care.end(s, self.worker, self.c.library, pb.EndCareRequest(
            name=name, end_date=day.isoformat(), end_reason=reason, etag=period.etag)))
        self.care, self.placement, self.care_plan, self.adoptive = None, None, None, False
        self.at(day + timedelta(days=rng.randint(10, 40)), self._closure, closure[reason])


def generate(db: Database, library: TemplateLibrary, signer, staff: dict[str, Principal], children: int,
             years: int, seed: int, until: date, looked_after_share: float = LOOKED_AFTER_SHARE) -> Generated:
    """`staff`: the demo council's principals by username (duty, leader, manager, worker, worker2).
    `looked_after_share`: the demo asks for more looked-after children than a real council has."""
    rng = random.Random(seed)
    council = Council(db, library, signer, staff, rng, until, random.Random(f"{seed}-visits"), seed)
    council.looked_after_share = looked_after_share
    counts = council.counts
    start = until - timedelta(days=365 * years)
    council.make_carers(max(6, children // 30))
    while counts.children < children:
        family, postcode = rng.choice(FAMILY), rng.choice(HOME_POSTCODES)
        siblings = []
        for _ in range(min(rng.choice((1, 1, 2, 2, 3, 4)), children - counts.children)):
            siblings.append(Journey(council, family, postcode, start).run())
            counts.children += 1
        for other in siblings[1:]:
            db.write_sync(lambda s: relationships.create(s, council.duty, pb.Relationship(
                child=siblings[0], other=other, type_code="sibling", lives_with_child=True)))
    return counts
