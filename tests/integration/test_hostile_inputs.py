"""Hostile and malformed requests to every RPC of every running service (issue 5).

For every method of every service in the ics.identity.v1, ics.records.v1 and ics.alerts.v1
packages, enumerated from the generated descriptors (so a method added later is covered without
touching this file), hypothesis builds requests from the method's own request descriptor:
strings from a list of hostile values mixed with names of real resources (of the right kind and
the wrong one), integers at their extremes, undefined enum values, repeated fields of 0..3
elements, nested messages, junk field-mask paths and random bytes. Each request is sent as one of
several callers (each demo role, the alerts service account, no token, a garbage token).

For each call:
- the answer is one of the codes the design lists (../shared/docs/ARCHITECTURE.md, "Errors"),
  never UNKNOWN or INTERNAL;
- the service still answers its health check afterwards;
- a refused call changed nothing: a fingerprint of every service's database (rows, highest id
  and the sum of row versions, per table) is the same before and after, except for the tables
  that are written on purpose when a call is refused (EXPECTED_ON_REFUSAL below).

Set HOSTILE_FINDINGS_DIR to a folder to have every failing call written there as JSON lines
(method, caller, request in text format, code, message, the server's logged traceback).
"""

from __future__ import annotations

import base64
import json
import logging
import math
import os
import threading
import time
import uuid
from dataclasses import dataclass, field

import grpc
import pytest
from google.protobuf import text_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message_factory import GetMessageClass
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, inspect, text

from ics.alerts.v1 import alerts_pb2
from ics.identity.v1 import identity_pb2
from ics.records.v1 import records_pb2
from services.common.config import SERVICES

# --- what may be answered -------------------------------------------------------------------

# ../shared/docs/ARCHITECTURE.md, "Errors": INVALID_ARGUMENT, UNAUTHENTICATED, NOT_FOUND,
# ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED, RESOURCE_EXHAUSTED; "never UNKNOWN or INTERNAL for
# anything a client sent". PERMISSION_DENIED is the designed answer to a role that may not do
# something (services/common/errors.py:PermissionDenied, raised by every service's role checks).
# UNAVAILABLE is left out on purpose: every service is running here, and records and alerts
# answer UNAVAILABLE when *another* service failed them (auth.py turns any identity failure,
# INTERNAL included, into UNAVAILABLE), so allowing it would hide exactly the faults sought.
C = grpc.StatusCode
ALLOWED = frozenset({
    C.OK, C.INVALID_ARGUMENT, C.UNAUTHENTICATED, C.PERMISSION_DENIED, C.NOT_FOUND,
    C.ALREADY_EXISTS, C.FAILED_PRECONDITION, C.ABORTED, C.RESOURCE_EXHAUSTED,
})
# A stream is read for one message or STREAM_WAIT seconds and then cancelled by this test:
# CANCELLED (our cancel) and DEADLINE_EXCEEDED (our deadline) are the test's own doing.
ALLOWED_STREAM = ALLOWED | {C.CANCELLED, C.DEADLINE_EXCEEDED}
STREAM_WAIT = 0.4
UNARY_DEADLINE = 20.0

# Tables that a refused call writes on purpose, and why; every other table must be unchanged.
EXPECTED_ON_REFUSAL = {
    # Every read and write of a child's record is audited, refused ones included (who looked
    # for what, and was told no): the audit is the point of the refusal being recorded.
    "audit_log": "records audits refused reads and writes too",
    # identity's hash-chained audit records refused administrative actions.
    "identity_audit": "identity audits refused administrative actions",
    # Wrong passwords are counted per username typed, committed before the refusal is answered
    # (backoff and lockout depend on it).
    "login_throttle": "failed logins are counted on purpose",
    # Sessions slide and are touched by introspection and refresh; Logout revokes one.
    "sessions": "session bookkeeping (sliding expiry, revocation)",
}


def _expected_on_refusal(table: str) -> bool:
    return table in EXPECTED_ON_REFUSAL or "audit" in table


# --- every method of every service, from the descriptors -------------------------------------

PROTO_MODULES = (identity_pb2, records_pb2, alerts_pb2)


