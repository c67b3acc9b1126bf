"""Writing a document from its template: the questions that apply now, laid out as fields; each
changed answer is saved when the worker leaves the field (the document is its own draft), and
questions a pathway opens appear after the save. F10 submits it to a team leader. The model is
tui/core/document_editor.py, shared with the line mode."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from tui.app import bindings
from tui.app.screens.base import ServiceScreen, StatusLine, key_footer
from tui.app.screens.fields import FieldBlock, field_key, widget_value
from tui.core.document_editor import DocumentEditor
from tui.core.errors import ServiceError


class DocumentScreen(ServiceScreen):
    BINDINGS = bindings.DOCUMENT

    def __init__(self, editor: DocumentEditor) -> None:
        super().__init__()
        self.editor = editor
        self.shown_ids: list[str] = []
        self.saving = False
        self.laying_out = False  # fields being replaced: their blurs are not the worker leaving them

    def compose(self) -> ComposeResult:
        document = self.editor.document
        child = document.person_display_name or document.person
        yield Static(f"{document.title} for {child}", id="heading", classes="heading", markup=False)
        yield VerticalScroll(id="form", can_focus=False)
        yield StatusLine("Each answer is saved when you leave its field.", id="status")
        yield key_footer(self.app)

    async def on_mount(self) -> None:
        await self.lay_out()

    async def lay_out(self) -> None:
        """(Re)builds the fields for the questions that apply now, keeping the focus's question."""
        focused = field_key(self.focused)
        questions = self.editor.questions()
        form = self.query_one("#form", VerticalScroll)
        self.laying_out = True
        try:
            await form.remove_children()
            self.shown_ids = [q.id for q in questions]
            await form.mount_all([FieldBlock(self.editor.as_field(q), self.editor.shown(q)) for q in questions])
        finally:
            self.laying_out = False
        target = focused if focused in self.shown_ids else (self.shown_ids[0] if self.shown_ids else "")
        if target:
            self.set_focus(self.query_one(f"#in-{target}"), scroll_visible=False)

    def typed(self) -> dict[str, str]:
        return {key: widget_value(self.query_one(f"#in-{key}", Widget)) for key in self.shown_ids}

    def on_descendant_blur(self, event) -> None:
        if field_key(event.widget) and not self.laying_out:
            self.save()

    def action_save(self) -> None:
        self.save(say=True)

    def save(self, say: bool = False, then=None) -> None:
        if self.saving:
            return
        typed = self.typed()
        self.saving = True
        self.call_service(lambda _client: self.editor.save_typed(typed),
                          lambda problems: self._saved(problems, say, then), failed=self._refused, group="save")

    def _saved(self, problems: dict[str, str], say: bool, then) -> None:
        self.saving = False
        for block in self.query(FieldBlock):
            block.unmark()
        if problems:
            self.mark_refusal(ServiceError("INVALID_ARGUMENT", "Not saved: " + "; ".join(
                f"{self._label(k)}: {v}" for k, v in problems.items()), {k: v for k, v in problems.items() if k}))
            return
        if [q.id for q in self.editor.questions()] != self.shown_ids:
            self.call_later(self._relaid_out, say, then)  # a pathway opened or closed questions
        else:
            self._finished(say, then)

    async def _relaid_out(self, say: bool, then) -> None:
        await self.lay_out()
        self._finished(say, then)

    def _finished(self, say: bool, then) -> None:
        if say:
            self.status.say("Saved.")
        if then is not None:
            then()

    def _label(self, key: str) -> str:
        return next((q.label for q in self.editor.questions() if q.id == key), "The document")

    def _refused(self, exc: ServiceError) -> None:
        self.saving = False
        self.mark_refusal(exc)

    def action_submit(self) -> None:
        self.save(then=lambda: self.call_service(lambda _client: self.editor.submit(), self._submitted,
                                                 failed=self._refused, group="submit"))

    def _submitted(self, document) -> None:
        self.close(f"The {document.title} was submitted to your team leader.")

    def action_print(self) -> None:
        from tui.app.screens.reader import print_document

        self.save(then=lambda: print_document(self, self.editor.document.name))

    def action_back(self) -> None:
        self.save(then=lambda: self.close("Your answers are saved; the record stays in progress."))
