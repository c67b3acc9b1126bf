"""What the access decision and the audit write cost per call, measured apart (issue 5).

In process, against the records storage layer (no gRPC), on a fresh records database migrated to
head and filled directly with SQLAlchemy: --children children in 10 teams, each with 1 to 3
contacts and referrals (some from another team), most with an open allocation (and some ended
ones), about 4% restricted and 1% sealed records with grants, a partner with ~40 granted children,
a few live break-glass grants, and ten chained audit rows (with their audit_people rows) per child.
Every call is its own transaction, as in the service; the cases run interleaved (one call of each
in a shuffled order, round after round) so drift and other load hit them all alike.

- GetPerson-shaped query `select(Person).where(Person.id == id)`, with no access predicate (the
  baseline), then with `access.visible_people(principal, READ)` for a worker (team scope: the
  exists() sub-queries), a duty worker (any scope) and a partner (granted only). The difference is
  the access decision's cost.
- people.search's prefilter query (two-letter name stems), with and without the predicate (FIND).
- audit.record for one child in its own write transaction, against a write transaction holding only
  `SELECT 1`: the difference is the audit write's cost (split by a transaction writing one bare
  audit_people row: what any write's commit costs, and the audit beyond that); also on a worker's behalf (business
  support) and for a child the caller holds a live break-glass grant on.
- The whole people.read (access + audit, then to_proto), as GetPerson runs it, against the
  baseline read (the same write transaction with the bare query).
- Unless --no-grpc: GetPerson over loopback through the three services running as separate
  processes, as the demo worker and duty, against a bare gRPC health check on records.
PostgreSQL runs get fresh databases (dropped after) and an ANALYZE after the load, as autovacuum
would soon make; SQLite gets none, as the service never runs one.
Usage: python bench/access_cost.py [--engine sqlite|postgresql] [--runs 2000] [--children 3000] [--no-grpc]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import random
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import insert, or_, select, text

from services.common.audit_chain import GENESIS
from services.common.auth import Principal
from services.common.db import Database
from services.identity.roles import permissions_for
from services.records import access, audit, people
from services.records.models import (Allocation, AuditEntry, AuditPerson, Contact, Person, PersonCharacteristic,
                                     RecordGrant, Referral)

from _common import client, council, percentiles, print_table, services  # bench/ is on sys.path

GIVEN = ("Amira", "Bethan", "Cerys", "Daisy", "Esme", "Freya", "Grace", "Hana", "Isla", "Jasmine", "Keira",
         "Layla", "Maisie", "Nia", "Orla", "Poppy", "Ruby", "Seren", "Alfie", "Bilal", "Callum", "Dylan",
         "Ethan", "Finley", "George", "Harvey", "Idris", "Jayden", "Kai", "Leo", "Mason", "Noah", "Oscar",
         "Rhys", "Sami", "Theo", "Zoë", "Aoife", "Yusuf", "Wiktor")
FAMILY = ("Ashdown", "Brackley", "Carrow", "Dunmore", "Elstree", "Fenwick", "Garrity", "Holloway", "Ingleby",
          "Jessop", "Kettering", "Lomax", "Marchetti", "Nkemelu", "Oduya", "Pennick", "Quayle", "Rowntree",
          "Sandoval", "Thackeray", "Underwood", "Vance", "Whitlock", "Yardley", "Zielinski", "Begum", "Khan",
          "Kowalski", "Murphy", "O'Neill", "Patel", "Smith", "Taylor", "Williams", "Evans", "Hughes")
TEAMS = 10  # team ids 1..10: the demo council's three, and seven more holding children
WORKERS_PER_TEAM = 8
SEARCH_EVERY = 4  # the search cases load ~200 rows a call: a quarter of the runs keeps a run short
GRPC_CALLS = 500  # at most, per gRPC case
NOW = datetime.now(timezone.utc)
TODAY = date.today()


def principal(user, roles: list[str], teams: tuple[int, ...] | None = None, entered_by=None) -> Principal:
    """As identity would vouch for the user: permissions are the role table's, "action:scope"."""
    teams = teams if teams is not None else tuple(
        m.team_id for m in sorted(user.memberships, key=lambda m: m.position))
    return Principal(user_name=f"users/{user.id}", username=user.username, display_name=user.display_name,
                     roles=frozenset(roles), team_names=tuple(f"teams/{t}" for t in teams),
                     expires_at=time.time() + 86400,
                     permissions=tuple(f"{a}:{s}" for a, s in sorted(permissions_for(roles).items())),
                     entered_by=entered_by)


