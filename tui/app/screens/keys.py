"""F1: the keys of the screen the worker was on, and the help of the field they were in, as
plain lines on a screen of their own. Readable at 40x12 and by a screen reader reviewing the
screen, unlike a side panel squeezed beside the work; F1 or Escape goes back to exactly where
they were."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tui.app import bindings


NAMED_KEYS = {"ctrl": "Ctrl", "shift": "Shift", "escape": "Escape", "enter": "Enter", "tab": "Tab",
              "slash": "/", "space": "Space", "home": "Home", "end": "End", "up": "Up", "down": "Down",
              "left": "Left", "right": "Right", "pageup": "Page Up", "pagedown": "Page Down", "super": "Super"}


def key_name(key: str) -> str:
    """"ctrl+s" as "Ctrl+S", "f1" as "F1", "slash" as "/": as written on the keyboard, and
    spoken as words by a screen reader (not "caret s")."""
    parts = key.split("+")
    named = [NAMED_KEYS.get(p, p.upper() if (len(p) <= 3 and p[:1] == "f" and p[1:].isdigit()) else p)
             for p in parts]
    if len(named) > 1:
        named[-1] = named[-1].upper() if len(named[-1]) == 1 else named[-1]
    return "+".join(named)


def key_lines(screen: Screen) -> list[str]:
    """Each of the screen's actions once, in the order it answers them: its own keys before the
    field's and the app's, each with what it does."""
    by_action: dict[str, list[str]] = {}
    described: dict[str, Binding] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system or not binding.description:
            continue
        by_action.setdefault(binding.action, []).append(key_name(binding.key))
        described.setdefault(binding.action, binding)
    order = sorted(described, key=lambda action: 0 if (described[action].id or "app.").split(".")[0]
                   not in ("app", "field") else 1)
    return [f"{' or '.join(dict.fromkeys(by_action[action]))}: {described[action].description}."
            + (f" {described[action].tooltip}." if described[action].tooltip else "") for action in order]


def field_help(screen: Screen) -> str:
    """The focused field's label and help, from its form definition."""
    focused = screen.focused
    block = focused.parent if focused is not None else None
    field = getattr(block, "field", None)
    if field is None:
        return ""
    return f"You are in: {field.label}" + (f". {field.help}." if field.help else ".")


class KeysScreen(Screen):
    BINDINGS = bindings.KEYS

    def __init__(self, heading: str, about_field: str, lines: list[str]) -> None:
        super().__init__()
        self.heading, self.about_field, self.lines = heading, about_field, lines

    def compose(self) -> ComposeResult:
        yield Static(f"Keys: {self.heading}", id="heading", classes="heading", markup=False)
        with VerticalScroll(id="keys"):
            if self.about_field:
                yield Static(self.about_field, id="field-help", markup=False)
            yield Static("\n".join(self.lines), id="key-list", markup=False)
        yield Static("Arrows scroll. F1 or Escape goes back to where you were.", id="status")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#keys", VerticalScroll))

    def action_back(self) -> None:
        self.dismiss(None)
