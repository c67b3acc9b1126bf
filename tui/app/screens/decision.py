"""Decide a referral: the decision and why. Dismissed with a sentence for My work's status
line, or None when the worker went back without deciding."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from tui.app import bindings
from tui.app.screens.base import ServiceScreen, StatusLine, key_footer
from tui.app.screens.fields import FieldBlock, widget_value
from tui.core.errors import ServiceError
from tui.core.forms import DECISION_FORM, choice_value
from tui.core.text import decision_label, referral_sentence


class DecisionScreen(ServiceScreen):
    BINDINGS = bindings.DECISION
    AUTO_FOCUS = ""  # on_mount chooses the field

    def __init__(self, referral: str, child: str, sentence: str) -> None:
        super().__init__()
        self.referral = referral
        self.child = child
        self.sentence = sentence
        self.etag = ""
        self.saving = False

    def compose(self) -> ComposeResult:
        yield Static(f"Decide: {self.child}", id="heading", classes="heading")
        with VerticalScroll(id="form", can_focus=False):  # focus goes to fields, not the scroller
            # In the scrolling part: at 40x12 a fixed copy would leave no room for the form.
            yield Static(self.sentence, id="about")
            for field in DECISION_FORM:
                yield FieldBlock(field, "")
        yield StatusLine("Choose a decision and say why.", id="status")
        yield key_footer(self.app)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#in-decision"), scroll_visible=False)
        # The etag makes a decision made meanwhile by a colleague fail plainly, not overwrite.
        self.call_service(lambda client: client.get_referral(self.referral), self._loaded, group="load")

    def _loaded(self, referral) -> None:
        self.etag = referral.etag
        self.query_one("#about", Static).update(referral_sentence(referral))

    def values(self) -> dict[str, str]:
        return {field.key: widget_value(self.query_one(f"#in-{field.key}", Widget)) for field in DECISION_FORM}

    def action_save(self) -> None:
        if self.saving:
            return
        values = self.values()
        decision = max(0, choice_value(DECISION_FORM[0], values["decision"]))
        for block in self.query(FieldBlock):
            block.unmark()
        self.saving = True
        self.status.say("Saving the decision…")
        self.call_service(lambda client: client.decide_referral(self.referral, decision, values["reason"], self.etag),
                          self._saved, failed=self._refused, group="save")

    def _saved(self, referral) -> None:
        self.close(f"Decision saved: {decision_label(referral.decision)} for "
                     f"{referral.person_display_name}.")

    def _refused(self, exc: ServiceError) -> None:
        self.saving = False
        self.mark_refusal(exc)

    def action_back(self) -> None:
        self.close(None)
