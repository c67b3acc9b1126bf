"""The `contact` command: a new contact about a child, walked one field at a time.

Every answer goes into the draft at once and the draft is saved to the server after every field,
so a dropped link or an ended session loses at most the field being typed.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from tui.core.drafts import DraftKeeper
from tui.core.errors import ServiceError
from tui.core.forms import CONTACT_FORM, contact_request, contact_title
from tui.core.text import human_date
from tui.line.walk import ask_field, check_date, shown

if TYPE_CHECKING:
    from tui.line.main import LineApp

KIND = "contact"
IDENTITY_KEYS = ("given_name", "family_name", "date_of_birth")
KNOWN_CHILD_SKIPS = ("sex", "postcode")   # on the known child's record already
INDEX = {f.key: i for i, f in enumerate(CONTACT_FORM)}
TOTAL = len(CONTACT_FORM)


def fields_at_fault(violation_key: str) -> list[int]:
    """Which form fields to ask again for one of the service's field violations."""
    key = violation_key.split(".")[-1]
    if key == "family_name":  # "give at least a first name or a family name"
        return [INDEX["given_name"], INDEX["family_name"]]
    if key == "person":
        return [INDEX[k] for k in IDENTITY_KEYS]
    return [INDEX[key]] if key in INDEX else []


def violation_label(violation_key: str) -> str:
    key = violation_key.split(".")[-1]
    return CONTACT_FORM[INDEX[key]].label if key in INDEX else key.replace("_", " ").capitalize()


