"""One form field as the screens lay it out: label above, the input, then a note line that
holds the help text or, after a refused save, what is wrong. Built from `tui.core.forms`.

A narrative (multiline) field also has a spelling line: a short pause in typing checks the text
in a thread worker against the British English dictionary (`tui.core.spelling`), and the line
lists the possible misspellings in words, "Check spelling: recieved (received?)". F8 replaces
the word at the cursor with the first suggestion. Typing never waits for the check."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea
from textual.worker import Worker, WorkerState

from tui.core import spelling
from tui.app import bindings
from tui.core.forms import Field, choice_label, choice_value

SPELL_DELAY = 0.6   # seconds without a key before the text is checked


def label_text(field: Field) -> str:
    return f"{field.label} (required)" if field.required else field.label


def shown_choice(field: Field, stored: str) -> str:
    """A stored choice may be typed text from the line mode ("2", "sch"); show its label."""
    value = choice_value(field, stored)
    return choice_label(field, value) if value not in (0, -1) else ""  # 0 nothing typed, -1 no such choice


def make_input(field: Field, value: str) -> Widget:
    widget_id = f"in-{field.key}"
    if field.multiple:
        taken = {part.strip().lower() for part in value.split(",") if part.strip()}
        return SelectionList(*[(text, text, text.lower() in taken) for text, _ in field.choices], id=widget_id)
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
    BINDINGS = [bindings.FIX_SPELLING]

    def __init__(self, field: Field, value: str) -> None:
        super().__init__(id=f"field-{field.key}", classes="field")
        self.field = field
        self.value = value
        self.misspelt: dict[str, tuple[str, ...]] = {}   # word -> suggestions, from the last check
        self.checked_text: str | None = None
        self.spell_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Label(label_text(self.field), classes="label")
        yield make_input(self.field, self.value)
        note = Static(self.field.help, classes="note")
        note.display = bool(self.field.help)  # no blank line to step over at 40x12
        yield note
        if self.field.multiline:
            line = Static("", classes="spelling", id=f"spelling-{self.field.key}")
            line.display = False
            yield line

    # -- spelling ------------------------------------------------------------------------------
    def on_mount(self) -> None:
        if self.field.multiline:
            spelling.checker().warm_up()   # about a second, in the background, once per process
            if self.value:
                self._schedule_spelling()   # a resumed draft

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        # Not stopped: the screen keeps the draft from the same message.
        if self.field.multiline:
            self._schedule_spelling()

    def _schedule_spelling(self) -> None:
        if self.spell_timer is not None:
            self.spell_timer.stop()   # restarted by every key: checked after a pause
        self.spell_timer = self.set_timer(SPELL_DELAY, self.check_spelling)

    def check_spelling(self) -> None:
        """Checks what is in the field now, in a thread; the result arrives as a worker event."""
        self.spell_timer = None
        areas = self.query(TextArea)
        if not areas:
            return
        text = areas.first().text
        if text == self.checked_text:
            return
        names = self.names_in_form()
        self.run_worker(lambda: (text, spelling.checker().check(text, ignore=names)), thread=True,
                        group=f"spelling-{self.field.key}", exclusive=True, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if not event.worker.group.startswith("spelling-"):
            return
        event.stop()   # the screen's own workers are none of its business
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            text, found = event.worker.result
            self.show_spelling(text, found)
        elif event.state == WorkerState.ERROR:
            self.show_spelling(None, [])

    def show_spelling(self, text: str | None, found: list[spelling.Misspelling]) -> None:
        self.checked_text = text
        self.misspelt = {m.word: m.suggestions for m in found}
        line = self.query_one(".spelling", Static)
        off = spelling.checker().off_message()   # said once, on the first field that checks
        if off:
            status = self.screen.query("StatusLine")
            if status:
                status.first().note(off)
            else:
                self.notify(off)
        if found:
            line.update(f"Check spelling: {spelling.suggestion_list(found)}. F8 fixes the word at the cursor.")
        line.display = bool(found)
        self.set_class(bool(found), "-misspelt")
        self.refresh_bindings()

    def names_in_form(self) -> list[str]:
        """Names typed elsewhere in the form, and a known child's name, are never misspellings."""
        names = [widget.value for widget in self.screen.query(Input)
                 if widget.id and widget.id.startswith("in-") and widget.id.endswith("name")]
        keeper = getattr(self.screen, "keeper", None)
        fields = getattr(keeper, "fields", None)
        if isinstance(fields, dict):
            names += [fields.get("person_label", ""), fields.get("given_name", ""), fields.get("family_name", "")]
        return [name for name in names if name]

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "fix_spelling":
            return bool(self.misspelt)   # in the footer only while there is something to fix
        return True

    def action_fix_spelling(self) -> None:
        areas = self.query(TextArea)
        if not areas:
            return
        area = areas.first()
        text = area.text
        document = area.document
        span = spelling.word_at(text, document.get_index_from_location(area.cursor_location))
        word = text[span[0]:span[1]] if span else ""
        if word not in self.misspelt:
            self._tell("Move the cursor onto a word listed under the field, then press F8.")
            return
        suggestions = self.misspelt[word]
        if not suggestions:
            self._tell(f"No suggestion for {word}; correct it by typing.")
            return
        start = document.get_location_from_index(span[0])
        end = document.get_location_from_index(span[1])
        area.replace(suggestions[0], start, end)   # undoable with ctrl+z; the screen keeps the draft
        del self.misspelt[word]
        self._tell(f"Replaced {word} with {suggestions[0]}.")
        self.check_spelling()

    def _tell(self, text: str) -> None:
        status = self.screen.query("StatusLine")
        if status:
            status.first().say(text)
        else:
            self.notify(text)

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
    if isinstance(widget, SelectionList):
        taken = set(widget.selected)  # in the list's order, as the answer is read back
        return ", ".join(str(option.value) for option in widget.options if option.value in taken)
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
