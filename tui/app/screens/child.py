"""A child's record, one section at a time (so it stays readable at 40x12): summary (with the pen
picture and key case summary), case story, chronology, documents, family, allocation, timescales.
The words come from tui/core/child_record.py, the same as the line mode says them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ics.records.v1 import records_pb2 as rpb
from tui.app import bindings
from tui.app.screens.base import ServiceScreen, StatusLine, key_footer
from tui.core import child_record
from tui.core.document_editor import DocumentEditor
from tui.core.errors import ServiceError


class ChildScreen(ServiceScreen):
    BINDINGS = bindings.CHILD

    def __init__(self, person: str) -> None:
        super().__init__()
        self.person = person
        self.record: child_record.ChildRecord | None = None
        self.section = "summary"

    def compose(self) -> ComposeResult:
        yield Static("Opening the record…", id="heading", classes="heading")
        yield Static("", id="section-title", classes="heading")
        with VerticalScroll(id="record"):
            yield Static("", id="section")
        yield StatusLine(self._keys_hint(), id="status")
        yield key_footer(self.app)

    def _keys_hint(self) -> str:
        last = len(child_record.SECTIONS)
        if self.app.large:  # every line counts at 40x12; F1 and the footer say the rest
            return f"Keys 1 to {last}: parts of the record."
        return f"Keys 1 to {last} change section: " + ", ".join(
            f"{n} {label.lower()}" for n, (_, label) in enumerate(child_record.SECTIONS, 1)) + "."

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        self.call_service(lambda client: child_record.load(client, self.person), self._loaded,
                          failed=self._refused, group="load")

    def _loaded(self, record: child_record.ChildRecord) -> None:
        self.record = record
        self.query_one("#heading", Static).update(record.person.display_name)
        self.show(self.section)

    def _refused(self, exc: ServiceError) -> None:
        self.query_one("#heading", Static).update("Record not opened")
        self.status.error(exc.message)

    def show(self, section: str) -> None:
        self.section = section
        if self.record is None:
            return
        label = dict(child_record.SECTIONS)[section]
        self.query_one("#section-title", Static).update(label)
        self.query_one("#section", Static).update("\n\n".join(child_record.section_lines(self.record, section)))
        self.query_one("#record", VerticalScroll).scroll_home(animate=False)

    def action_section(self, number: int) -> None:
        if 1 <= number <= len(child_record.SECTIONS):
            self.show(child_record.SECTIONS[number - 1][0])

    def action_write(self) -> None:
        if self.record is None:
            return
        self.call_service(lambda client: client.templates(), self._choose, group="templates")

    def _choose(self, templates) -> None:
        self.app.push_screen(Chooser("Write which record?", [(t.template_id, t.title) for t in templates],
                                     "Arrows to choose, Enter to start it."), self._chosen)

    def _chosen(self, template_id: str | None) -> None:
        if not template_id:
            return
        self.status.say("Starting the record…")
        self.call_service(lambda client: DocumentEditor.start(client, self.person, template_id), self._write,
                          failed=lambda exc: self.status.error(exc.message), group="start")

    def _write(self, editor: DocumentEditor) -> None:
        from tui.app.screens.document import DocumentScreen

        self.app.push_screen(DocumentScreen(editor), self._written)

    def _written(self, outcome: str | None) -> None:
        if outcome:
            self.status.say(outcome)
        self.load()  # the documents section changed

    def action_open_document(self) -> None:
        if self.record is None:
            return
        if not self.record.documents:
            self.status.error("This child has no documents yet; w writes one.")
            return
        self.app.push_screen(Chooser("Open which document?", [
            (d.name, child_record.document_sentence(d)) for d in self.record.documents],
            "Arrows to choose, Enter to open it."), self._open_document)

    def _open_document(self, name: str | None) -> None:
        document = next((d for d in self.record.documents if d.name == name), None) if self.record else None
        if document is None:
            return
        me = self.app.client.session.user
        if document.state == rpb.DOCUMENT_STATE_IN_PROGRESS and me and document.author.user_name == me.name:
            self.status.say("Opening the record…")
            self.call_service(lambda client: DocumentEditor.open(client, name), self._write, group="start")
        else:
            from tui.app.screens.reader import ReaderScreen

            self.app.push_screen(ReaderScreen(name))

    def action_family_letter(self) -> None:
        from tui.app.screens.reader import print_document

        print_document(self, self.person)

    def action_back(self) -> None:
        self.close(None)


class Chooser(ServiceScreen):
    """One of a list, by arrows and Enter; closes with the chosen id, or None on Escape."""

    BINDINGS = bindings.CHOOSER

    def __init__(self, heading: str, options: list[tuple[str, str]], hint: str) -> None:
        super().__init__()
        self.heading, self.options, self.hint = heading, options, hint

    def compose(self) -> ComposeResult:
        yield Static(self.heading, id="heading", classes="heading")
        yield OptionList(*[Option(label, id=key) for key, label in self.options], id="choices")
        yield StatusLine(self.hint, id="status")
        yield key_footer(self.app)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.close(event.option.id)

    def action_back(self) -> None:
        self.close(None)