class ContactWalk:
    def __init__(self, app: "LineApp"):
        self.app = app
        self.console = app.console
        self.client = app.client
        self.keeper: DraftKeeper | None = None
        self.request_id = str(uuid.uuid4())   # one per contact, so a retried save records it once

    @property
    def fields(self) -> dict[str, str]:
        return self.keeper.fields

    # -- the whole walk -----------------------------------------------------------------------
    def run(self) -> None:
        self.app.ensure_session()
        self.keeper = DraftKeeper.resume(self.client, KIND, self.app.state_dir)
        self.app.open_draft = self.keeper
        if self.keeper.fields and not self.choose_resume_or_new():
            return
        if self.keeper.fields:
            self.console.say(f"Carrying on with the contact: {TOTAL} fields. Press Enter to keep an answer, "
                             "or type a full stop to clear it.")
        else:
            self.console.say(f"New contact: {TOTAL} fields. Press Enter to leave a field blank.")
        self.walk(list(range(TOTAL)))
        self.confirm_and_save()

    def choose_resume_or_new(self) -> bool:
        when = self.app.draft_time(self.keeper)
        title = contact_title(self.fields)
        while True:
            answer = self.console.ask(f"You have an unfinished contact from {when} ({title}); "
                                      "type resume or new:").strip().lower()
            if answer in ("resume", "r"):
                return True
            if answer in ("new", "n"):
                self.start_new()
                return True
            self.console.error("Type resume to carry on with it, or new to delete it and start again.")

    def start_new(self) -> None:
        old = self.keeper
        if old.name:
            try:
                self.app.call(self.client.delete_draft, old.name)
            except ServiceError as exc:
                if exc.code != "NOT_FOUND":
                    self.console.error(f"The unfinished contact could not be deleted: {exc.message} "
                                       "It stays in your drafts.")
        old.discard()
        # A new keeper, so its first save gets a new request_id and cannot replay the old draft.
        self.keeper = DraftKeeper(self.client, KIND, self.app.state_dir)
        self.app.open_draft = self.keeper
        self.console.say("Starting a new contact.")

    # -- asking -------------------------------------------------------------------------------
    def set(self, key: str, value: str) -> None:
        self.keeper.set(key, value)
        self.app.flush_draft(self.keeper, contact_title(self.fields))

    def walk(self, indices: list[int]) -> None:
        identity_asked = False
        for pos, index in enumerate(indices):
            field = CONTACT_FORM[index]
            if field.key in KNOWN_CHILD_SKIPS and self.fields.get("person"):
                continue
            old = self.fields.get(field.key, "")
            names = (self.fields.get("given_name", ""), self.fields.get("family_name", ""),
                     self.fields.get("person_label", ""))
            answer = ask_field(self.console, field, index + 1, TOTAL, old, names=names)
            self.set(field.key, answer)
            if field.key in IDENTITY_KEYS:
                identity_asked = True
                if answer != old and self.fields.get("confirmed_not_duplicate"):
                    self.set("confirmed_not_duplicate", "")
            following = indices[pos + 1] if pos + 1 < len(indices) else None
            if identity_asked and (following is None or CONTACT_FORM[following].key not in IDENTITY_KEYS):
                identity_asked = False
                self.offer_known_children()

    def offer_known_children(self) -> None:
        query = " ".join(v for v in (self.fields.get("given_name", ""), self.fields.get("family_name", "")) if v)
        dob = self.fields.get("date_of_birth", "")
        dob = "" if check_date(dob) else dob
        current, current_label = self.fields.get("person", ""), self.fields.get("person_label", "")
        if not query.strip() and not dob:
            return
        try:
            matches = self.app.call(self.client.search_people, query.strip(), date_of_birth=dob)
        except ServiceError as exc:
            self.console.error(f"Could not look for known children: {exc.message}")
            return
        if not matches:
            if current:
                self.set("person", "")
                self.set("person_label", "")
            self.console.say("No known children match, so this will be a new child.")
            return
        self.console.say("Known children that match:")
        for number, match in enumerate(matches, 1):
            person = match.person
            where = f", postcode {person.postcode}" if person.postcode else ""
            self.console.say(f"{number}. {person.display_name}{where}.")
        if current:
            prompt = (f"Type the number to use one, new for a new child, or press Enter to keep "
                      f"{current_label or current}:")
        else:
            prompt = "Type the number to use one, or press Enter for a new child:"
        while True:
            typed = self.console.ask(prompt).strip().lower()
            if not typed and current:
                return
            if not typed or typed in ("new", "n", "."):
                if current:
                    self.set("person", "")
                    self.set("person_label", "")
                self.console.say("A new child.")
                return
            if typed.isdigit() and 1 <= int(typed) <= len(matches):
                person = matches[int(typed) - 1].person
                self.set("person", person.name)
                self.set("person_label", person.display_name)
                self.console.say(f"Using {person.display_name}, already known. "
                                 "Sex and postcode are on their record, so they are not asked.")
                return
            self.console.error(f"Type a number from 1 to {len(matches)}, or press Enter for a new child.")

    # -- saving -------------------------------------------------------------------------------
    def summary(self) -> None:
        known = self.fields.get("person", "")
        self.console.say("Here is the contact.")
        for index, field in enumerate(CONTACT_FORM):
            if known and field.key in KNOWN_CHILD_SKIPS:
                continue
            value = self.fields.get(field.key, "")
            if field.key == "received_date" and not value:
                value = "today"
            self.console.say(f"{index + 1}. {field.label}: {shown(value)}.")
        if known:
            self.console.say(f"The child is already known: {self.fields.get('person_label') or known}.")
        else:
            self.console.say("The child is new to us.")

    def confirm_and_save(self) -> None:
        show_summary = True
        while True:
            if show_summary:
                self.summary()
            show_summary = False
            answer = self.console.ask(f"Save this contact? yes or no, or a field number from 1 to {TOTAL} "
                                      "to change it:").strip().lower()
            if answer in ("yes", "y"):
                outcome = self.submit()
                if outcome == "saved":
                    return
                show_summary = outcome == "changed"
            elif answer in ("no", "n"):
                self.console.say("Not saved. It is kept as a draft; type contact to carry on with it.")
                return
            elif answer.isdigit() and 1 <= int(answer) <= TOTAL:
                index = int(answer) - 1
                if CONTACT_FORM[index].key in KNOWN_CHILD_SKIPS and self.fields.get("person"):
                    self.console.say(f"{CONTACT_FORM[index].label} is on the known child's record; "
                                     "change the name to choose a different child.")
                    continue
                self.walk([index])
                show_summary = True
            else:
                self.console.error(f"Type yes, no, or a number from 1 to {TOTAL}.")

    def submit(self) -> str:
        """'saved', 'changed' (fields were asked again), or 'kept' (nothing changed; try again)."""
        request = contact_request(self.fields, self.keeper.name)
        request.request_id = self.request_id
        try:
            reply = self.app.call(self.client.record_contact, request)
        except ServiceError as exc:
            if exc.code == "ALREADY_EXISTS":
                return self.resolve_duplicate(exc)
            self.console.error(exc.message)
            if not exc.violations:
                return "kept"
            again: set[int] = set()
            for key, description in exc.violations.items():
                self.console.say(f"{violation_label(key)}: {description}")
                again.update(fields_at_fault(key))
            if not again:
                return "kept"
            labels = ", ".join(CONTACT_FORM[i].label for i in sorted(again))
            self.console.say(f"Please answer again: {labels}. Everything else is kept.")
            self.walk(sorted(again))
            return "changed"
        self.keeper.discard()
        self.app.open_draft = None
        due = self.app.decision_due(reply.referral.received_date)
        due_text = f"; decision due {human_date(due)}" if due else ""
        self.console.say(f"Saved. Referral for {reply.person.display_name} is awaiting decision{due_text}.")
        return "saved"

    def resolve_duplicate(self, exc: ServiceError) -> str:
        self.console.error(exc.message)
        if not exc.existing:
            self.console.say("Change the child's name or date of birth, or type no to keep this as a draft.")
            return "kept"
        while True:
            answer = self.console.ask("Is this the same child? Type yes to use the known record, "
                                      "or no if this is a different child:").strip().lower()
            if answer in ("yes", "y"):
                label = exc.existing
                try:
                    label = self.app.call(self.client.get_person, exc.existing).display_name or label
                except ServiceError:
                    pass
                self.set("person", exc.existing)
                self.set("person_label", label)
                self.console.say(f"Using {label}.")
                break
            if answer in ("no", "n"):
                self.set("confirmed_not_duplicate", "yes")
                self.console.say("Noted: a different child, to be recorded as new.")
                break
            self.console.error("Type yes or no.")
        return self.submit()
