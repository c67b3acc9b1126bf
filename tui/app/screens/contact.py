"""Record a contact about a child. Every keystroke goes to the local draft file at once and to
the server about a second later, so a dropped link, a crash or an expired session loses
nothing. While the child's name and date of birth are typed, known children like them are
offered, so the same child is not recorded twice. Dismissed with a sentence for My work."""

from __future__ import annotations

import re
import time
import uuid
from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from tui.app import bindings
from tui.app.screens.base import ServiceScreen, StatusLine, key_footer
from tui.app.screens.duplicate import DuplicateScreen
from tui.app.screens.fields import FieldBlock, field_key, widget_value
from tui.core.drafts import DraftKeeper
from tui.core.errors import ServiceError
from tui.core.forms import CHILD_FIELDS, CONTACT_FIELDS, CONTACT_FORM, contact_request, contact_title

SEARCH_DELAY = 0.4
FLUSH_DELAY = 1.0
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CHILD_KEYS = {field.key for field in CHILD_FIELDS}
SEARCH_KEYS = {"given_name", "family_name", "date_of_birth"}
# Kept in the draft beside the typed fields: which known child is used, and the worker's
# "this is a different child" answer to a duplicate warning.
EXTRA_KEYS = ("person", "person_label", "confirmed_not_duplicate")