@dataclass(frozen=True)
class Rpc:
    service: str          # "identity" | "records" | "alerts": the stack's name for the server
    full_service: str     # ics.records.v1.RecordsService
    method: object        # MethodDescriptor

    @property
    def path(self) -> str:
        return f"/{self.full_service}/{self.method.name}"

    @property
    def streaming(self) -> bool:
        return self.method.server_streaming

    def __str__(self) -> str:
        return f"{self.service}.{self.method.name}"


def all_rpcs() -> list[Rpc]:
    found = []
    for module in PROTO_MODULES:
        for service in module.DESCRIPTOR.services_by_name.values():
            owner = service.full_name.split(".")[1]  # ics.<owner>.v1.<Service>
            assert owner in SERVICES, f"{service.full_name}: no running service called {owner}"
            for method in service.methods:
                assert not method.client_streaming, f"{method.full_name}: client streaming is not exercised here"
                found.append(Rpc(owner, service.full_name, method))
    return found


RPCS = all_rpcs()
# Methods that can end or change the sessions of the callers used here: after each, every
# caller's token is checked and a lost one logged in again.
SESSION_CHANGING = {"Logout", "ChangePassword", "ResetPassword", "UpdateUser", "RefreshSession"}

# --- hostile values ---------------------------------------------------------------------------


def _token(payload) -> str:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode() \
        if not isinstance(payload, str) else payload.encode()
    return base64.urlsafe_b64encode(raw).decode()


HOSTILE_STRINGS = [
    "", " ", "   \t\n", "x" * 10_000, "a\x00b", "\x00", "people/1\x00",
    "\u202eevil\u202c", "\u200f\u200e", "\ufeff", "e\u0301", "🧒🏽", "👨‍👩‍👧‍👦", "İ", "ß", "Ǆ", "Ⅻ", "𝟙𝟚",
    "'; DROP TABLE people;--", "\" OR 1=1 --", "%", "_", "%_%", "\\", "*", "<script>x</script>",
    "{{7*7}}", "${jndi:ldap://x/a}", "../../etc/passwd", "null", "None", "NaN", "-1", "0",
    "1e999", "99999999999999999999", "true",
    "people/-1", "people/0", "people/99999999999999999999", "people/9223372036854775808",
    "people/1/../2", "people/ 1", "people/1 ", "people/+1", "people/0x1", "people/1.0",
    "people/²", "people/١٢", "people/", "people", "/", "//", "users/abc", "teams/", "teams/-0",
    "documents/people/1", "clocks/%", "drafts/0", "referrals/18446744073709551616",
    "2026-02-30", "0000-00-00", "9999-12-31", "yesterday", "2026-13-01", "2026-1-1",
    "20260101", "10000-01-01", "-2026-01-01", "2026-01-01T00:00:00Z", "１９９９-01-01",
    # page tokens: not base64, base64 of junk, of a list, of numbers no offset can be
    "!!!not base64", _token(b"\xff\xfe\x00"), _token([1]), _token({"o": "x"}), _token({"o": -1}),
    _token({"o": 10 ** 30}), _token("{\"o\": 1e999}"), _token({"o": 1.5}), _token({"o": None}),
    _token({"o": 2 ** 63}), _token({"o": True}),
]
JUNK_PATHS = ["", "*", "nope", "name", "etag", "roles.0", "user.roles", "a.b.c", "answers[0]", "x" * 300,
              "given_name", "active", "team_names", "date_of_birth", "display_name"]
GARBAGE_TOKENS = ["garbage", "x" * 5000, "Bearer", "'; DROP TABLE sessions;--", "00000000"]
INT32 = [0, 1, 2, 3, -1, 500, 501, 2 ** 31 - 1, -2 ** 31]
INT64 = INT32 + [2 ** 63 - 1, -2 ** 63, 2 ** 32]
UINT32 = [0, 1, 2 ** 32 - 1]
UINT64 = UINT32 + [2 ** 64 - 1, 2 ** 63]
FLOATS = [0.0, -0.0, math.nan, math.inf, -math.inf, 1e30, -1.5]
BYTES = [b"", b"\x00" * 16, bytes(range(256)) * 400, b"\x89PNG\r\n\x1a\n" + b"\xff" * 64,
         b"\x00" * (10 * 1024 * 1024 + 1)]

