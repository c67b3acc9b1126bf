"""The ICS client: one object per logged-in worker, over the three services' gRPC contracts.

Calls are synchronous with a deadline on every one; the Textual front end runs them in thread
workers and the line front end calls them directly. A session nearing expiry is refreshed before
the next call, so a worker who keeps typing is not logged out mid-form.
"""

from __future__ import annotations

import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import grpc

from ics.alerts.v1 import alerts_pb2, alerts_pb2_grpc
from ics.common.v1 import reports_pb2
from ics.identity.v1 import identity_pb2, identity_pb2_grpc
from ics.records.v1 import records_pb2, records_pb2_grpc
from services.common.auth import ON_BEHALF_HEADER
from services.common.tls import PLAINTEXT, Transport
from tui.core.alerts_feed import AlertWatch
from tui.core.errors import ServiceError, SessionExpired, from_rpc_error

DEADLINE_SECONDS = 10.0
# A report reads a whole council's records; it is measured to finish within 5 s (bench/reports.py)
# but a loaded server must not turn a manager's wait into an error.
REPORT_DEADLINE_SECONDS = 60.0
REFRESH_WHEN_LEFT = 300.0
# A new alert for a child this worker acted on this recently is their own doing, not news.
OWN_WORK_SECONDS = 120.0
CHANNEL_OPTIONS = (
    # A restarted service is found again within seconds, not after gRPC's default backoff
    # (which grows to two minutes while a service is down).
    ("grpc.initial_reconnect_backoff_ms", 500),
    ("grpc.max_reconnect_backoff_ms", 5_000),
    # A link that dies silently (a laptop closed, a NAT forgetting us) ends a stream within a
    # minute and a half, instead of leaving it waiting for ever. Not more often than the
    # services accept pings (every 30 s; services/common/server.py).
    ("grpc.keepalive_time_ms", 60_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    ("grpc.http2.max_pings_without_data", 0),  # a quiet stream sends no data for hours
)


if TYPE_CHECKING:
    from tui.core.printing import OutputSettings


@dataclass
class Targets:
    identity: str
    records: str
    alerts: str
    # Plaintext unless the configuration names a CA (and, for mutual TLS, this host's client
    # certificate): services/common/tls.py.
    transport: Transport = PLAINTEXT
    # Not an address, but the one front-end setting the `ics` command reads with them: lock an
    # idle screen after this many minutes (0 = never). None: not read (tui/core/idle_lock.py).
    idle_lock_minutes: float | None = None
    # Where print or save sends a document (tui/core/printing.py). None: not read.
    output: "OutputSettings | None" = None

    @classmethod
    def from_config(cls, data_dir=None, config_file=None) -> "Targets":
        from services.common.config import load_config

        return cls.of(load_config(data_dir=data_dir, config_file=config_file))

    @classmethod
    def of(cls, cfg) -> "Targets":
        """The addresses and front-end settings of a loaded configuration (services/common/config.py)."""
        from services.common.tls import client_transport
        from tui.core.printing import output_settings

        return cls(cfg["identity"].target(), cfg["records"].target(), cfg["alerts"].target(),
                   client_transport(cfg), cfg.idle_lock_minutes, output_settings(cfg))


@dataclass
class Session:
    token: str = ""
    expires_at: float = 0.0
    user: identity_pb2.User | None = None
    teams: dict[str, str] = field(default_factory=dict)  # "teams/1" -> "Duty and Assessment"

    @property
    def active(self) -> bool:
        return bool(self.token) and self.expires_at > time.time()


class IcsClient:
    def __init__(self, targets: Targets, deadline: float = DEADLINE_SECONDS):
        self.targets = targets
        self.deadline = deadline
        self._channels = {name: targets.transport.channel(getattr(targets, name), options=CHANNEL_OPTIONS)
                          for name in ("identity", "records", "alerts")}
        self.identity = identity_pb2_grpc.IdentityServiceStub(self._channels["identity"])
        self.records = records_pb2_grpc.RecordsServiceStub(self._channels["records"])
        self.alerts = alerts_pb2_grpc.AlertsServiceStub(self._channels["alerts"])
        self.session = Session()
        self._watches: weakref.WeakSet[AlertWatch] = weakref.WeakSet()
        self._acted_on: dict[str, float] = {}  # person -> when this client last changed their record
        # Business support entering data for a colleague ("users/12"); records shows both of them.
        self.on_behalf_of = ""

    def close(self) -> None:
        for watch in list(self._watches):
            watch.close()
        for channel in self._channels.values():
            channel.close()

    def _session_changed(self) -> None:
        for watch in list(self._watches):
            watch.session_changed()

    # -- plumbing -------------------------------------------------------------------------
    def _call(self, service: str, method, request, *, authenticated: bool = True, deadline: float = 0):
        metadata = ()
        if authenticated:
            if not self.session.token:
                raise SessionExpired("UNAUTHENTICATED", "Please log in first.")
            if self.session.expires_at - time.time() < REFRESH_WHEN_LEFT and method is not self.identity.RefreshSession:
                self.refresh()
            metadata = (("authorization", f"Bearer {self.session.token}"),)
            if self.on_behalf_of and service == "records":
                metadata += ((ON_BEHALF_HEADER, self.on_behalf_of),)
        try:
            return method(request, timeout=deadline or self.deadline, metadata=metadata)
        except grpc.RpcError as exc:
            error = from_rpc_error(exc, service)
            if isinstance(error, SessionExpired) and authenticated:
                self.session.token = ""
                self._session_changed()  # a revoked session's alerts stream ends too
            raise error from None

    # -- identity ---------------------------------------------------------------------------
    def login(self, username: str, password: str, new_password: str = "") -> identity_pb2.User:
        """`new_password` answers an administrator's reset: the temporary password and a new one."""
        reply = self._call("identity", self.identity.Login,
                           identity_pb2.LoginRequest(username=username, password=password, new_password=new_password),
                           authenticated=False)
        self.session = Session(reply.access_token, float(reply.expires_at_unix), reply.user)
        self._session_changed()
        try:
            teams = self._call("identity", self.identity.ListTeams, identity_pb2.ListTeamsRequest(page_size=500))
            self.session.teams = {t.name: t.display_name for t in teams.teams}
        except ServiceError:
            pass  # team names are a nicety; the session itself is good
        return reply.user

    def login_again(self, password: str) -> identity_pb2.User:
        """The worker already signed in, by their password again (an idle lock): only that same
        account, and a new session replaces the old one, which ends at once rather than lingering
        until it expires. A refused password leaves the old session as it was."""
        previous = self.session
        if previous.user is None:
            raise SessionExpired("UNAUTHENTICATED", "Please log in first.")
        user = self.login(previous.user.username, password)
        if user.name != previous.user.name:
            # The username now belongs to another account (removed and made again): not the
            # worker whose screen this is.
            self.logout()
            self.session = previous
            self._session_changed()
            raise ServiceError("PERMISSION_DENIED", "That is not the account that was signed in here.")
        self._end_token(previous.token)
        return user

    def _end_token(self, token: str) -> None:
        if not token:
            return
        try:
            self.identity.Logout(identity_pb2.LogoutRequest(), timeout=self.deadline,
                                 metadata=(("authorization", f"Bearer {token}"),))
        except grpc.RpcError:
            pass  # expired already, or unreachable: it ends by itself

    def refresh(self) -> None:
        reply = self._call("identity", self.identity.RefreshSession, identity_pb2.RefreshSessionRequest())
        self.session.expires_at = float(reply.expires_at_unix)

    def logout(self) -> None:
        if self.session.token:
            try:
                self._call("identity", self.identity.Logout, identity_pb2.LogoutRequest())
            except ServiceError:
                pass
        self.session = Session()
        self._session_changed()

    def _acted(self, person: str) -> None:
        now = time.monotonic()
        self._acted_on = {p: t for p, t in self._acted_on.items() if now - t < OWN_WORK_SECONDS}
        if person:
            self._acted_on[person] = now

    def acted_on_recently(self, person: str) -> bool:
        """Whether this client recorded a contact or decided a referral for that child within
        OWN_WORK_SECONDS: the alerts that starts are the worker's own doing."""
        when = self._acted_on.get(person)
        return when is not None and time.monotonic() - when < OWN_WORK_SECONDS

    def team_label(self, team_name: str) -> str:
        return self.session.teams.get(team_name, team_name)

    # -- records ----------------------------------------------------------------------------
    def search_people(self, query: str, date_of_birth: str = "", postcode: str = "", limit: int = 10):
        reply = self._call("records", self.records.SearchPeople, records_pb2.SearchPeopleRequest(
            query=query, date_of_birth=date_of_birth, postcode=postcode, page_size=limit))
        return list(reply.matches)

    def get_person(self, name: str) -> records_pb2.Person:
        return self._call("records", self.records.GetPerson, records_pb2.GetPersonRequest(name=name))

    def record_contact(self, request: records_pb2.RecordContactRequest) -> records_pb2.RecordContactResponse:
        if not request.request_id:
            request.request_id = str(uuid.uuid4())
        reply = self._call("records", self.records.RecordContact, request)
        self._acted(reply.person.name or reply.referral.person)
        return reply

    def list_referrals(self, state: int = 0, team: str = "", page_size: int = 100):
        reply = self._call("records", self.records.ListReferrals, records_pb2.ListReferralsRequest(
            state=state, team=team, page_size=page_size))
        return list(reply.referrals)

    def break_glass(self, child: str, reason: str) -> records_pb2.RecordGrant:
        """Emergency access: `child` is a record name (people/N), its number alone, or an NHS number."""
        child = child.strip()
        digits = child.replace(" ", "")
        if child.startswith("people/"):
            request = records_pb2.BreakGlassRequest(person=child, reason=reason)
        elif len(digits) == 10 and digits.isdigit():
            request = records_pb2.BreakGlassRequest(nhs_number=digits, reason=reason)
        else:
            request = records_pb2.BreakGlassRequest(person=f"people/{child}", reason=reason)
        return self._call("records", self.records.BreakGlass, request)

    def access_report(self, person: str) -> records_pb2.AccessReport:
        return self._call("records", self.records.GetAccessReport, records_pb2.GetAccessReportRequest(person=person))

    def act_for(self, username: str) -> identity_pb2.User | None:
        """Business support: enter what follows on this colleague's behalf ("" to stop). Records
        checks it on every call; here the colleague is only looked up by username."""
        if not username:
            self.on_behalf_of = ""
            return None
        match = next((u for u in self.colleagues() if u.username == username), None)
        if match is None:
            raise ServiceError("NOT_FOUND", f"There is no colleague called {username} in your teams.")
        self.on_behalf_of = match.name
        try:
            self._call("records", self.records.ListReferrals, records_pb2.ListReferralsRequest(page_size=1))
        except ServiceError:
            self.on_behalf_of = ""
            raise
        return match

    def get_referral(self, name: str) -> records_pb2.Referral:
        return self._call("records", self.records.GetReferral, records_pb2.GetReferralRequest(name=name))

    def decide_referral(self, name: str, decision: int, reason: str, etag: str = "") -> records_pb2.Referral:
        reply = self._call("records", self.records.DecideReferral, records_pb2.DecideReferralRequest(
            name=name, decision=decision, reason=reason, etag=etag))
        self._acted(reply.person)
        return reply

    def save_draft(self, draft: records_pb2.Draft, request_id: str = "") -> records_pb2.Draft:
        return self._call("records", self.records.SaveDraft,
                          records_pb2.SaveDraftRequest(draft=draft, request_id=request_id))

    def list_drafts(self, kind: str = "") -> list[records_pb2.Draft]:
        return list(self._call("records", self.records.ListDrafts, records_pb2.ListDraftsRequest(kind=kind)).drafts)

    def delete_draft(self, name: str) -> None:
        self._call("records", self.records.DeleteDraft, records_pb2.DeleteDraftRequest(name=name))

    # -- alerts -----------------------------------------------------------------------------
    def compute_due_date(self, rule: str, start_date: str, rule_set: str = "") -> str:
        """The due date as the alerts service counts it, so every screen shows the same date."""
        return self._call("alerts", self.alerts.ComputeDueDate, alerts_pb2.ComputeDueDateRequest(
            rule_set=rule_set, rule=rule, start_date=start_date)).due_date

    def my_alerts(self, include_ended: bool = True, page_size: int = 100) -> list[alerts_pb2.Clock]:
        reply = self._call("alerts", self.alerts.ListMyAlerts, alerts_pb2.ListMyAlertsRequest(
            include_ended=include_ended, page_size=page_size))
        return list(reply.clocks)

    def person_clocks(self, person: str, include_ended: bool = True) -> list[alerts_pb2.Clock]:
        reply = self._call("alerts", self.alerts.ListPersonClocks, alerts_pb2.ListPersonClocksRequest(
            person=person, include_ended=include_ended))
        return list(reply.clocks)

    # -- a team leader's view (tui/core/team_view.py) -----------------------------------------
    def overdue(self) -> list[alerts_pb2.OverdueCount]:
        return list(self._call("alerts", self.alerts.ListOverdue, alerts_pb2.ListOverdueRequest()).counts)

    def team_overdue_clocks(self) -> list[alerts_pb2.Clock]:
        """Overdue and stale clocks of the caller's teams: the ones a leader may extend."""
        reply = self._call("alerts", self.alerts.ListTeamClocks, alerts_pb2.ListTeamClocksRequest(
            escalated_only=True, page_size=200))
        return list(reply.clocks)

    def clock_changes(self) -> list[alerts_pb2.ClockChange]:
        return list(self._call("alerts", self.alerts.ListClockChanges, alerts_pb2.ListClockChangesRequest()).changes)

    def extend_clock(self, clock: alerts_pb2.Clock, new_due_date: str, reason: str) -> alerts_pb2.Clock:
        return self._call("alerts", self.alerts.ExtendClock, alerts_pb2.ChangeClockRequest(
            name=clock.name, etag=clock.etag, new_due_date=new_due_date, reason=reason))

    def caseload(self, worker: str = "", unallocated: bool = False) -> list[records_pb2.CaseloadEntry]:
        reply = self._call("records", self.records.ListCaseload, records_pb2.ListCaseloadRequest(
            worker=worker, unallocated=unallocated, page_size=500))
        return list(reply.entries)

    def allocate(self, person: str, worker: str, worker_display_name: str, reason: str) -> records_pb2.Allocation:
        return self._call("records", self.records.AllocateWorker, records_pb2.AllocateWorkerRequest(
            allocation=records_pb2.Allocation(person=person, worker=worker, worker_display_name=worker_display_name,
                                              reason=reason)))

    def record_output(self, subject: str, what: str, destination: str) -> None:
        self._call("records", self.records.RecordOutput, records_pb2.RecordOutputRequest(
            subject=subject, what=what, destination=destination))

    def sign(self, request: records_pb2.SignDocumentRequest) -> records_pb2.Document:
        return self._call("records", self.records.SignDocument, request)

    def my_documents(self) -> list[records_pb2.Document]:
        """Documents the caller started and has not finished: in progress (their drafts) or
        submitted (waiting for their team leader)."""
        found = []
        for state in (records_pb2.DOCUMENT_STATE_IN_PROGRESS, records_pb2.DOCUMENT_STATE_SUBMITTED):
            reply = self._call("records", self.records.ListDocuments, records_pb2.ListDocumentsRequest(
                state=state, mine=True, page_size=200, view=records_pb2.DOCUMENT_VIEW_BASIC))
            found.extend(reply.documents)
        return found

    def documents_waiting(self) -> list[records_pb2.Document]:
        reply = self._call("records", self.records.ListDocuments, records_pb2.ListDocumentsRequest(
            state=records_pb2.DOCUMENT_STATE_SUBMITTED, page_size=200, view=records_pb2.DOCUMENT_VIEW_BASIC))
        return list(reply.documents)

    def list_reports(self, service: str) -> list:
        stub = getattr(self, service)
        return list(self._call(service, stub.ListReports, reports_pb2.ListReportsRequest()).reports)

    def get_report(self, service: str, request) -> reports_pb2.Report:
        stub = getattr(self, service)
        return self._call(service, stub.GetReport, request, deadline=REPORT_DEADLINE_SECONDS)

    def colleagues(self) -> list[identity_pb2.User]:
        return list(self._call("identity", self.identity.ListUsers, identity_pb2.ListUsersRequest(page_size=500)).users)

    def approve(self, document: records_pb2.Document) -> records_pb2.Document:
        return self._call("records", self.records.ApproveDocument, records_pb2.ReviewDocumentRequest(
            name=document.name, etag=document.etag))

    def send_back(self, document: records_pb2.Document, comments: str) -> records_pb2.Document:
        return self._call("records", self.records.ReturnDocument, records_pb2.ReviewDocumentRequest(
            name=document.name, etag=document.etag, comments=comments))

    def templates(self) -> list[records_pb2.Template]:
        """The templates a worker may start a record from: not the record a migrated return is
        kept in, which only `ics admin import` writes."""
        reply = self._call("records", self.records.ListTemplates, records_pb2.ListTemplatesRequest())
        return sorted((t for t in reply.templates if t.kind != "migration"), key=lambda t: t.title)

    # -- a child's record (tui/core/child_record.py) ------------------------------------------
    def case_story(self, person: str) -> records_pb2.CaseStory:
        return self._call("records", self.records.GetCaseStory, records_pb2.GetCaseStoryRequest(person=person))

    def chronology(self, person: str) -> records_pb2.Chronology:
        return self._call("records", self.records.GetChronology, records_pb2.GetChronologyRequest(person=person))

    def documents_of(self, person: str, page_size: int = 200) -> list[records_pb2.Document]:
        reply = self._call("records", self.records.ListDocuments, records_pb2.ListDocumentsRequest(
            person=person, page_size=page_size, view=records_pb2.DOCUMENT_VIEW_BASIC))
        return list(reply.documents)

    def allocations_of(self, person: str) -> list[records_pb2.Allocation]:
        reply = self._call("records", self.records.ListAllocations, records_pb2.ListAllocationsRequest(person=person))
        return list(reply.allocations)

    def relationships_of(self, person: str) -> list[records_pb2.Relationship]:
        reply = self._call("records", self.records.ListRelationships,
                           records_pb2.ListRelationshipsRequest(child=person))
        return list(reply.relationships)

    def watch_alerts(self, on_state: Callable[[str], None] | None = None) -> AlertWatch:
        """New and changed alerts as they happen: an iterator of AlertUpdate that reconnects by
        itself (see tui/core/alerts_feed.py). Iterate it in a thread; `close()` it, or this
        client, to stop. `on_state` hears "live", "reconnecting", "waiting for login"..."""
        watch = AlertWatch(self, on_state=on_state)
        self._watches.add(watch)
        return watch
