"""Synthetic councils for demos and measurement: `ics admin generate --children N --years Y --seed S`.

Every record goes through the same functions the records service runs for a gRPC call, so the
data has the shape real use gives it (outbox events, audit, episodes, snapshots). The journeys
follow the evaluation's shapes: per child, 44% one contact, 74% at most four, a quarter five to
44 (L2059-L2084); families of siblings; assessments, child protection, closures, re-referrals.
The same seed and `--until` date give the same council. All names are made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.alerts.calendar import WorkingCalendar
from services.common.auth import Principal
from services.common.db import Database
from services.common.errors import AlreadyExists
from services.records import documents, frontdoor, relationships
from services.records.template_library import Template, TemplateLibrary

GIVEN = ("Aled", "Bea", "Cai", "Dilys", "Eben", "Ffion", "Gethin", "Hedd", "Iona", "Jac", "Kezia", "Lowri",
         "Macsen", "Nel", "Osian", "Pip", "Rhodri", "Sian", "Tomos", "Wren", "Yanto", "Zara")
FAMILY = ("Abernant", "Brynmor", "Caerwyn", "Dolwen", "Eglwys", "Foxhall", "Glanrafon", "Hafod", "Islwyn",
          "Jubilee", "Kestrel", "Llanfair", "Maesteg", "Nantgarw", "Ogmore", "Penrhos", "Quarry", "Rhosyn",
          "Sarnau", "Tregaron", "Ystrad", "Wenvoe")
REASONS = ("Police report a domestic incident with the child present.", "School worried about bruising.",
           "Health visitor concerned about home conditions.", "Neighbour reports the children left alone.",
           "Parent asks for help with the child's behaviour.", "Child missing from home overnight.")


@dataclass
class Generated:
    children: int = 0
    contacts: int = 0
    documents: int = 0


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


def generate(db: Database, library: TemplateLibrary, signer, staff: dict[str, Principal], children: int,
             years: int, seed: int, until: date) -> Generated:
    rng = random.Random(seed)
    calendar = WorkingCalendar()
    counts = Generated()
    start = until - timedelta(days=365 * years)
    duty, leader = staff["duty"], staff["leader"]

    def complete(person: str, template_id: str, day: date, **chosen) -> None:
        template = library.get(template_id)
        try:
            doc = db.write_sync(lambda s: documents.create(s, duty, library, pb.CreateDocumentRequest(
                person=person, template_id=template_id, start_date=day.isoformat(),
                answers=plausible_answers(template, chosen, day, rng))))
        except AlreadyExists:
            return  # two referrals decided the same day share one piece of work, as in the service
        db.write_sync(lambda s: documents.end(s, duty, library, signer, pb.EndDocumentRequest(
            name=doc.name, etag=doc.etag, state=pb.DOCUMENT_STATE_COMPLETED)))
        counts.documents += 1

    while counts.children < children:
        family, postcode = rng.choice(FAMILY), f"ZZ{rng.randint(1, 99)} {rng.randint(1, 9)}AA"
        siblings = []
        for _ in range(min(rng.choice((1, 1, 2, 2, 3, 4)), children - counts.children)):
            dob = until - timedelta(days=rng.randint(30, 17 * 365))
            first = max(start, dob) + timedelta(days=rng.randint(0, max(0, (until - max(start, dob)).days)))
            person = None
            for n in range(contacts_for_child(rng)):
                received = min(until, first + timedelta(days=rng.randint(0, 60) * n))
                request = pb.RecordContactRequest(
                    received_date=received.isoformat(), source=rng.choice(range(1, 9)), reason=rng.choice(REASONS),
                    confirmed_not_duplicate=True)
                if person is None:
                    request.new_person.CopyFrom(pb.Person(given_name=rng.choice(GIVEN), family_name=family,
                                                          date_of_birth=dob.isoformat(), sex=rng.choice((1, 2)),
                                                          postcode=postcode))
                else:
                    request.person = person
                reply = db.write_sync(lambda s: frontdoor.record_contact(s, duty, request))
                person = reply.person.name
                counts.contacts += 1
                decided = min(until, calendar.add_working_days(received, rng.choice((1, 1, 1, 1, 2, 3))))
                decision = rng.choices((1, 2, 3, 4), weights=(35, 15, 40, 10))[0]
                db.write_sync(lambda s: frontdoor.decide(s, leader, pb.DecideReferralRequest(
                    name=reply.referral.name, decision=decision, reason="Decided at the duty meeting.",
                    decided_date=decided.isoformat())))
                if decision in (3, 4) and decided + timedelta(days=45) < until:
                    if decision == 4:
                        complete(person, "strategy-discussion", decided)
                        complete(person, "outcome-of-s47-enquiries", decided + timedelta(days=5))
                    complete(person, "single-assessment", decided + timedelta(days=1))
                    closed = decided + timedelta(days=rng.randint(30, 200))
                    if closed < until:
                        complete(person, "closure-record", closed, closure_date=closed.isoformat(),
                                 reason_for_closure=rng.choice(("RC7", "RC8", "RC9")))
            siblings.append(person)
            counts.children += 1
        for other in siblings[1:]:
            db.write_sync(lambda s: relationships.create(s, duty, pb.Relationship(
                child=siblings[0], other=other, type_code="sibling", lives_with_child=True)))
    return counts