SIGNED32 = {FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SFIXED32}
SIGNED64 = {FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED64}
UNSIGNED32 = {FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32}
UNSIGNED64 = {FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64}
MAX_DEPTH = 3


class RequestBuilder:
    """Draws a request for any message descriptor, recursively."""

    def __init__(self, valid_strings: list[str]):
        self.valid = sorted(set(valid_strings)) or ["people/1"]
        self.strings = st.one_of(st.sampled_from(HOSTILE_STRINGS), st.sampled_from(self.valid),
                                 st.text(max_size=24))
        self.paths = st.one_of(st.sampled_from(JUNK_PATHS), st.text(max_size=12))

    def message(self, data, descriptor, depth: int = 0):
        msg = GetMessageClass(descriptor)()
        self._fill(data, msg, descriptor, depth)
        return msg

    def _fill(self, data, msg, descriptor, depth):
        chosen_in_oneof = {}
        for oneof in descriptor.oneofs:
            if oneof.name.startswith("_"):  # proto3 optional: a synthetic oneof of one field
                continue
            options = [None] + [f.name for f in oneof.fields]
            chosen_in_oneof[oneof.name] = data.draw(st.sampled_from(options))
        for f in descriptor.fields:
            real_oneof = f.containing_oneof is not None and not f.containing_oneof.name.startswith("_")
            if real_oneof:
                if chosen_in_oneof[f.containing_oneof.name] != f.name:
                    continue
            elif not data.draw(st.booleans()):
                continue
            self._set(data, msg, f, descriptor, depth)

    def _set(self, data, msg, f, parent, depth):
        is_map = f.message_type is not None and f.message_type.GetOptions().map_entry
        repeated = f.is_repeated
        if is_map:
            key_f, value_f = f.message_type.fields_by_name["key"], f.message_type.fields_by_name["value"]
            target = getattr(msg, f.name)
            for _ in range(data.draw(st.integers(0, 3))):
                key = self._scalar(data, key_f, parent)
                if value_f.type == FieldDescriptor.TYPE_MESSAGE:
                    if depth < MAX_DEPTH:
                        self._fill(data, target[key], value_f.message_type, depth + 1)
                    else:
                        target[key]  # noqa: B018 - reading a message map's key makes the entry
                else:
                    target[key] = self._scalar(data, value_f, parent)
            return
        if f.type == FieldDescriptor.TYPE_MESSAGE:
            if depth >= MAX_DEPTH:
                return
            if repeated:
                for _ in range(data.draw(st.integers(0, 3))):
                    self._fill(data, getattr(msg, f.name).add(), f.message_type, depth + 1)
            else:
                sub = getattr(msg, f.name)
                sub.SetInParent()
                self._fill(data, sub, f.message_type, depth + 1)
            return
        if repeated:
            getattr(msg, f.name).extend(self._scalar(data, f, parent) for _ in range(data.draw(st.integers(0, 3))))
        else:
            setattr(msg, f.name, self._scalar(data, f, parent))

    def _scalar(self, data, f, parent):
        t = f.type
        if t == FieldDescriptor.TYPE_STRING:
            if f.name == "paths" or f.name.endswith("_mask"):
                return data.draw(self.paths)
            return data.draw(self.strings)
        if t == FieldDescriptor.TYPE_BYTES:
            return data.draw(st.one_of(st.binary(max_size=64), st.sampled_from(BYTES)))
        if t == FieldDescriptor.TYPE_BOOL:
            return data.draw(st.booleans())
        if t == FieldDescriptor.TYPE_ENUM:
            defined = [v.number for v in f.enum_type.values]
            return data.draw(st.sampled_from(defined + [-1, 999, 2 ** 31 - 1]))
        if t in SIGNED32:
            return data.draw(st.one_of(st.sampled_from(INT32), st.integers(-2 ** 31, 2 ** 31 - 1)))
        if t in SIGNED64:
            return data.draw(st.one_of(st.sampled_from(INT64), st.integers(-2 ** 63, 2 ** 63 - 1)))
        if t in UNSIGNED32:
            return data.draw(st.one_of(st.sampled_from(UINT32), st.integers(0, 2 ** 32 - 1)))
        if t in UNSIGNED64:
            return data.draw(st.one_of(st.sampled_from(UINT64), st.integers(0, 2 ** 64 - 1)))
        if t in (FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE):
            return data.draw(st.sampled_from(FLOATS))
        raise AssertionError(f"{parent.full_name}.{f.name}: field type {t} has no strategy here")


