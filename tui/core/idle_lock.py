"""The idle lock both front ends share: on a shared thin client, a screen left alone locks after
`idle_lock_minutes` (services/common/config.py; 0 = never), and only the worker who was signed
in can unlock it, with their password. Nothing typed is lost: the open draft is saved (to the
server, and to the local file it is always in) when the screen locks, so an expired session or a
dropped link while locked costs nothing.

The front ends only tell `IdleLock` of each key press, ask it when to lock, and show what it
says; which user may unlock, and how, is decided here once."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from tui.core.client import IcsClient, Targets
from tui.core.drafts import DraftKeeper
from tui.core.errors import ServiceError, needs_new_password

DEFAULT_MINUTES = 10.0


def _clock() -> float:
    # Boot time, not plain monotonic time: on Linux the monotonic clock stops while a laptop or
    # thin client sleeps, so the hour it spent asleep would not count as idle.
    return time.clock_gettime(time.CLOCK_BOOTTIME)


idle_clock: Callable[[], float] = _clock if hasattr(time, "CLOCK_BOOTTIME") else time.monotonic


def configured_minutes(targets: Targets) -> float:
    """The setting as the `ics` command read it; `ics demo` builds its Targets without it, so
    then read it again from the environment (ICS_IDLE_LOCK_MINUTES, ICS_CONFIG)."""
    if targets.idle_lock_minutes is not None:
        return targets.idle_lock_minutes
    from services.common.config import ConfigError, load_config

    try:
        return load_config().idle_lock_minutes
    except ConfigError:
        return DEFAULT_MINUTES  # the command already refused a bad setting; locking stays on


def spoken_duration(minutes: float) -> str:
    """"10 minutes", "1 minute", "45 seconds", "2.5 minutes": as a screen reader should say it."""
    seconds = max(1, round(minutes * 60))
    if seconds % 60 == 0:
        whole = seconds // 60
        return f"{whole} minute{'s' if whole != 1 else ''}"
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{round(seconds / 60, 1):g} minutes"


@dataclass
class Unlocked:
    """What an unlock attempt came to: `ok`, or the sentence to show (identity's own words)."""
    ok: bool
    message: str = ""


class IdleLock:
    def __init__(self, client: IcsClient, minutes: float, clock: Callable[[], float] | None = None):
        self.client = client
        self.minutes = max(0.0, float(minutes))
        self.clock = clock or idle_clock
        self.last_activity = self.clock()
        self.locked = False
        self.idle = False      # locked by the timeout (not by the worker's own key or command)
        self.user = None       # who was signed in when it locked: the only one who may unlock

    # -- when ------------------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        return self.minutes > 0

    @property
    def timeout_seconds(self) -> float:
        return self.minutes * 60

    def touch(self) -> None:
        """A key was pressed. Keys typed at the lock screen do not count: only unlocking does."""
        if not self.locked:
            self.last_activity = self.clock()

    def seconds_left(self) -> float | None:
        """Until the lock is due; None when it never will be (switched off, or locked already)."""
        if not self.enabled or self.locked:
            return None
        return max(0.0, self.timeout_seconds - (self.clock() - self.last_activity))

    def due(self) -> bool:
        """Time to lock: idle long enough while someone is signed in (a login screen shows
        nobody's work, so it never locks)."""
        left = self.seconds_left()
        return left is not None and left <= 0 and self.client.session.user is not None

    # -- locking ---------------------------------------------------------------------------
    def lock(self, idle: bool = True) -> bool:
        """Marks the screen locked; False when there is nothing to lock (nobody signed in, or
        locked already). The front end hides the screen at once, then calls `keep_draft`."""
        if self.locked or self.client.session.user is None:
            return False
        self.locked, self.idle, self.user = True, idle, self.client.session.user
        return True

    @staticmethod
    def keep_draft(keeper: DraftKeeper | None, title: str = "") -> bool:
        """Puts the open draft on the server too (it is in the local file already): a session
        that expires while locked, or a link that drops, then loses nothing. Blocking: run it
        off the front end's event loop. False means it is kept on this computer only, for now."""
        if keeper is None or not keeper.dirty:
            return True
        return keeper.flush(title)

    def unlock(self, password: str) -> Unlocked:
        """The signed-in worker's password, checked by identity as any login is (so wrong ones
        count towards its throttle). A new session replaces the old one. Blocking."""
        if not self.locked:
            return Unlocked(True)
        if not password:
            return Unlocked(False, "Enter your password.")
        try:
            self.client.login_again(password)
        except ServiceError as exc:
            message = exc.message
            if needs_new_password(exc):
                message += " Sign out, then log in to choose it; your work is kept."
            return Unlocked(False, f"{message} {self.not_you()}")
        self.locked = self.idle = False
        self.last_activity = self.clock()
        return Unlocked(True)

    def sign_out(self, keeper: DraftKeeper | None, title: str = "") -> None:
        """For someone else at the keyboard: the draft is saved first (under the signed-in
        worker's name), then their session ends. Blocking."""
        self.keep_draft(keeper, title)
        self.client.logout()
        self.locked = self.idle = False
        self.user = None
        self.last_activity = self.clock()

    # -- what the front ends say -----------------------------------------------------------
    @property
    def who(self) -> str:
        user = self.user or self.client.session.user
        if user is None:
            return "nobody"
        return f"{user.display_name} ({user.username})" if user.display_name else user.username

    def locked_text(self) -> str:
        why = (f"Screen locked after {spoken_duration(self.minutes)} without activity."
               if self.idle else "Screen locked.")
        return f"{why} Your work is kept. Enter your password to continue."

    def signed_in_text(self) -> str:
        return f"Signed in: {self.who}. Their work is kept just as they left it."

    def not_you(self) -> str:
        name = (self.user.display_name or self.user.username) if self.user else "the signed-in worker"
        return f"If you are not {name}, sign out instead; their work is kept."

    def signed_out_text(self, who: str) -> str:
        return f"Signed out {who}. Their work is kept as a draft for when they log in."
