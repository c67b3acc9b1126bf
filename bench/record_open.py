"""Opening a child's record, and a draft autosave, over loopback, as the TUI makes them.

Starts the three real services as separate processes on free ports, then through the real
client creates one child holding 200 documents (a mix of templates; most completed, so they hold
snapshots and signatures, some with a second signature). "Open a child's record" is what the
front end asks for: GetPerson + ListDocuments(person, page_size=200) + ListEpisodes +
GetChronology, timed as a whole and call by call. "Draft autosave" is SaveDraft of a contact
form of about 4 KB. The baseline in the same run is a bare gRPC health check on records.
Also prints how many SQL statements each of those calls runs for this child (in process, through
the same storage functions the service calls).
Usage: python bench/record_open.py [--runs 300] [--engine sqlite|postgresql] [--documents 200]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.records.generate import plausible_answers
from services.records.template_library import TemplateLibrary

from _common import client, council, percentiles, print_table, services, timed  # bench/ is on sys.path

# Templates a child's record holds over a long involvement; case notes are most of them.
MIX = ["case-note"] * 8 + ["contact-record", "referral-and-information-record", "single-assessment",
                           "strategy-discussion", "outcome-of-s47-enquiries", "child-in-need-review",
                           "supervision-record", "initial-assessment"]
PROSE = ("Visited the family home after school. The child showed me their room and talked about their week, "
         "their friends and the football club. Mother said things had been calmer since the last visit. ")


def call(ics, method: str, request):
    return ics._call("records", getattr(ics.records, method), request)


def fill_child(duty, leader, documents: int, rng: random.Random) -> str:
    """One child with a referral decided for assessment (an open episode) and `documents` documents."""
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Benchmark", family_name=f"Child{uuid.uuid4().hex[:6]}",
                             date_of_birth="2012-04-04", sex=pb.SEX_FEMALE, postcode="ZZ1 1AA"),
        source=pb.CONTACT_SOURCE_SCHOOL, reason="School worried about bruising.", confirmed_not_duplicate=True,
        received_date=(date.today() - timedelta(days=documents + 5)).isoformat()))
    leader.decide_referral(reply.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "Needs an assessment.")
    person = reply.person.name
    library = TemplateLibrary.load()
    completed = signed = 0
    for i in range(documents):
        template = library.get(MIX[i % len(MIX)])
        day = date.today() - timedelta(days=i)  # one piece of work per template per day
        answers = plausible_answers(template, {}, day, rng)
        for q in [q for q in template.questions() if q.type == "long_text" and not q.show_if][:3]:
            answers[q.id] = cpb.Answer(value=PROSE * 3, status=cpb.ANSWER_STATUS_ANSWERED)
        doc = call(duty, "CreateDocument", pb.CreateDocumentRequest(
            person=person, template_id=template.name, start_date=day.isoformat(), answers=answers))
        if i % 10 < 7:  # most are completed: a snapshot and the author's signature
            doc = call(duty, "EndDocument", pb.EndDocumentRequest(name=doc.name, etag=doc.etag,
                                                                  state=pb.DOCUMENT_STATE_COMPLETED))
            completed += 1
            if i % 3 == 0:
                call(duty, "SignDocument", pb.SignDocumentRequest(
                    name=doc.name, role="parent", method="witnessed_in_person", signer_name="Pat Parent"))
                signed += 1
    print(f"one child, {documents} documents: {completed} completed (snapshot + author's signature), "
          f"{signed} with a parent's signature too")
    return person


def count_statements(config, users, person: str) -> dict[str, int]:
    """SQL statements each call of the open runs, through the storage functions the service calls."""
    from sqlalchemy import event

    from services import demo_data
    from services.common.db import Database
    from services.common.names import parse_name
    from services.records import chronology, documents, episodes, people

    db = Database(config["records"].database_url)
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
    duty = demo_data.staff_principal(users["duty"])
    calls = {
        "GetPerson": lambda s: people.to_proto(people.read(s, duty, parse_name(person, "people"))),
        "ListDocuments (200)": lambda s: documents.list_for(
            s, duty, pb.ListDocumentsRequest(person=person, page_size=200), 0, 200),
        "ListEpisodes": lambda s: episodes.list_for(s, duty, person),
        "GetChronology": lambda s: chronology.get(s, duty, person, False),
    }
    counts = {}
    for name, work in calls.items():
        statements.clear()
        db.write_sync(work)
        counts[name] = len(statements)
    db.dispose()
    return counts


def contact_form_fields(size: int = 4096) -> dict[str, str]:
    fields = {"given_name": "Benchmark", "family_name": "Child", "date_of_birth": "2012-04-04", "sex": "F",
              "postcode": "ZZ1 1AA", "source": "2A", "contact_date": date.today().isoformat(),
              "caller_name": "Head of Year 7", "caller_phone": "01632 960000", "outcome": "referral"}
    filler = size - sum(len(k) + len(v) for k, v in fields.items())
    fields["reason"] = (PROSE * (filler // len(PROSE) + 1))[:filler // 2]
    fields["what_is_known"] = (PROSE * (filler // len(PROSE) + 1))[:filler - filler // 2]
    return fields


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--documents", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(3)

    with tempfile.TemporaryDirectory() as tmp, council(Path(tmp), args.engine) as (config, users):
        with services(config, Path(tmp) / "logs"):
            duty, leader = client(config, "duty"), client(config, "leader")
            started = time.perf_counter()
            person = fill_child(duty, leader, args.documents, rng)
            print(f"filled in {time.perf_counter() - started:.1f}s over gRPC ({args.engine})")
            health = health_pb2_grpc.HealthStub(grpc.insecure_channel(config["records"].target()))

            parts = {"GetPerson": [], "ListDocuments (200)": [], "ListEpisodes": [], "GetChronology": []}
            opens: list[float] = []
            sizes: dict[str, int] = {}

            def open_record() -> None:
                steps = [
                    ("GetPerson", lambda: duty.get_person(person)),
                    ("ListDocuments (200)", lambda: call(duty, "ListDocuments", pb.ListDocumentsRequest(
                        person=person, page_size=200))),
                    ("ListEpisodes", lambda: call(duty, "ListEpisodes", pb.ListEpisodesRequest(person=person))),
                    ("GetChronology", lambda: call(duty, "GetChronology", pb.GetChronologyRequest(person=person))),
                ]
                total = 0.0
                for name, step in steps:
                    start = time.perf_counter()
                    reply = step()
                    took = time.perf_counter() - start
                    parts[name].append(took)
                    sizes[name] = reply.ByteSize()
                    total += took
                opens.append(total)

            listed = call(duty, "ListDocuments", pb.ListDocumentsRequest(person=person, page_size=200)).documents
            assert len(listed) == min(200, args.documents), len(listed)
            results = {"baseline: health check (records)": timed(
                lambda: health.Check(health_pb2.HealthCheckRequest(service="")), max(args.runs, 1000))}
            for _ in range(min(20, args.runs)):  # warm up
                open_record()
            for samples in (opens, *parts.values()):
                samples.clear()
            for _ in range(args.runs):
                open_record()
            results["open a child's record (4 calls)"] = percentiles(opens)
            for name, samples in parts.items():
                results[f"  {name}"] = percentiles(samples)

            draft = pb.Draft(kind="contact", subject=person, title="Contact about Benchmark Child",
                             fields=contact_form_fields())
            saved = duty.save_draft(draft, request_id=str(uuid.uuid4()))

            def autosave() -> None:
                nonlocal saved
                saved.fields["reason"] = saved.fields["reason"][1:] + saved.fields["reason"][0]  # typing
                saved = duty.save_draft(saved)

            results[f"draft autosave (SaveDraft, {draft.ByteSize() // 1024} KB)"] = timed(autosave, args.runs, 20)
            duty.close()
            leader.close()
        statements = count_statements(config, users, person)

    print(f"\n{args.engine}, {args.runs} runs")
    print_table(results)
    base = results["baseline: health check (records)"]
    for name in ("open a child's record (4 calls)", "  ListDocuments (200)",
                 next(k for k in results if k.startswith("draft autosave"))):
        r = results[name]
        print(f"{name.strip()}: p50 {r['p50'] / base['p50']:.1f}x, p95 {r['p95'] / base['p95']:.1f}x, "
              f"p99 {r['p99'] / base['p99']:.1f}x the bare gRPC round trip")
    print(f"reply sizes: " + ", ".join(f"{k} {v / 1024:.0f} KB" for k, v in sizes.items()))
    print("SQL statements per call (BEGIN/COMMIT and the audit row included): "
          + ", ".join(f"{k} {v}" for k, v in statements.items()))


if __name__ == "__main__":
    main()
