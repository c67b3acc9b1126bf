"""New and changed alerts as they happen: following the alerts service's WatchMyAlerts stream.

`AlertWatch` (from `IcsClient.watch_alerts()`) is an iterator of `AlertUpdate` that outlives any
one stream: when the service ends it, restarts or cannot be reached, it opens it again with
backoff and says so only through its `state` ("reconnecting"), never as an error. It never
refreshes a session by itself, so an idle session still ends when it would have; each stream is
opened with the session's token and lasts no longer than that token, then re-opens with
whatever the session holds by then (a refresh made by a real call, or a new login). A login or
logout re-opens it at once, so one worker's alerts never reach another. `close()`, from any
thread, ends the iteration promptly.

`AlertTracker` turns updates into what to say, at most once per clock per change: a new alert,
or one that became due soon, overdue or stale. A new alert that the worker's own action started
(they recorded the contact, or made the decision, moments ago in this client) is not news: they
were just told its due date, and it is not said again. Both front ends use these; nothing here imports
Textual or Rich.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import grpc

from ics.alerts.v1 import alerts_pb2 as apb
from tui.core.text import clock_status, human_date

# Waits before each attempt after a failure; the last repeats. The client's channels also cap
# their own reconnect backoff (see client.py), so a restarted service is found within seconds.
RECONNECT_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
# How often a watch with no usable session looks again (login and logout also wake it at once).
SESSION_POLL_SECONDS = 1.0
# A stream is never opened for longer than this, whatever the token's life.
MAX_STREAM_SECONDS = 15 * 60.0

CONNECTING = "connecting"
LIVE = "live"
RECONNECTING = "reconnecting"            # the stream dropped or cannot be opened; trying again
WAITING_FOR_LOGIN = "waiting for login"  # no token, or the service refused it
CLOSED = "closed"


class AlertWatch:
    """An iterator of `AlertUpdate` that reconnects; iterate it in one thread, close from any."""

    def __init__(self, client, on_state: Callable[[str], None] | None = None,
                 delays: tuple[float, ...] = RECONNECT_DELAYS):
        self._client = client
        self._on_state = on_state
        self._delays = delays
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._call = None
        self._reopen = False
        self.state = CONNECTING
        self.state_since = time.monotonic()
        self.reconnects = 0  # streams opened after the first; for tests and diagnostics

    # -- control, from any thread ---------------------------------------------------------------
    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        with self._lock:
            call = self._call
        if call is not None:
            call.cancel()

    def session_changed(self) -> None:
        """A login or logout: drop the stream opened with the old token and open a new one."""
        with self._lock:
            self._reopen = True
            call = self._call
        self._wake.set()
        if call is not None:
            call.cancel()

    def __iter__(self) -> Iterator[apb.AlertUpdate]:
        return self._updates()

    # -- the loop -------------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        if state == self.state:
            return
        self.state = state
        self.state_since = time.monotonic()
        if self._on_state is not None:
            try:
                self._on_state(state)
            except Exception:  # a front end closing must not end the watch with a traceback
                pass

    def _pause(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    def _open(self, refused):
        """A new stream with the session as it is now; None when closed, or (None, …) when there
        is no session to open it with. Read under the lock that `session_changed` takes, so a
        stream is never opened with a token that a login or logout has just replaced."""
        with self._lock:
            if self._stop.is_set():
                return None
            session = self._client.session
            token, expires_at = session.token, session.expires_at
            if not token or expires_at <= time.time() or refused == (token, expires_at):
                return None, token, expires_at
            self._reopen = False
            timeout = max(1.0, min(MAX_STREAM_SECONDS, expires_at - time.time()))
            self._call = self._client.alerts.WatchMyAlerts(
                apb.WatchMyAlertsRequest(), timeout=timeout,
                metadata=(("authorization", f"Bearer {token}"),))
            return self._call, token, expires_at

    def _updates(self) -> Iterator[apb.AlertUpdate]:
        failures = 0
        opened = 0
        refused: tuple[str, float] | None = None  # the session the service last refused
        try:
            while not self._stop.is_set():
                opening = self._open(refused)
                if opening is None:
                    return
                call, token, expires_at = opening
                if call is None:
                    self._set_state(WAITING_FOR_LOGIN)
                    self._pause(SESSION_POLL_SECONDS)
                    continue
                opened += 1
                if opened > 1:
                    self.reconnects += 1
                try:
                    for update in call:
                        failures = 0
                        self._set_state(LIVE)
                        yield update
                        if self._stop.is_set():
                            return
                    code = None  # the service ended the stream
                except grpc.RpcError as exc:
                    code = exc.code() if hasattr(exc, "code") else grpc.StatusCode.UNKNOWN
                finally:
                    with self._lock:
                        self._call = None
                        planned = self._reopen
                    call.cancel()
                if self._stop.is_set():
                    return
                if planned and code in (grpc.StatusCode.CANCELLED, None):
                    continue  # login or logout: open again with the new session, at once
                if code == grpc.StatusCode.DEADLINE_EXCEEDED and time.time() >= expires_at - 2.0:
                    continue  # the token this stream was opened with has run out: open a new one
                if code == grpc.StatusCode.UNAUTHENTICATED:
                    refused = (token, expires_at)  # wait for a refresh or a new login
                    continue
                self._set_state(RECONNECTING)
                self._pause(self._delays[min(failures, len(self._delays) - 1)])
                failures += 1
        finally:
            self._set_state(CLOSED)


# -- what to say ---------------------------------------------------------------------------------
NEW = "new"


@dataclass(frozen=True)
class Announcement:
    clock: apb.Clock
    kind: str  # NEW, or the AlertLevel it rose to

    @property
    def key(self) -> str:
        return self.clock.name

    @property
    def text(self) -> str:
        return announcement_text(self.clock, self.kind)


def announcement_text(clock: apb.Clock, kind: str = NEW) -> str:
    who = clock.person_display_name or clock.person
    due = f"due {human_date(clock.due_date)}"
    status = clock_status(clock)
    if kind == NEW:
        late = f", {status}" if clock.overdue or clock.paused else ""
        return f"New alert: {clock.title} for {who}, {due}{late}."
    prefix = {apb.ALERT_LEVEL_DUE_SOON: "Alert due soon", apb.ALERT_LEVEL_OVERDUE: "Alert now overdue",
              apb.ALERT_LEVEL_STALE: "Alert now stale"}.get(int(kind), "Alert changed")
    return f"{prefix}: {clock.title} for {who}, {due}, {status}."


def summary_text(announcements: list[Announcement], limit: int = 3,
                 hint: str = "type alerts to hear them") -> list[str]:
    """The lines to say: each one, or when there are more than `limit`, one line that counts them."""
    if len(announcements) <= limit:
        return [a.text for a in announcements]
    new = sum(a.kind == NEW for a in announcements)
    changed = len(announcements) - new
    parts = [f"{new} new alert{'s' if new != 1 else ''}"] if new else []
    if changed:
        parts.append(f"{changed} alert{'s' if changed != 1 else ''} now due soon or overdue")
    return [f"{' and '.join(parts).capitalize()}; {hint}."]


class AlertTracker:
    """Remembers the open alerts it has been told about; `apply` each update (from any one
    thread), `take` what to say (from another). The first initial update only sets the scene;
    an initial update after a reconnect announces what arrived while the stream was down.
    `own_work(person)` says whether this worker has just acted on that child (a new alert for
    them is then theirs, not news); it is asked when taking, by when the action has returned."""

    def __init__(self, own_work: Callable[[str], bool] | None = None) -> None:
        self._own_work = own_work
        self._lock = threading.Lock()
        self._known: dict[str, apb.Clock] = {}
        self._pending: dict[str, Announcement] = {}
        self.primed = False

    def apply(self, update: apb.AlertUpdate) -> list[Announcement]:
        said: list[Announcement] = []
        with self._lock:
            if update.initial:
                fresh = {c.name: c for c in update.clocks if c.state == apb.CLOCK_STATE_OPEN}
                if self.primed:
                    said = [a for c in fresh.values() if (a := self._change(c)) is not None]
                self._known, self.primed = fresh, True
            else:
                for clock in update.clocks:
                    if clock.state != apb.CLOCK_STATE_OPEN:
                        self._known.pop(clock.name, None)
                        self._pending.pop(clock.name, None)  # ended before anyone was told
                        continue
                    if self.primed and (a := self._change(clock)) is not None:
                        said.append(a)
                    self._known[clock.name] = clock
            for a in said:
                earlier = self._pending.pop(a.key, None)
                # Still news that it is new, whatever happened to it since: one line, up to date.
                self._pending[a.key] = Announcement(a.clock, NEW) if earlier and earlier.kind == NEW else a
        return said

    def _change(self, clock: apb.Clock) -> Announcement | None:
        before = self._known.get(clock.name)
        if before is None:
            return Announcement(clock, NEW)
        if clock.level > before.level:
            return Announcement(clock, str(int(clock.level)))
        return None

    def take(self) -> list[Announcement]:
        with self._lock:
            pending, self._pending = list(self._pending.values()), {}
        if self._own_work is None:
            return pending
        return [a for a in pending if not (a.kind == NEW and self._own_work(a.clock.person))]

    @property
    def has_news(self) -> bool:
        return bool(self._pending)

    def discard(self, names) -> None:
        """Clocks the worker has just heard about another way (a list they asked for)."""
        with self._lock:
            for name in names:
                self._pending.pop(name, None)


class AlertFollower:
    """A watch and a tracker on a daemon thread, for a front end with no worker machinery of its
    own (the line mode): `start`, then `take` what to say whenever it suits, `close` at the end."""

    def __init__(self, client, user: str = ""):
        self.user = user
        self.tracker = AlertTracker(own_work=client.acted_on_recently)
        self.watch: AlertWatch = client.watch_alerts()
        self._thread = threading.Thread(target=self._run, name="ics-alerts", daemon=True)

    def start(self) -> "AlertFollower":
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            for update in self.watch:
                self.tracker.apply(update)
        except Exception:  # never a traceback on the worker's screen; the alerts command still works
            self.watch.close()

    @property
    def state(self) -> str:
        return self.watch.state

    def quiet_for(self) -> float:
        """How long the stream has been in its present state, in seconds."""
        return time.monotonic() - self.watch.state_since

    def take(self) -> list[Announcement]:
        return self.tracker.take()

    def close(self, wait: float = 2.0) -> None:
        self.watch.close()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(wait)