# --- the databases ----------------------------------------------------------------------------


class Fingerprints:
    """Per table of every service's database: rows, highest integer key and the sum of row
    versions (so an updated etag shows too), read in one query per database."""

    def __init__(self, stack):
        self.engines, self.queries = {}, {}
        for name in SERVICES:
            engine = create_engine(stack.config[name].database_url, pool_size=1, max_overflow=1)
            inspector = inspect(engine)
            quote = engine.dialect.identifier_preparer.quote
            parts = []
            for table in sorted(inspector.get_table_names()):
                if table.startswith("alembic_version"):
                    continue
                columns = {c["name"]: c for c in inspector.get_columns(table)}
                pk = inspector.get_pk_constraint(table).get("constrained_columns") or []
                key = pk[0] if len(pk) == 1 and "INT" in str(columns[pk[0]]["type"]).upper() else None
                top = f"COALESCE(MAX({quote(key)}), 0)" if key else "0"
                versions = f"COALESCE(SUM({quote('version')}), 0)" if "version" in columns else "0"
                parts.append(f"SELECT '{table}' AS t, COUNT(*) AS n, {top} AS top, {versions} AS v "
                             f"FROM {quote(table)}")
            self.engines[name] = engine
            self.queries[name] = text(" UNION ALL ".join(parts))
        self._records_seq = text("SELECT COALESCE(MAX(sequence), 0) FROM outbox_events")
        self._alerts_cursor = text("SELECT COALESCE(MAX(last_sequence), 0) FROM feed_cursors")

    def take(self) -> dict[tuple[str, str], tuple[int, int, int]]:
        found = {}
        for name, engine in self.engines.items():
            with engine.connect() as conn:
                for t, n, top, v in conn.execute(self.queries[name]):
                    found[(name, t)] = (int(n), int(top), int(v))
        return found

    def settle(self, timeout: float = 15.0) -> None:
        """Waits until alerts has applied every records event, so what alerts does in the
        background for an earlier, successful call is not mistaken for this call's writes."""
        deadline = time.monotonic() + timeout
        while True:
            with self.engines["records"].connect() as conn:
                last = conn.execute(self._records_seq).scalar()
            with self.engines["alerts"].connect() as conn:
                applied = conn.execute(self._alerts_cursor).scalar()
            if applied >= last or time.monotonic() > deadline:
                return
            time.sleep(0.02)

    def dispose(self):
        for engine in self.engines.values():
            engine.dispose()


def changed_tables(before, after) -> dict[str, tuple]:
    return {f"{svc}.{table}": (before.get((svc, table)), after.get((svc, table)))
            for (svc, table) in set(before) | set(after)
            if before.get((svc, table)) != after.get((svc, table)) and not _expected_on_refusal(table)}