def fill(db: Database, children: int, worker_id: int, worker_team: int, partner_id: int,
         glass_id: int) -> dict[str, int]:
    """Rows straight into the tables, deterministically (random.Random(5)); returns counts."""
    rng = random.Random(5)
    staff = {t: [10_000 + t * 100 + w for w in range(WORKERS_PER_TEAM)] for t in range(1, TEAMS + 1)}
    person_rows, traits, contacts, referrals, allocations, grants = [], [], [], [], [], []
    restricted: list[int] = []
    for pid in range(1, children + 1):
        team = rng.randint(1, TEAMS)
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        level = rng.choices((access.OPEN, access.RESTRICTED, access.SEALED), (95, 4, 1))[0]
        person_rows.append(dict(
            id=pid, given_name=given, family_name=family, given_key=people.fold(given),
            family_key=people.fold(family), date_of_birth=TODAY - timedelta(days=rng.randint(30, 17 * 365)),
            sex=rng.choice((1, 2)), postcode=f"ZZ{rng.randint(1, 9)} {rng.randint(1, 9)}AB",
            address=f"{rng.randint(1, 200)} Example Road", access_level=level, team_id=team,
            created_by_user=rng.choice(staff[team]), created_at=NOW - timedelta(days=rng.randint(1, 2000)),
            version=1, school="Example Primary"))
        for key in ("ethnicity", "first_language", "religion")[:rng.randint(1, 3)]:
            traits.append(dict(person_id=pid, key=key, value="Not stated", status=1, reason=""))
        if level == access.RESTRICTED:
            restricted.append(pid)
        for n in range(rng.choice((1, 1, 2, 3))):  # contacts, each a referral; some to another team
            to_team = team if n == 0 or rng.random() < 0.6 else rng.randint(1, TEAMS)
            received = TODAY - timedelta(days=rng.randint(1, 1500))
            contacts.append(dict(id=len(contacts) + 1, person_id=pid, received_date=received, source=1,
                                 reason="Benchmark contact.", team_id=to_team, recorded_by_user=staff[to_team][0],
                                 recorded_by_username="bench", recorded_by_name="Bench Worker",
                                 created_at=NOW - timedelta(days=1)))
            referrals.append(dict(id=len(contacts), contact_id=len(contacts), person_id=pid, team_id=to_team,
                                  received_date=received, state=2, decision=2, created_at=NOW - timedelta(days=1)))
        if rng.random() < 0.75:  # an open allocation, often after an ended one
            if rng.random() < 0.4:
                allocations.append(_allocation(pid, rng.choice(staff[team]), team, date(2020, 1, 1),
                                               date(2022, 1, 1)))
            allocations.append(_allocation(pid, rng.choice(staff[team]), team, date(2022, 1, 2), None))
        if level != access.OPEN:  # the worker it is allocated to, and one or two colleagues, hold grants
            for user in rng.sample(staff[team], rng.randint(1, 3)):
                grants.append(_grant(pid, user, "grant", None))
    # The demo worker's caseload: 25 open children allocated to them, some held by another team.
    open_ids = [p["id"] for p in person_rows if p["access_level"] == access.OPEN]
    for pid in rng.sample(open_ids, 25):
        allocations.append(_allocation(pid, worker_id, worker_team, date(2024, 1, 1), None))
    for pid in rng.sample(open_ids, 40):  # a health visitor's shared records
        grants.append(_grant(pid, partner_id, "grant", NOW + timedelta(days=90)))
    for pid in rng.sample(open_ids, 10):  # ended grants stay as rows
        grants.append(_grant(pid, partner_id, "grant", NOW - timedelta(days=5)))
    for pid in restricted[:5]:  # live break-glass grants (24 hours), and old ones
        grants.append(_grant(pid, glass_id, "break_glass", NOW + timedelta(hours=24)))
    for pid in restricted[5:15]:
        grants.append(_grant(pid, glass_id, "break_glass", NOW - timedelta(days=30)))
    for i, row in enumerate(allocations):
        row["id"] = i + 1
    for i, row in enumerate(grants):
        row["id"] = i + 1

    # Ten chained audit rows per child: reads and writes by the child's team.
    entries, audit_people = [], []
    prev = GENESIS
    at = NOW - timedelta(days=400)
    for n in range(children * 10):
        pid = rng.randint(1, children)
        at += timedelta(seconds=1)
        entry = SimpleNamespace(id=n + 1, at=at, actor_user=staff[person_rows[pid - 1]["team_id"]][n % WORKERS_PER_TEAM],
                                actor_username="bench", actor_name="Bench Worker",
                                action=rng.choice(("read", "read", "read", "update", "document.create")),
                                subject=f"people/{pid}", person_ids=str(pid), detail="", on_behalf_user=0,
                                on_behalf_username="", on_behalf_name="", reason="")
        entry.prev_hash = prev
        entry.hash = prev = audit.CHAIN._digest(prev, entry)
        entries.append(vars(entry))
        audit_people.append(dict(audit_id=n + 1, person_id=pid))

    def load(s):
        for model, rows in ((Person, person_rows), (PersonCharacteristic, traits), (Contact, contacts),
                            (Referral, referrals), (Allocation, allocations), (RecordGrant, grants),
                            (AuditEntry, entries), (AuditPerson, audit_people)):
            for start in range(0, len(rows), 5000):
                s.execute(insert(model), rows[start:start + 5000])
        if not db.sqlite:  # explicit ids: move each sequence past them
            for table in ("people", "contacts", "referrals", "allocations", "record_grants", "audit_log"):
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))"))

    db.write_sync(load)
    if not db.sqlite:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    return {"children": children, "restricted or sealed": sum(p["access_level"] != access.OPEN for p in person_rows),
            "referrals": len(referrals), "allocations": len(allocations), "grants": len(grants),
            "audit rows": len(entries)}