class ContactScreen(ServiceScreen):
    BINDINGS = bindings.CONTACT
    AUTO_FOCUS = ""  # on_mount chooses the field, without the scroll auto-focus would add

    def __init__(self, keeper: DraftKeeper) -> None:
        super().__init__()
        self.keeper = keeper
        self.resumed = any(keeper.fields.values())
        # Every key exists before any save starts, so a save reading the dict in its thread
        # never sees it grow mid-read.
        for key in [field.key for field in CONTACT_FORM] + list(EXTRA_KEYS):
            keeper.fields.setdefault(key, "")
        self.flushing = False
        self.after_flush: list = []
        self.flush_timer: Timer | None = None
        self.search_timer: Timer | None = None
        self.last_search: tuple[str, str] | None = None
        self.matches: dict[str, str] = {}
        self.recording = False
        self.recorded = False
        self.leaving = False
        # The same request, sent again after a timeout, carries the same id so it is recorded once.
        self.request_key: tuple[bytes, str] = (b"", "")

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("New contact", id="heading", classes="heading")
        with VerticalScroll(id="form", can_focus=False):  # focus goes to fields, not the scroller
            for field in CHILD_FIELDS:
                yield FieldBlock(field, self.keeper.fields[field.key])
            yield Static("", id="using")
            with Vertical(id="known-box"):  # docked: in sight whichever field is being typed
                yield Static("", id="known-heading")
                yield OptionList(id="known")
            for field in CONTACT_FIELDS:
                yield FieldBlock(field, self.keeper.fields[field.key])
        yield StatusLine(self._opening_text(), id="status")
        yield key_footer(self.app)

    def _opening_text(self) -> str:
        # Short: at 40 columns every line counts, and the keys are on the bottom line anyway.
        return "Your draft is back as you left it." if self.resumed else "Everything you type is kept as a draft."

    def on_mount(self) -> None:
        self.app.open_draft = (self.keeper, lambda: contact_title(self.keeper.fields))
        self.query_one("#known-box").display = False
        self._show_person()
        start = "#in-received_date" if self.keeper.fields["person"] else "#in-given_name"
        # Without Textual's scroll-to-centre, which at 40x12 would hide the first field's label.
        self.set_focus(self.query_one(start), scroll_visible=False)
        if self.keeper.dirty:  # typing that only reached this computer last time
            self._schedule_flush()
        self.search_known()  # a resumed draft may name a child who is known

    # -- typing ----------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        self._changed(event.control)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._changed(event.control)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._changed(event.control)

    def _changed(self, widget: Widget) -> None:
        key = field_key(widget)
        value = widget_value(widget)
        if not key or self.recorded or self.keeper.fields.get(key, "") == value:
            return
        self._keep(key, value)
        self.query_one(f"#field-{key}", FieldBlock).unmark()
        if key in CHILD_KEYS and self.keeper.fields["confirmed_not_duplicate"]:
            self._keep("confirmed_not_duplicate", "")  # a changed child must be checked again
        if key in SEARCH_KEYS:
            if self.search_timer:
                self.search_timer.stop()
            self.search_timer = self.set_timer(SEARCH_DELAY, self.search_known)

    def _keep(self, key: str, value: str) -> None:
        self.keeper.set(key, value)  # the local file, at once
        if self.keeper.local_error:
            self.status.note(f"Could not write the draft file on this computer: {self.keeper.local_error}")
        self._schedule_flush()

    # -- autosave --------------------------------------------------------------------------
    def _schedule_flush(self) -> None:
        # Not restarted by each key: steady typing still reaches the server every second.
        if self.flush_timer is None:
            self.flush_timer = self.set_timer(FLUSH_DELAY, self.flush_draft)

    def flush_draft(self, then=None) -> None:
        self.flush_timer = None
        if then is not None:
            self.after_flush.append(then)
        if self.flushing:
            return
        if self.recording or self.recorded or not self.keeper.dirty:
            self._run_after_flush()
            return
        self.flushing = True
        title = contact_title(self.keeper.fields)
        self.call_service(lambda client: self.keeper.flush(title), self._flushed,
                          failed=self._flush_failed, group="flush", relogin=False)

    def _flushed(self, saved: bool) -> None:
        # keeper.flush leaves `dirty` set if typing arrived while it was saving.
        self.flushing = False
        if saved:
            self.status.note(f"Draft saved {time.strftime('%H:%M:%S')}")
        else:
            self.status.note(f"Draft kept on this computer: {self.keeper.last_error}")
            if not self.app.client.session.token and not self.after_flush:
                self.app.relogin(self.keeper.last_error, then=self.flush_draft)
        if saved and self.keeper.dirty:
            if self.after_flush:  # someone is waiting for the save: include what was just typed
                self.flush_draft()
            else:
                self._schedule_flush()
        elif self.after_flush:
            self._run_after_flush()

    def _flush_failed(self, exc: ServiceError) -> None:
        # Only for what keeper.flush does not catch itself.
        self.keeper.last_error = exc.message
        self._flushed(False)

    def _run_after_flush(self) -> None:
        waiting, self.after_flush = self.after_flush, []
        for then in waiting:
            then()

    # -- known children --------------------------------------------------------------------
    def search_known(self) -> None:
        self.search_timer = None
        fields = self.keeper.fields
        query = f"{fields['given_name']} {fields['family_name']}".strip()
        dob = fields["date_of_birth"].strip()
        dob = dob if ISO_DATE.fullmatch(dob) else ""
        if fields["person"] or (len(query) < 2 and not dob):
            self.last_search = None
            self._show_matches([])
            return
        if (query, dob) == self.last_search:
            return
        self.last_search = (query, dob)
        self.call_service(lambda client: client.search_people(query, date_of_birth=dob),
                          self._show_matches, failed=self._search_failed, group="search")

    def _show_matches(self, matches) -> None:
        known = self.query_one("#known", OptionList)
        heading = self.query_one("#known-heading", Static)
        known.clear_options()
        self.matches = {m.person.name: m.person.display_name for m in matches}
        shown = bool(matches) and not self.keeper.fields["person"]
        self.query_one("#known-box").display = shown
        if shown:
            known.add_options([Option(f"{m.person.display_name}, {m.person.postcode or 'no postcode'}",
                                      id=m.person.name) for m in matches])
            known.highlighted = 0  # so Enter on arriving takes the best match
            count = len(matches)
            if self.app.large:
                heading.update(f"Known children like this: {count} (ctrl+l)")
            else:
                heading.update(f"{count} known {'child' if count == 1 else 'children'} may be this child. "
                               "Press ctrl+l to go to them, Enter to use one.")
        self.refresh_bindings()
        # The box takes room at the top of the form: keep the field being typed in sight.
        self.call_after_refresh(self.focused_field_into_view)

    def _search_failed(self, exc: ServiceError) -> None:
        heading = self.query_one("#known-heading", Static)
        heading.update(f"Could not look for known children: {exc.message}")
        self.query_one("#known", OptionList).clear_options()
        self.query_one("#known-box").display = True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        name = event.option.id or ""
        self.use_known(name, self.matches.get(name, name))

    def use_known(self, name: str, label: str) -> None:
        self._keep("person", name)
        self._keep("person_label", label)
        self._show_person()
        self.status.say(f"Using known child: {label}.")
        self.set_focus(self.query_one("#in-received_date"))

    def action_known_children(self) -> None:
        known = self.query_one("#known", OptionList)
        if known.option_count:
            self.set_focus(known)

    def action_new_child(self) -> None:
        self._keep("person", "")
        self._keep("person_label", "")
        self._show_person()
        self.status.say("Describe the new child.")
        self.set_focus(self.query_one("#in-given_name"))
        self.search_known()

    def _show_person(self) -> None:
        person = self.keeper.fields["person"]
        using = self.query_one("#using", Static)
        using.display = bool(person)
        if person:
            label = self.keeper.fields["person_label"] or person
            using.update(f"Using known child: {label}. Press ctrl+n to describe a new child instead.")
            self.query_one("#known-box").display = False
        for field in CHILD_FIELDS:  # their details are on record already, so not typed here
            self.query_one(f"#field-{field.key}", FieldBlock).disabled = bool(person)
        self.refresh_bindings()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "new_child":
            return bool(self.keeper.fields.get("person"))
        if action == "known_children":
            boxes = self.query("#known-box")  # empty while the screen is still being built
            return bool(boxes) and boxes.first().display and self.query_one("#known", OptionList).option_count > 0
        return True

    # -- recording -------------------------------------------------------------------------
    def action_record(self) -> None:
        if self.recording or self.recorded:
            return
        if self.flushing:  # the draft's name must be settled so records can delete it
            self.status.say("Saving your draft first…")
            self.after_flush.append(self.action_record)
            return
        for widget in self.query(".field > Input, .field > Select, .field > TextArea"):
            self._changed(widget)  # what is on screen is what gets recorded
        if self.flush_timer:  # records deletes the draft; a save racing it would bring it back
            self.flush_timer.stop()
            self.flush_timer = None
        request = contact_request(dict(self.keeper.fields), self.keeper.name)
        body = request.SerializeToString(deterministic=True)
        if body != self.request_key[0]:
            self.request_key = (body, str(uuid.uuid4()))
        request.request_id = self.request_key[1]
        for block in self.query(FieldBlock):
            block.unmark()
        self.recording = True
        self.status.say("Recording the contact…")
        self.call_service(lambda client: client.record_contact(request), self._recorded,
                          failed=self._refused, group="record")

    def _recorded(self, reply) -> None:
        self.recording = False
        self.recorded = True
        self.keeper.discard()
        self.app.open_draft = None
        self.close(f"Contact recorded; referral awaiting decision for {reply.person.display_name}.")

    def _refused(self, exc: ServiceError) -> None:
        self.recording = False
        if exc.code == "ALREADY_EXISTS" and exc.existing:
            self.status.error(exc.message)
            self.app.push_screen(DuplicateScreen(exc.message), partial(self._duplicate_answer, exc.existing))
            return
        problems = dict(exc.violations)
        first = None
        for field in CONTACT_FORM:
            problem = problems.pop(f"new_person.{field.key}", None) or problems.pop(field.key, None)
            if problem:
                self.query_one(f"#field-{field.key}", FieldBlock).mark(problem)
                first = first or field.key
        rest = "; ".join(f"{key.split('.')[-1].replace('_', ' ')}: {text}" for key, text in problems.items())
        self.status.error(f"{exc.message} {rest}".strip() + " Nothing you typed is lost.")
        if first and not self.query_one(f"#field-{first}", FieldBlock).disabled:
            self.set_focus(self.query_one(f"#in-{first}"))
        if self.keeper.dirty:
            self._schedule_flush()

    def _duplicate_answer(self, existing: str, choice: str | None) -> None:
        if choice == "use":
            self.status.say("Using the known child…")
            self.call_service(lambda client: client.get_person(existing), self._use_and_record, group="person")
        elif choice == "different":
            self._keep("confirmed_not_duplicate", "yes")
            self.action_record()
        else:
            self.status.say("Check the child's details, then press ctrl+s to record.")
            self.set_focus(self.query_one("#in-given_name"))

    def _use_and_record(self, person) -> None:
        self.use_known(person.name, person.display_name)
        self.action_record()

    # -- leaving ---------------------------------------------------------------------------
    def action_back(self) -> None:
        if self.recording or self.leaving:
            return
        self.leaving = True
        self.status.say("Saving your draft…")
        self.flush_draft(then=self._leave)

    def _leave(self) -> None:
        self.app.open_draft = None
        if not any(self.keeper.fields.get(f.key) for f in CONTACT_FORM) and not self.keeper.fields["person"]:
            self.close(None)
        elif self.keeper.dirty:
            self.close(f"Your contact draft is kept on this computer ({self.keeper.last_error}); "
                         "press n to carry on with it.")
        else:
            self.close("Your contact draft is saved; press n to carry on with it.")