class ServerLog(logging.Handler):
    """What the services (in this process) log at ERROR: the traceback of an INTERNAL."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[str] = []
        self._guard = threading.Lock()  # not self.lock: logging.Handler holds that around emit

    def emit(self, record):
        with self._guard:
            self.records.append(logging.Formatter("%(name)s: %(message)s").format(record))

    def mark(self) -> int:
        with self._guard:
            return len(self.records)

    def since(self, mark: int) -> list[str]:
        with self._guard:
            return self.records[mark:]


# --- callers and a world with real resources in it --------------------------------------------

CALLER_USERS = ["duty", "worker", "leader", "manager", "admin"]
CALLERS = CALLER_USERS + ["service", "no token", "garbage token"]
# Users the hostile requests may name and change (reset, disable, re-role): never a caller.
TARGET_USERS = ["duty2", "worker2"]


@dataclass
class World:
    stack: object
    sessions: object
    channels: dict
    db: Fingerprints
    log: ServerLog
    builder: RequestBuilder
    caller_user_names: set = field(default_factory=set)

    def client(self, who: str):
        return self.sessions.service() if who == "service" else self.sessions(who)

    def metadata(self, who: str, garbage: str) -> tuple:
        if who == "no token":
            return ()
        if who == "garbage token":
            return (("authorization", f"Bearer {garbage}"),)
        return (("authorization", f"Bearer {self.client(who).session.token}"),)

    def healthy(self, service: str) -> bool:
        stub = health_pb2_grpc.HealthStub(self.channels[service])
        reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=10)
        return reply.status == health_pb2.HealthCheckResponse.SERVING

    def restore_sessions(self) -> None:
        """Logs a caller in again if a hostile Logout (or the like) ended its session."""
        introspect = self.channels["identity"].unary_unary(
            "/ics.identity.v1.IdentityService/IntrospectToken",
            request_serializer=identity_pb2.IntrospectTokenRequest.SerializeToString,
            response_deserializer=lambda b: b)
        for who in CALLER_USERS + ["service"]:
            client = self.client(who)
            try:
                introspect(identity_pb2.IntrospectTokenRequest(access_token=client.session.token), timeout=10)
            except grpc.RpcError as exc:
                assert exc.code() == C.UNAUTHENTICATED, f"introspecting {who}: {exc.code()} {exc.details()}"
                if who == "service":
                    client.login(self.stack.config.alerts_service_username,
                                 self.stack.config.service_password_file.read_text().strip())
                else:
                    client.login(who, "demo")


def _harvest(message, names: set, values: set) -> None:
    """Resource names ("people/3", "documents/7") and short identifiers (etags, codes, template
    ids, rule names) from a response, to mix real ones into hostile requests."""
    for f, value in message.ListFields():
        items = value if f.is_repeated else [value]
        if f.message_type is not None and f.message_type.GetOptions().map_entry:
            items = list(value.values()) if f.message_type.fields_by_name["value"].message_type else []
            values.update(k for k in value.keys() if isinstance(k, str))
        for item in items:
            if hasattr(item, "ListFields"):
                _harvest(item, names, values)
            elif isinstance(item, str) and 0 < len(item) <= 40:
                head, _, tail = item.partition("/")
                if tail and tail.split("/")[0].isdigit() and head.isalpha():
                    names.add(item)
                elif f.name in ("etag", "template_id", "code", "type_code", "rule", "rule_set", "kind",
                                "legal_status", "category_of_need", "placement_type", "provider", "role",
                                "roles", "username", "date", "start_date", "received_date"):
                    values.add(item)


def _populate(stack, sessions) -> tuple[set, set]:
    """A child with a contact, referral, document, draft, household, relationship, plan, care
    period, placement and chronology entry, through the services' own write paths; each step
    is best effort (a later change to a contract must not stop the hostile tests)."""
    from ics.common.v1 import common_pb2 as cpb
    from tests.helpers import call

    pb = records_pb2
    duty, leader, admin = sessions("duty"), sessions("leader"), sessions("admin")
    names, values = set(), set()
    made: dict[str, object] = {}
    tag = uuid.uuid4().hex[:6]

    def step(key, client, method, request, service="records"):
        try:
            reply = call(client, method, request, service=service)
        except Exception:  # best effort: the resource is simply not among the valid names
            return None
        _harvest(reply, names, values)
        made[key] = reply
        return reply

    first = step("contact", duty, "RecordContact", pb.RecordContactRequest(
        new_person=pb.Person(given_name="Hostile", family_name=f"Inputs{tag}", date_of_birth="2015-05-05",
                             sex=pb.SEX_FEMALE, postcode="ZZ1 1AA"),
        received_date="2026-03-02", source=pb.CONTACT_SOURCE_SCHOOL, reason="School worried",
        confirmed_not_duplicate=True))
    sibling = step("sibling", duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Sib", family_name=f"Inputs{tag}", date_of_birth="2017-07-07", sex=pb.SEX_MALE,
        postcode="ZZ1 1AA"), confirmed_not_duplicate=True))
    if first is None:
        return names, values
    child, referral = first.person.name, first.referral.name
    other = sibling.name if sibling is not None else ""
    step("decide", leader, "DecideReferral", pb.DecideReferralRequest(
        name=referral, decision=pb.REFERRAL_DECISION_ASSESSMENT, reason="Assess", decided_date="2026-03-02"))
    doc = step("document", duty, "CreateDocument", pb.CreateDocumentRequest(person=child, template_id="contact-record"))
    if doc is not None:
        step("attachment", duty, "AddAttachment", pb.AddAttachmentRequest(attachment=pb.Attachment(
            document=doc.name, filename="house.png", media_type="image/png", kind="drawing", provenance="direct",
            description="A drawing of a house", content=b"\x89PNG\r\n\x1a\nfake")))
    step("draft", duty, "SaveDraft", pb.SaveDraftRequest(draft=pb.Draft(kind="contact", subject=child,
                                                                       fields={"reason": "typing"})))
    step("household", duty, "CreateHousehold", pb.CreateHouseholdRequest(
        household=pb.Household(address="1 Synthetic Row", postcode="ZZ1 1AA"),
        members=[n for n in (child, other) if n], from_date="2020-01-01", request_id=str(uuid.uuid4())))
    if other:
        step("relationship", duty, "CreateRelationship", pb.CreateRelationshipRequest(
            relationship=pb.Relationship(child=child, other=other, type_code="sibling")))
    step("plan", duty, "CreatePlan", pb.CreatePlanRequest(person=child, kind="child_in_need", start_date="2026-09-01",
                                                          outcomes=[pb.NewOutcome(text="Attends school every day", actions=[
                                                              pb.PlanAction(who="SW", what="Visit", by_when="2026-12-01")])]))
    step("chronology", duty, "AddChronologyEntry", pb.AddChronologyEntryRequest(person=child, entry=pb.ChronologyEntry(
        date="2026-03-03", title="Told by the school")))
    step("care", duty, "StartCare", pb.StartCareRequest(child=child, start_date="2026-03-02", legal_status="C2",
                                                         category_of_need="N1", request_id=str(uuid.uuid4())))
    carer = step("carer", leader, "CreateCarer", pb.CreateCarerRequest(carer=pb.Carer(
        kind="foster_carer", display_name=f"Carer {tag}", postcode="ZZ1 1AA")))
    if carer is not None:
        step("placement", duty, "StartPlacement", pb.StartPlacementRequest(placement=pb.Placement(
            child=child, carer=carer.name, start_date="2026-03-03", placement_type="U6", provider="PR1")))
    # What is there already: teams, users, templates, types, episodes, clocks, rules.
    step("teams", admin, "ListTeams", identity_pb2.ListTeamsRequest(), service="identity")
    step("users", admin, "ListUsers", identity_pb2.ListUsersRequest(), service="identity")
    step("templates", duty, "ListTemplates", pb.ListTemplatesRequest())
    step("types", duty, "ListRelationshipTypes", pb.ListRelationshipTypesRequest())
    step("episodes", duty, "ListEpisodes", pb.ListEpisodesRequest(person=child))
    step("allocations", duty, "ListAllocations", pb.ListAllocationsRequest(person=child))
    step("documents", duty, "ListDocuments", pb.ListDocumentsRequest(person=child))
    step("alerts", duty, "ListMyAlerts", alerts_pb2.ListMyAlertsRequest(), service="alerts")
    step("clocks", leader, "ListPersonClocks", alerts_pb2.ListPersonClocksRequest(person=child, include_ended=True),
         service="alerts")
    values.update({"1", "2", "3", "2026-03-02", "contact-record", "sibling", "duty", "worker", "admin", *TARGET_USERS})
    _ = cpb  # the common messages come in through the descriptors
    return names, values


@pytest.fixture(scope="module")
def world(stack, sessions):
    log = ServerLog()
    ics_log = logging.getLogger("ics")
    ics_log.addHandler(log)
    for who in CALLER_USERS:
        sessions(who)
    sessions.service()
    names, values = _populate(stack, sessions)
    # The callers' own user names are never offered: a hostile ResetPassword or UpdateUser
    # that succeeded on one would end the sessions this test calls with.
    callers = {sessions(who).session.user.name for who in CALLER_USERS}
    callers.add(sessions.service().session.user.name)
    names -= callers
    values -= callers
    channels = {name: grpc.insecure_channel(stack.target(name)) for name in SERVICES}
    db = Fingerprints(stack)
    made = World(stack, sessions, channels, db, log, RequestBuilder(sorted(names | values)), callers)
    yield made
    db.dispose()
    for channel in channels.values():
        channel.close()
    ics_log.removeHandler(log)


# --- the property -----------------------------------------------------------------------------


def _record_finding(rpc: Rpc, engine: str, who: str, request, code, message: str, problem: str,
                    traceback: list[str]) -> None:
    folder = os.environ.get("HOSTILE_FINDINGS_DIR")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "findings.jsonl"), "a", encoding="utf-8") as out:
        out.write(json.dumps({
            "engine": engine, "method": str(rpc), "caller": who, "problem": problem,
            "code": code.name if code else None, "message": message,
            "request": text_format.MessageToString(request, as_utf8=True)[:4000],
            "request_bytes": len(request.SerializeToString()), "traceback": traceback,
        }) + "\n")


def _count(rpc: Rpc, engine: str, who: str, code) -> None:
    """Tallies answers per method when HOSTILE_FINDINGS_DIR is set (what the calls reached)."""
    folder = os.environ.get("HOSTILE_FINDINGS_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "answers.jsonl"), "a", encoding="utf-8") as out:
            out.write(json.dumps({"engine": engine, "method": str(rpc), "caller": who, "code": code.name}) + "\n")


def _invoke(world: World, rpc: Rpc, request, metadata):
    """Sends the request; returns (code, message). A stream is read for at most one message."""
    request_cls = type(request)
    response_cls = GetMessageClass(rpc.method.output_type)
    channel = world.channels[rpc.service]
    if not rpc.streaming:
        stub = channel.unary_unary(rpc.path, request_serializer=request_cls.SerializeToString,
                                   response_deserializer=response_cls.FromString)
        try:
            stub(request, metadata=metadata, timeout=UNARY_DEADLINE)
            return C.OK, ""
        except grpc.RpcError as exc:
            return exc.code(), exc.details() or ""
    stub = channel.unary_stream(rpc.path, request_serializer=request_cls.SerializeToString,
                                response_deserializer=response_cls.FromString)
    stream = stub(request, metadata=metadata, timeout=STREAM_WAIT)
    try:
        next(stream)
    except StopIteration:
        pass
    except grpc.RpcError:
        pass
    stream.cancel()
    return stream.code(), stream.details() or ""


@pytest.mark.parametrize("rpc", RPCS, ids=str)
@settings(max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "20")), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_hostile_requests_get_a_designed_answer_and_change_nothing(world, engine_name, rpc, data):
    who = data.draw(st.sampled_from(CALLERS), label="caller")
    garbage = data.draw(st.sampled_from(GARBAGE_TOKENS), label="garbage") if who == "garbage token" else ""
    request = world.builder.message(data, rpc.method.input_type)
    shown = text_format.MessageToString(request, as_utf8=True)
    note(f"{rpc} as {who}:\n{shown[:3000]}")

    world.db.settle()
    before = world.db.take()
    mark = world.log.mark()
    code, message = _invoke(world, rpc, request, world.metadata(who, garbage))
    traceback = world.log.since(mark)
    _count(rpc, engine_name, who, code)
    allowed = ALLOWED_STREAM if rpc.streaming else ALLOWED

    problems = []
    if code not in allowed:
        problems.append(f"answered {code.name}: {message!r}")
    if code != C.OK and not rpc.streaming:
        changed = changed_tables(before, world.db.take())
        if changed:
            problems.append(f"refused with {code.name} but changed {changed}")
    if not world.healthy(rpc.service):
        problems.append(f"{rpc.service} no longer SERVING")
    if rpc.method.name in SESSION_CHANGING:
        world.restore_sessions()
    if problems:
        _record_finding(rpc, engine_name, who, request, code, message, "; ".join(problems), traceback)
    assert not problems, (f"{rpc} as {who}: " + "; ".join(problems)
                          + ("\nserver log:\n" + "\n".join(traceback) if traceback else ""))


def test_every_service_still_answers_after_the_hostile_calls(world, engine_name):
    for name in SERVICES:
        assert world.healthy(name), f"{name} is not SERVING"
    me = world.sessions("duty")
    assert me.records.ListTemplates(records_pb2.ListTemplatesRequest(), timeout=10,
                                    metadata=(("authorization", f"Bearer {me.session.token}"),)).templates
