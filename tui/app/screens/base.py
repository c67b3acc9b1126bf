"""What every screen shares: a status line that stays put, and service calls run off the event
loop whose errors come back as plain sentences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import textwrap
from dataclasses import replace

from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Static
from textual.worker import get_current_worker

from tui.core.errors import ServiceError, SessionExpired


def views_line(views: tuple[tuple[str, str, str], ...], current: str, large: bool = False) -> str:
    """The parts of a screen (bindings.view_keys) and their keys, the one shown in brackets: not
    by colour alone. In large mode (40 columns) only the one shown, and which keys change it."""
    if large:
        return f"[{view_label(views, current)}] keys 1 to {len(views)} change it"
    return "Views: " + " ".join(f"[{n} {label}]" if key == current else f"{n} {label}"
                                for n, (key, label, _) in enumerate(views, 1))


def view_label(views: tuple[tuple[str, str, str], ...], key: str) -> str:
    return next(label for view, label, _ in views if view == key)


LARGE_KEYS_HINT = "F1: the keys for this screen."


def key_footer(app) -> Widget:
    """The footer of keys; in large mode one line saying F1 lists them, as a footer of keys
    cut off at 40 columns ("/Fin", "3Chr") would tell the worker nothing."""
    if app.large:
        return Static(LARGE_KEYS_HINT, classes="keys-hint")
    return Footer()


class ListTable(DataTable):
    """A list of rows to move through with the arrow keys. Its movement keys are left out of
    F1's help (marked system), so the help shows this screen's own actions first, at any size."""

    BINDINGS = list({binding.key: replace(binding, system=True)  # the table's own, before its parents'
                     for cls in reversed(DataTable.__mro__) for binding in getattr(cls, "BINDINGS", [])
                     if isinstance(binding, Binding)}.values())

    def show_sentences(self, sentences: list[str], keys: list[str] | None = None, heading: str = "",
                       full_width: bool = False) -> None:
        """One sentence a row, each wrapped by hand to the screen's width (a cell never wraps, and
        a cut-off sentence hides words). The width is the screen's, not the table's: a table just
        shown may not have its size yet. `full_width` fixes the column at that width too, for a
        table filled while hidden, whose column sized by its contents would be a few letters."""
        width = max(20, self.screen.size.width - 4)
        if full_width:
            self.clear(columns=True)
            self.add_column(heading, key="sentence", width=width)
        else:
            # The column stays, sized by its rows: removing and re-adding it on a table not yet
            # laid out can leave its rows drawn at no width (seen once, the team view).
            self.clear()
            if not self.columns:
                self.add_column(heading, key="sentence")
        for index, sentence in enumerate(sentences):
            lines = textwrap.wrap(sentence, width)
            self.add_row("\n".join(lines), key=keys[index] if keys else str(index), height=len(lines))


class StatusLine(Static):
    """The last thing that happened, in words. It stays until the next thing happens, unlike a
    toast, so a slow reader or a screen reader reviewing the screen still finds it."""

    problem = ""

    def say(self, text: str) -> None:
        self.problem = ""
        self.remove_class("-error")
        self.update(text)

    def error(self, text: str) -> None:
        self.problem = text
        self.add_class("-error")
        # The word says it is a problem; the colour only repeats it.
        self.update(f"Problem: {text}")

    def note(self, text: str) -> None:
        """Routine news (such as an autosave) that must not push a problem off the line."""
        if self.problem:
            self.update(f"Problem: {self.problem} ({text})")
        else:
            self.say(text)


class ServiceCalls:
    """Mixed into screens: `call_service` runs a blocking client call in a thread worker.

    Screens move focus with `set_focus`, not `widget.focus()`: the latter waits its turn behind
    keys already queued, so a quick typist's next letters would land in the old field."""

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
    def on_descendant_focus(self, _event) -> None:
        # After Textual's own scroll, which centres the input and can hide its label at 40x12.
        self.call_after_refresh(self.focused_field_into_view)

    def focused_field_into_view(self) -> None:
        """The whole field, label and note too, so it is seen (and read) together."""
        widget = self.focused
        block = widget.parent if widget is not None else None
        if block is not None and block.has_class("field"):
            block.scroll_visible(animate=False)

    def mark_refusal(self, exc: ServiceError) -> None:
        """A form the service refused: its words on the status line, each field it names marked
        with why, and the cursor on the first of them."""
        from tui.app.screens.fields import FieldBlock

        self.status.error(exc.message)
        first = None
        for key, problem in exc.violations.items():
            blocks = self.query(f"#field-{key}")
            if blocks:
                blocks.first(FieldBlock).mark(problem)
                first = first or key
        if first:
            self.set_focus(self.query_one(f"#in-{first}"))

    def close(self, result=None) -> None:
        """Dismiss, but only from the top: `dismiss` pops whatever screen is on top, and a
        login modal may be there for a moment."""
        if self.is_current:
            self.dismiss(result)
        else:
            self.set_timer(0.5, lambda: self.close(result))