def _allocation(pid: int, worker: int, team: int, start: date, end: date | None) -> dict:
    return dict(person_id=pid, worker_user=worker, worker_name="Bench Worker", team_id=team, start_date=start,
                end_date=end, reason="", allocated_by_user=1, allocated_by_name="Bench Leader",
                created_at=NOW - timedelta(days=10))


def _grant(pid: int, user: int, kind: str, expires: datetime | None) -> dict:
    return dict(person_id=pid, user_id=user, kind=kind, reason="Emergency: child at hospital, out of hours."
                if kind == "break_glass" else "Shared for the child protection plan.", granted_by_user=1,
                granted_by_name="Bench Leader", granted_at=NOW - timedelta(days=20), expires_at=expires)


def interleaved(cases: dict[str, tuple], runs: int, warm_up: int = 50) -> dict[str, dict[str, float]]:
    """Per case (fn, args[, every]): percentiles of calls fn(arg), arg cycling through args. One
    call of each case per round, in a shuffled order, for `runs` rounds; a case with `every` k
    runs in one round of k only (the slow search cases), so runs // k calls."""
    rng = random.Random(11)
    names = list(cases)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for i in range(-min(warm_up, runs), runs):
        rng.shuffle(names)
        for name in names:
            fn, args, *every = cases[name]
            if i % (every[0] if every else 1):
                continue
            arg = args[(i // (every[0] if every else 1)) % len(args)]
            start = time.perf_counter()
            fn(arg)
            took = time.perf_counter() - start
            if i >= 0:
                samples[name].append(took)
    return {name: percentiles(samples[name]) for name in cases}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--no-grpc", action="store_true", help="skip GetPerson over loopback")
    args = parser.parse_args()
    began = time.perf_counter()

    with tempfile.TemporaryDirectory() as tmp, council(Path(tmp), args.engine) as (config, users):
        worker_team = users["worker"].memberships[0].team_id
        worker = principal(users["worker"], ["worker"])
        duty = principal(users["duty"], ["duty"])
        partner = principal(users["partner"], ["partner"], ())
        support = users["support"]
        on_behalf = principal(users["worker"], ["worker"],
                              entered_by=(f"users/{support.id}", support.username, support.display_name))
        glass = principal(users["worker2"], ["worker"])  # holds live break-glass grants
        db = Database(config["records"].database_url)
        started = time.perf_counter()
        counts = fill(db, args.children, worker.user_id, worker_team, partner.user_id, glass.user_id)
        print(f"{args.engine}: loaded " + ", ".join(f"{v} {k}" for k, v in counts.items())
              + f" in {time.perf_counter() - started:.1f}s")

        def ids(who: Principal | None, action: str = access.READ, visible: bool = True) -> list[int]:
            query = select(Person.id)
            if who is not None:
                seen = select(Person.id).where(access.visible_people(who, action))
                query = query.where(Person.id.in_(seen) if visible else Person.id.not_in(seen))
            found = db.read_sync(lambda s: list(s.scalars(query)))
            random.Random(len(found)).shuffle(found)
            return found

        every, duty_ids, partner_ids = ids(None), ids(duty), ids(partner)
        worker_ids, hidden_ids = ids(worker), ids(worker, visible=False)
        live_glass = db.read_sync(lambda s: list(s.scalars(select(RecordGrant.person_id).where(
            RecordGrant.user_id == glass.user_id, RecordGrant.kind == "break_glass", RecordGrant.expires_at > NOW))))
        print(f"visible to: worker (team) {len(worker_ids)}, duty (any) {len(duty_ids)}, "
              f"partner (granted) {len(partner_ids)} of {len(every)} children; "
              f"worker2 holds {len(live_glass)} live break-glass grants")

        def get(who: Principal | None):
            def run(pid: int):
                query = select(Person).where(Person.id == pid)
                if who is not None:
                    query = query.where(access.visible_people(who, access.READ))
                return db.read_sync(lambda s: s.scalar(query))
            return run

        rng = random.Random(2)
        searches = [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(200)]
        rows_found: dict[str, list[int]] = {}

        def prefilter(who: Principal | None, label: str):
            rows_found[label] = []

            def run(query_text: str):  # people.search's prefilter query, as it builds it
                tokens = [t for t in people.fold(query_text).replace(",", " ").split() if t]
                prefilters = []
                for token in tokens:
                    stem = token[:2]
                    prefilters += [Person.given_key.startswith(stem), Person.family_key.startswith(stem)]
                query = select(Person)
                if who is not None:
                    query = query.where(access.visible_people(who, access.FIND))
                query = query.where(or_(*prefilters)).limit(5000)
                rows_found[label].append(len(db.read_sync(lambda s: list(s.scalars(query)))))
            return run

        fake_ids = itertools.count(1)  # the minimal write: an index row no audit row owns (scratch data)

        def audited(who: Principal):
            return lambda pid: db.write_sync(lambda s: audit.record(s, who, "read", f"people/{pid}", [pid]))

        def bare_read(pid: int):
            return db.write_sync(lambda s: people.to_proto(s.scalar(select(Person).where(Person.id == pid))))

        def whole_read(who: Principal):
            return lambda pid: db.write_sync(lambda s: people.to_proto(people.read(s, who, pid)))

        base = "a  GetPerson query, no predicate"
        worker_seen = "b  + predicate: worker (team), visible"
        worker_hidden = "b  + predicate: worker (team), NOT_FOUND"
        duty_case = "b  + predicate: duty (any)"
        partner_case = "b  + predicate: partner (granted)"
        build_worker = "b  (predicate built only, no SQL): worker"
        build_duty = "b  (predicate built only, no SQL): duty"
        search_base = "c  search prefilter, no predicate"
        search_worker = "c  + predicate: worker (team)"
        search_duty = "c  + predicate: duty (any)"
        empty = "d  write txn, SELECT 1 only"
        one_row = "d  write txn, one bare audit_people row"
        audit_one = "d  audit.record, 1 child (worker)"
        audit_behalf = "d  audit.record, on behalf (support)"
        audit_glass = "d  audit.record, live break-glass"
        read_base = "e  read: bare query + to_proto (write txn)"
        read_worker = "e  people.read, worker (access + audit)"
        read_duty = "e  people.read, duty (access + audit)"
        cases = {
            base: (get(None), every),
            worker_seen: (get(worker), worker_ids),
            worker_hidden: (get(worker), hidden_ids),
            duty_case: (get(duty), duty_ids),
            partner_case: (get(partner), partner_ids),
            build_worker: (lambda _: access.visible_people(worker, access.READ), [0]),
            build_duty: (lambda _: access.visible_people(duty, access.READ), [0]),
            search_base: (prefilter(None, search_base), searches, SEARCH_EVERY),
            search_worker: (prefilter(worker, search_worker), searches, SEARCH_EVERY),
            search_duty: (prefilter(duty, search_duty), searches, SEARCH_EVERY),
            empty: (lambda _: db.write_sync(lambda s: s.execute(text("SELECT 1")).scalar()), [0]),
            one_row: (lambda pid: db.write_sync(lambda s: s.execute(insert(AuditPerson).values(
                audit_id=-next(fake_ids), person_id=pid))), worker_ids),
            audit_one: (audited(worker), worker_ids),
            audit_behalf: (audited(on_behalf), worker_ids),
            audit_glass: (audited(glass), live_glass),
            read_base: (bare_read, worker_ids),
            read_worker: (whole_read(worker), worker_ids),
            read_duty: (whole_read(duty), duty_ids),
        }
        # Checks that each case does what it says before timing it.
        assert get(worker)(worker_ids[0]) is not None and get(worker)(hidden_ids[0]) is None
        assert get(partner)(partner_ids[0]) is not None and get(duty)(duty_ids[0]) is not None
        assert db.read_sync(lambda s: audit._break_glass_reason(s, glass.user_id, live_glass[:1])), \
            "no live break-glass grant found"
        started, collections = time.perf_counter(), gc.get_stats()[2]["collections"]
        results = interleaved(cases, args.runs)
        timing, collections = time.perf_counter() - started, gc.get_stats()[2]["collections"] - collections
        entries = db.read_sync(lambda s: s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)))
        verified, broken = db.read_sync(audit.verify)
        db.dispose()

        grpc_results = {}
        if not args.no_grpc:
            import grpc
            from grpc_health.v1 import health_pb2, health_pb2_grpc

            with services(config, Path(tmp) / "logs"), grpc.insecure_channel(config["records"].target()) as channel:
                as_worker, as_duty = client(config, "worker"), client(config, "duty")
                health = health_pb2_grpc.HealthStub(channel)
                grpc_results = interleaved({
                    "health check (records), bare gRPC": (
                        lambda _: health.Check(health_pb2.HealthCheckRequest(service="")), [0]),
                    "GetPerson as worker (team)": (lambda pid: as_worker.get_person(f"people/{pid}"), worker_ids),
                    "GetPerson as duty (any)": (lambda pid: as_duty.get_person(f"people/{pid}"), duty_ids),
                }, min(args.runs, GRPC_CALLS))
                as_worker.close()
                as_duty.close()

    print(f"\n{args.engine}, {args.runs} runs per case ({args.runs // SEARCH_EVERY} for c; interleaved, {timing:.0f}s), {args.children} children; "
          "in process, each call its own transaction")
    print_table(results)
    mean_rows = {k: sum(v) / len(v) for k, v in rows_found.items()}
    print("search prefilter rows returned (mean): " + ", ".join(
        f"{k.split(':')[-1].strip() if ':' in k else 'no predicate'} {v:.0f}" for k, v in mean_rows.items()))
    print(f"Python's full (generation 2) garbage collections while timing: {collections}; they land mostly on "
          "the calls that allocate most (the search prefilter), so read p95/p99 there with that in mind")
    print(f"audit chain after the run: {verified} rows, {'intact' if broken is None else broken} "
          f"(last id {entries})")

    def adds(name: str, over: str) -> str:
        r, b = results[name], results[over]
        return f"{r['p50'] - b['p50']:+.3f} ms (p50), {r['p95'] - b['p95']:+.3f} ms (p95)"

    print()
    for name, who in ((worker_seen, "worker, team scope, child visible"),
                      (worker_hidden, "worker, team scope, child not visible"),
                      (duty_case, "duty, any scope"), (partner_case, "partner, granted only")):
        print(f"access decision adds {adds(name, base)}  [{who}]")
    print(f"  of which building the expression in Python: worker {results[build_worker]['p50']:.3f} ms, "
          f"duty {results[build_duty]['p50']:.3f} ms (p50); a NOT_FOUND loads no row (no characteristics "
          "query), so its figure is an underestimate")
    for name, who in ((search_worker, "worker"), (search_duty, "duty")):
        print(f"access predicate on the search prefilter: {adds(name, search_base)}  [{who}; fewer rows come back]")
    for name, what in ((audit_one, "one child"), (audit_behalf, "on a worker's behalf"),
                       (audit_glass, "live break-glass, reason looked up")):
        print(f"audit write adds {adds(name, empty)}  [{what}]")
    print(f"  of which committing a write at all (one bare row): {adds(one_row, empty)}; the audit beyond a "
          f"minimal write: {adds(audit_one, one_row)}")
    for name, who in ((read_worker, "worker"), (read_duty, "duty")):
        print(f"people.read (access + audit) adds {adds(name, read_base)} over the bare read  [{who}]")
    if grpc_results:
        print(f"\nover gRPC (loopback, services as separate processes), {min(args.runs, GRPC_CALLS)} calls each")
        print_table(grpc_results)
        h = grpc_results["health check (records), bare gRPC"]
        for label in ("GetPerson as worker (team)", "GetPerson as duty (any)"):
            r = grpc_results[label]
            print(f"{label}: {r['p50'] - h['p50']:+.2f} ms (p50) over the bare round trip")
    print(f"\ntotal {time.perf_counter() - began:.0f}s")


if __name__ == "__main__":
    main()
