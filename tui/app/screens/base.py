"""What every screen shares: a status line that stays put, and service calls run off the event
loop whose errors come back as plain sentences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from tui.core.errors import ServiceError, SessionExpired


class StatusLine(Static):
    """The last thing that happened, in words. It stays until the next thing happens, unlike a
    toast, so a slow reader or a screen reader reviewing the screen still finds it."""

    def say(self, text: str) -> None:
        self.remove_class("-error")
        self.update(text)

    def error(self, text: str) -> None:
        self.add_class("-error")
        # The word says it is a problem; the colour only repeats it.
        self.update(f"Problem: {text}")


class ServiceCalls:
    """Mixed into screens: `call_service` runs a blocking client call in a thread worker."""

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)  # type: ignore[attr-defined]

    def show_error(self, exc: ServiceError) -> None:
        self.status.error(exc.message)

    def call_service(self, call: Callable[[Any], Any], done: Callable[[Any], None], *,
                     failed: Callable[[ServiceError], None] | None = None, group: str = "call",
                     relogin: bool = True) -> None:
        """`call(client)` in a thread; then `done(result)` or `failed(error)` back on the loop.
        An expired session opens the login modal over this screen (so nothing typed is lost)
        and, once logged in, repeats the call; `relogin=False` reports it as an error instead."""
        app = self.app  # type: ignore[attr-defined]

        def job() -> None:
            worker = get_current_worker()
            try:
                outcome = ("ok", call(app.client))
            except SessionExpired as exc:
                outcome = ("expired", exc)
            except ServiceError as exc:
                outcome = ("error", exc)
            except Exception as exc:  # a bug must not take the worker's typing down with it
                outcome = ("error", ServiceError("INTERNAL", f"ICS hit an unexpected error "
                                                 f"({exc.__class__.__name__}: {exc}). Your typing is kept."))
            if worker.is_cancelled:  # a newer call of the same group replaced this one
                return
            try:
                app.call_from_thread(deliver, outcome)
            except RuntimeError:
                pass  # the app is closing; nobody is left to tell

        def deliver(outcome: tuple[str, Any]) -> None:
            kind, value = outcome
            if kind == "ok":
                done(value)
            elif kind == "expired" and relogin:
                app.relogin(value.message, then=lambda: self.call_service(call, done, failed=failed, group=group))
            else:
                (failed or self.show_error)(value)

        self.run_worker(job, thread=True, group=group, exclusive=True,  # type: ignore[attr-defined]
                        exit_on_error=False)


class ServiceScreen(ServiceCalls, Screen):
    def close(self, result=None) -> None:
        """Dismiss, but only from the top: `dismiss` pops whatever screen is on top, and a
        login modal may be there for a moment."""
        if self.is_current:
            self.dismiss(result)
        else:
            self.set_timer(0.5, lambda: self.close(result))
