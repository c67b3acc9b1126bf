"""One form field as the screens lay it out: label above, the input, then a note line that
holds the help text or, after a refused save, what is wrong. Built from `tui.core.forms`."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from tui.core.forms import Field, choice_label, choice_value


def label_text(field: Field) -> str:
    return f"{field.label} (required)" if field.required else field.label


def shown_choice(field: Field, stored: str) -> str:
    """A stored choice may be typed text from the line mode ("2", "sch"); show its label."""
    value = choice_value(field, stored)
    return choice_label(field, value) if value > 0 else ""


def make_input(field: Field, value: str) -> Widget:
    widget_id = f"in-{field.key}"
    if field.choices:
        label = shown_choice(field, value)
        return Select([(text, text) for text, _ in field.choices], prompt="Choose: Enter, then arrows",
                      value=label or Select.NULL, id=widget_id)
    if field.multiline:
        area = TextArea(value, id=widget_id, soft_wrap=True, tab_behavior="focus", show_line_numbers=False)
        area.cursor_blink = False
        return area
    box = Input(value, id=widget_id)
    box.cursor_blink = False
    return box


class FieldBlock(Vertical):
    def __init__(self, field: Field, value: str) -> None:
        super().__init__(id=f"field-{field.key}", classes="field")
        self.field = field
        self.value = value

    def compose(self) -> ComposeResult:
        yield Label(label_text(self.field), classes="label")
        yield make_input(self.field, self.value)
        note = Static(self.field.help, classes="note")
        note.display = bool(self.field.help)  # no blank line to step over at 40x12
        yield note

    def mark(self, problem: str) -> None:
        self.add_class("-invalid")
        note = self.query_one(".note", Static)
        note.update(f"Problem: {problem}")
        note.display = True

    def unmark(self) -> None:
        if self.has_class("-invalid"):
            self.remove_class("-invalid")
            note = self.query_one(".note", Static)
            note.update(self.field.help)
            note.display = bool(self.field.help)


def widget_value(widget: Widget) -> str:
    if isinstance(widget, Select):
        return "" if widget.value is Select.NULL else str(widget.value)
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Input):
        return widget.value
    return ""


def field_key(widget: Widget | None) -> str:
    """"in-reason" -> "reason"; "" for anything that is not a form input."""
    widget_id = widget.id if widget is not None else None
    return widget_id[3:] if widget_id and widget_id.startswith("in-") else ""
