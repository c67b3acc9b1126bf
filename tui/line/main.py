"""The line mode: `ics line`, `ics demo --line`, or any front end started with TERM=dumb.

One prompt, `ics> `; each command answers in whole plain sentences, once. Lists are numbered so
that `decide 2` or `show 2` can refer to what was just read out.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, TextIO
from zoneinfo import ZoneInfo

from ics.alerts.v1 import alerts_pb2 as apb
from ics.records.v1 import records_pb2 as rpb
from tui.core.alerts_feed import LIVE, RECONNECTING, AlertFollower, summary_text
from tui.core import caseload, child_record, printing, team_view
from tui.core.client import IcsClient, Targets
from tui.core.document_editor import DocumentEditor
from tui.core.drafts import DraftKeeper, default_state_dir
from tui.core.errors import ServiceError, SessionExpired, needs_new_password
from tui.core.forms import DECISION_FORM, SIGN_FORM, choice_value, contact_title, sign_request
from tui.core.idle_lock import IdleLock, configured_minutes
from tui.core.text import clock_sentence, decision_label, human_date, referral_sentence
from tui.line.console import Console, EndOfInput
from tui.line.contact import ContactWalk
from tui.line.document import DocumentWalk
from tui.line.lock import LineLock
from tui.line.reports import ReportCommands
from tui.line.walk import ask_field

LONDON = ZoneInfo("Europe/London")
PROMPT = "ics>"
SESSION_ENDED = "Your session has ended. Please log in again; your typing is kept."
LOGIN_TRIES = 3
# New alerts stop arriving this long before the worker is told (a restart takes seconds).
ALERTS_QUIET_NOTE_SECONDS = 15.0

HELP = (
    "Commands:",
    "login: log in with your username and password.",
    "my work: your open alerts, soonest due first, then how many children and unfinished records you have. "
    "alerts: the alerts alone; alerts all: ended ones too.",
    "caseload: the children allocated to you, numbered; open and a number opens one.",
    "drafts: records you are writing, returned to you or waiting for approval, numbered; "
    "continue and a number carries on with one.",
    "referrals: referrals waiting for a decision in your teams.",
    "contact: record a new contact about a child, one question at a time.",
    "decide and a number, for example decide 1: decide that referral from the last referrals list.",
    "show and a number: more about that item in the last list.",
    "find and a name, for example find amira khan 2019-03-04: children known to you, numbered.",
    "open and a number: open that child's record from the last find, and hear its summary.",
    "Then summary, story, chronology, documents, family, allocation or timescales: that part of the "
    "open record.",
    "document and a number, for example document 12: hear that document in full. print and a number: "
    "print it, or save a copy, as ICS is set up here; print 12 family: the family's plain-language "
    "copy; print 12 welsh: the family's copy in Welsh. print 12 court, print 12 conference (or print 12 "
    "conference 2026-12-08 for a conference on that day) or print 12 agency and the agency's name: a copy "
    "prepared for them, leaving out questions nobody was asked; add complete at the end for every "
    "question. letter and a child's record number: the letter to "
    "the family about their records and who has seen them. sign and a number: record a signature on a "
    "completed document.",
    "write: the records you can write for the open child, numbered; write and a number starts one.",
    "continue: carry on with the record you were writing. submit: send it to your team leader. "
    "complete: complete it.",
    "team: for team leaders, work waiting for your approval, numbered, and overdue work by worker. "
    "read, approve or return and a number: read that piece of work, approve it, or return it with comments.",
    "waiting: cases in your teams with nobody allocated, numbered; allocate and a number allocates one.",
    "overdue: your teams' overdue timescales, numbered; extend and a number agrees a new due date. "
    "extensions: the extensions and pauses given, and why.",
    "emergency: open a restricted child's record in an emergency; you give a reason and your "
    "team leaders review it.",
    "who has seen: who has looked at or changed a child's record, for a team leader or manager.",
    "reports: the management reports your role may read, numbered. report and a number, for example report 1: "
    "hear that report, a sentence a row, for the period from 1 April to today and every team you may see; add "
    "from and a date, to and a date (as YYYY-MM-DD), or team and a team's name (or teams/ and its number) to "
    "narrow it, for example report 1 from 2026-04-01 to 2026-09-30 team duty and assessment. save report, or "
    "save at the end of the report command: save its tables as CSV files in the folder set up for saved copies.",
    "for and a username, for example for wworker: business support, record on that colleague's behalf. "
    "for nobody: stop.",
    "lock: lock the screen at once; your password unlocks it and your work is kept.",
    "logout: log out and stay in ICS.",
    "help: this list.",
    "quit or exit: leave ICS. Anything half typed is kept as a draft.",
    "While answering a question, press Enter to keep the answer and Control C to stop; "
    "your typing is kept.",
)


HANGUP_EXIT_CODE = 129  # 128 + SIGHUP, as a shell reports it; the Textual app exits the same way


class HungUp(Exception):
    """The terminal went away (a dropped SSH link): save, then leave."""


def _hung_up(_signum, _frame) -> None:
    raise HungUp()


class NotLoggedIn(Exception):
    """Not logged in, or could not log in again; the message says which, as a sentence."""

    def __init__(self, message: str = "You are not logged in. Type login first."):
        super().__init__(message)


class LineApp:
    def __init__(self, client: IcsClient, stdin: TextIO, stdout: TextIO, state_dir: Path | None = None,
                 idle_lock_minutes: float = 0.0, clock: Callable[[], float] | None = None):
        self.client = client
        self.console = Console(stdin, stdout)
        self.state_dir = Path(state_dir) if state_dir else default_state_dir()
        self.open_draft: DraftKeeper | None = None
        self.last_list: str = ""            # "alerts" or "referrals": what `show N` refers to
        self.last_referrals: list[rpb.Referral] = []
        self.last_clocks: list[apb.Clock] = []
        self.typed_arg = ""                 # the current command's words as typed, capitals kept
        self._offline_noted = False
        self.alerts: AlertFollower | None = None  # new alerts, followed from login to logout
        self._alerts_quiet_noted = False
        # Asked around every question the console asks (tui/line/lock.py); 0 minutes: only `lock`.
        self.lock = LineLock(self, IdleLock(client, idle_lock_minutes, clock))
        self.console.guard = self.lock
        self.reports = ReportCommands(self)
        self.commands: dict[str, Callable[[str], None]] = {
            "login": self.do_login, "logout": self.do_logout, "alerts": self.do_alerts,
            "my work": self.do_my_work, "referrals": self.do_referrals, "contact": self.do_contact,
            "decide": self.do_decide, "show": self.do_show, "help": self.do_help, "?": self.do_help,
            "lock": self.do_lock, "emergency": self.do_emergency, "who": self.do_who_has_seen,
            "for": self.do_for, "find": self.do_find, "search": self.do_find, "open": self.do_open,
            **{key: (lambda arg, key=key: self.do_section(key)) for key, _ in child_record.SECTIONS},
            "timescales": lambda arg: self.do_section("clocks"),
            "write": self.do_write, "continue": self.do_continue, "submit": self.do_submit,
            "complete": self.do_complete, "team": self.do_team, "read": self.do_read, "approve": self.do_approve,
            "return": self.do_return, "caseload": self.do_caseload, "drafts": self.do_drafts,
            "print": self.do_print, "letter": self.do_letter, "document": self.do_document, "sign": self.do_sign, "waiting": self.do_waiting, "allocate": self.do_allocate,
            "overdue": self.do_overdue, "extend": self.do_extend, "extensions": self.do_extensions,
            "reports": self.reports.do_reports, "report": self.reports.do_report, "save": self.reports.do_save,
        }
        self.last_drafts: list[caseload.DraftRow] = []
        self.team: team_view.TeamView | None = None
        self.last_templates: list[rpb.Template] = []
        self.editor: DocumentEditor | None = None
        self.last_matches: list[rpb.PersonMatch] = []
        self.open_record: child_record.ChildRecord | None = None

    # -- the loop -------------------------------------------------------------------------------
    def run(self) -> int:
        """Every answer is saved as it is given; a hangup also saves what is still only here
        (an answer whose save was under way) before leaving."""
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGHUP, _hung_up)
        try:
            return self._run()
        except HungUp:
            if self.open_draft is not None and self.open_draft.dirty:
                self.open_draft.flush(contact_title(self.open_draft.fields))
            self.stop_following_alerts()
            return HANGUP_EXIT_CODE
        finally:
            if previous is not None:
                signal.signal(signal.SIGHUP, previous)

    def _run(self) -> int:
        self.console.say("ICS line mode. Type login to start, help for the list of commands, or quit to leave.")
        while True:
            try:
                self.lock.before_prompt()  # before any news: nothing about a child while locked
                self.say_new_alerts()
                line = self.console.ask(PROMPT)
            except EndOfInput:
                self.finish()
                return 0
            except KeyboardInterrupt:
                self.console.say("")
                self.console.say("Type quit to leave.")
                continue
            except NotLoggedIn as exc:  # signed out at the lock
                self.console.say(str(exc))
                continue
            if not self.dispatch(line):
                return 0

    def dispatch(self, line: str) -> bool:
        """Runs one command line; False when the worker wants to leave."""
        words = line.strip()
        if not words:
            return True
        lowered = words.lower()
        if lowered in ("quit", "exit", "q", "bye"):
            self.finish()
            return False
        name, _, arg = lowered.partition(" ")
        if lowered.startswith("my work"):
            name, arg = "my work", lowered[len("my work"):]
        handler = self.commands.get(name)
        if handler is None:
            self.console.error(f"I don't know '{words}'. Type help for the list.")
            return True
        # Commands read their words lowercased; a name that is printed (an agency's) needs them as typed.
        self.typed_arg = words.partition(" ")[2].strip()
        try:
            handler(arg.strip())
        except EndOfInput:
            self.finish()
            return False
        except KeyboardInterrupt:
            self.console.say("")
            self.stopped()
        except NotLoggedIn as exc:
            self.console.say(str(exc))
        except ServiceError as exc:
            self.console.error(exc.message)
        return True

    def stopped(self) -> None:
        if self.open_draft is not None and self.open_draft.fields:
            self.flush_draft(self.open_draft)
            self.console.say("Stopped. Your contact is kept as a draft; type contact to carry on with it.")
        else:
            self.console.say("Stopped.")

    def finish(self) -> None:
        self.stop_following_alerts()
        if self.open_draft is not None and self.open_draft.dirty:
            self.flush_draft(self.open_draft, recover=False)
        if self.open_draft is not None and self.open_draft.fields:
            self.console.say("Your unfinished contact is kept; type contact next time to carry on with it.")
        self.console.say("Goodbye.")

    # -- sessions -------------------------------------------------------------------------------
    def require_login(self) -> None:
        if self.client.session.user is None:
            raise NotLoggedIn()

    def ensure_session(self) -> None:
        self.require_login()
        if not self.client.session.active:
            self.recover_session()

    def recover_session(self) -> None:
        self.console.say(SESSION_ENDED)
        for _ in range(LOGIN_TRIES):
            if self.login_once():
                return
        raise NotLoggedIn("Not logged in. Your typing is kept; type login, then try again.")

    def call(self, fn, *args, **kwargs):
        """Calls the service; when the session has ended, logs in again and repeats the call."""
        self.require_login()
        for _ in range(LOGIN_TRIES):
            try:
                return fn(*args, **kwargs)
            except SessionExpired:
                self.recover_session()
        return fn(*args, **kwargs)

    def login_once(self) -> bool:
        username = self.console.ask("Username:").strip()
        if not username:
            self.console.error("Enter your username.")
            return False
        password = self.console.ask_secret("Password:")
        try:
            user = self.client.login(username, password)
        except ServiceError as exc:
            if not needs_new_password(exc):
                self.console.error(exc.message)
                return False
            # An administrator reset the password: choose a new one now, in the same login.
            self.console.say(exc.message)
            new = self.console.ask_secret("New password:")
            if self.console.ask_secret("Type the new password again:") != new:
                self.console.error("The two new passwords are not the same; nothing was changed. Log in again.")
                return False
            try:
                user = self.client.login(username, password, new_password=new)
            except ServiceError as again:
                self.console.error(again.message)
                return False
            self.console.say("Your new password is set.")
        teams = " and ".join(self.client.team_label(t) for t in user.team_names)
        self.console.say(f"Logged in as {user.display_name}, username {user.username}" + (f", {teams}." if teams else "."))
        self.follow_alerts(user.name)
        return True

    # -- new alerts, between commands ---------------------------------------------------------------
    def follow_alerts(self, user: str) -> None:
        """From login on, a background thread collects new alerts; the prompt loop says them.
        Logging in again as the same worker carries on (and says what came meanwhile)."""
        if self.alerts is not None and self.alerts.user == user:
            return
        self.stop_following_alerts()
        self.alerts = AlertFollower(self.client, user).start()

    def stop_following_alerts(self) -> None:
        if self.alerts is not None:
            self.alerts.close()
            self.alerts = None
        self._alerts_quiet_noted = False

    def say_new_alerts(self) -> None:
        """Plain lines before the next prompt: one per new or newly overdue alert (one line
        counting them when there are many), and a note when they cannot arrive for a while."""
        if self.alerts is None:
            return
        for line in summary_text(self.alerts.take()):
            self.console.say(line)
        if self.alerts.state == RECONNECTING and self.alerts.quiet_for() >= ALERTS_QUIET_NOTE_SECONDS:
            if not self._alerts_quiet_noted:
                self._alerts_quiet_noted = True
                self.console.say("Note: new alerts cannot reach you just now; ICS keeps trying. "
                                 "Type alerts to check your list.")
        elif self.alerts.state == LIVE and self._alerts_quiet_noted:
            self._alerts_quiet_noted = False
            self.console.say("Note: new alerts are reaching you again.")

    def flush_draft(self, keeper: DraftKeeper, title: str = "", recover: bool = True) -> bool:
        """Saves the draft to the server; says so once when it cannot, and once when it can again."""
        title = title or contact_title(keeper.fields)
        saved = keeper.flush(title)
        if not saved and recover and self.client.session.user is not None and not self.client.session.token:
            self.recover_session()
            saved = keeper.flush(title)
        if not saved and not self._offline_noted:
            self._offline_noted = True
            self.console.say(f"Note: not saved to the server just now ({keeper.last_error.rstrip('.')}). "
                             "It will go to the server with your next answer.")
        elif saved and self._offline_noted:
            self._offline_noted = False
            self.console.say("Note: saved to the server again.")
        return saved

    # -- commands -------------------------------------------------------------------------------
    def do_login(self, arg: str) -> None:
        self.login_once()

    def do_logout(self, arg: str) -> None:
        if self.client.session.user is None:
            self.console.say("You are not logged in.")
            return
        if self.open_draft is not None and self.open_draft.dirty:
            self.flush_draft(self.open_draft, recover=False)
        self.stop_following_alerts()
        self.client.logout()
        self.open_draft = None
        self.last_referrals, self.last_clocks, self.last_list = [], [], ""
        self.last_matches, self.open_record = [], None  # nothing of a child stays for the next person
        self.reports.forget()
        self.editor = None
        self.console.say("Logged out.")

    def do_lock(self, arg: str) -> None:
        self.require_login()
        self.lock.hold(idle=False)

    def sign_out_locked(self) -> None:
        """Someone else at the keyboard signs the locked worker out; their draft is saved first.
        Raises NotLoggedIn, so whatever was being asked ends."""
        who = self.lock.policy.who
        self.stop_following_alerts()
        self.lock.policy.sign_out(self.open_draft, contact_title(self.open_draft.fields) if self.open_draft else "")
        self.open_draft = None
        self.last_referrals, self.last_clocks, self.last_list = [], [], ""
        self.last_matches, self.open_record = [], None  # nothing of a child stays for the next person
        self.reports.forget()
        self.editor = None
        self.console.say(self.lock.policy.signed_out_text(who))
        raise NotLoggedIn("Type login to log in.")

    def do_help(self, arg: str) -> None:
        for line in HELP:
            self.console.say(line)

    def do_alerts(self, arg: str) -> None:
        include_ended = arg in ("all", "ended")
        if arg and not include_ended:
            self.console.error("Type alerts, or alerts all to include ended ones.")
            return
        clocks = self.call(self.client.my_alerts, include_ended=include_ended)
        open_ = sorted((c for c in clocks if c.state == apb.CLOCK_STATE_OPEN),
                       key=lambda c: (c.due_date, c.person_display_name))
        ended = sorted((c for c in clocks if c.state != apb.CLOCK_STATE_OPEN),
                       key=lambda c: c.ended_date, reverse=True)
        clocks = open_ + ended
        self.last_clocks, self.last_list = clocks, "alerts"
        if self.alerts is not None:  # just read out: not again as news before the next prompt
            self.alerts.tracker.discard(c.name for c in clocks)
        overdue = sum(1 for c in open_ if c.overdue)
        count = f"{len(clocks)} alert{'s' if len(clocks) != 1 else ''}"
        if include_ended:
            self.console.say(f"You have {count}: {len(open_)} open, {len(ended)} ended.")
        else:
            self.console.say(f"You have {count}" + (f", {overdue} overdue." if overdue else "."))
        for number, clock in enumerate(clocks, 1):
            self.console.say(f"{number}. {clock_sentence(clock)}")

    def do_my_work(self, arg: str) -> None:
        self.do_alerts(arg)
        children = len(self.call(self.client.caseload))
        unfinished = len(self.call(caseload.load_drafts, self.client))
        self.console.say(f"{children} child{'ren' if children != 1 else ''} allocated to you, and {unfinished} "
                         f"unfinished piece{'s' if unfinished != 1 else ''} of work: type caseload or drafts.")

    def do_referrals(self, arg: str) -> None:
        referrals = self.call(self.client.list_referrals, state=rpb.REFERRAL_STATE_AWAITING_DECISION)
        self.last_referrals, self.last_list = referrals, "referrals"
        if not referrals:
            self.console.say("No referrals are waiting for a decision.")
            return
        count = len(referrals)
        self.console.say(f"{count} referral{'s are' if count != 1 else ' is'} waiting for a decision.")
        for number, referral in enumerate(referrals, 1):
            self.console.say(f"{number}. {referral_sentence(referral)}")
        self.console.say("Type decide and a number to decide one.")

    def do_find(self, arg: str) -> None:
        self.require_login()
        name, dob = child_record.split_query(arg)
        if not name and not dob:
            self.console.error("Type find and part of a name, and a date of birth if you know it.")
            return
        self.last_matches = self.call(self.client.search_people, name, date_of_birth=dob, limit=20)
        if not self.last_matches:
            self.console.say("No child known to you matches. Check the spelling, or try the date of birth.")
            return
        count = len(self.last_matches)
        self.console.say(f"{count} child{'ren' if count != 1 else ''} found.")
        for number, match in enumerate(self.last_matches, 1):
            self.console.say(f"{number}. {child_record.match_sentence(match)}")
        self.console.say("Type open and a number to open a record.")

    def do_open(self, arg: str) -> None:
        self.require_login()
        match = self._pick(arg, self.last_matches, "find", "open")
        if match is None:
            return
        self.open_record = self.call(child_record.load, self.client, match.person.name)
        self.console.say(f"Opened the record of {self.open_record.person.display_name}.")
        self.do_section("summary")

    def do_section(self, section: str) -> None:
        self.require_login()
        if self.open_record is None:
            self.console.error("Open a child's record first: find, then open and a number.")
            return
        self.console.say(f"{dict(child_record.SECTIONS)[section]}:")
        for line in child_record.section_lines(self.open_record, section):
            self.console.say(line)

    def do_write(self, arg: str) -> None:
        self.require_login()
        if self.open_record is None:
            self.console.error("Open a child's record first: find, then open and a number.")
            return
        if not arg:
            self.last_templates = self.call(self.client.templates)
            self.console.say(f"{len(self.last_templates)} kinds of record can be written.")
            for number, template in enumerate(self.last_templates, 1):
                self.console.say(f"{number}. {template.title}")
            self.console.say("Type write and a number to start one.")
            return
        template = self._pick(arg, self.last_templates, "write", "write")
        if template is None:
            return
        self.editor = self.call(DocumentEditor.start, self.client, self.open_record.person.name, template.template_id)
        DocumentWalk(self, self.editor).run()

    def _writing(self) -> DocumentEditor | None:
        self.require_login()
        if self.editor is None:
            self.console.error("You are not writing a record; open a child and type write.")
        return self.editor

    def do_continue(self, arg: str) -> None:
        if arg:
            self.require_login()
            draft = self._pick(arg, self.last_drafts, "drafts", "continue")
            if draft is None:
                return
            if not draft.document:
                ContactWalk(self).run()  # the contact draft is picked up where it was left
                return
            self.editor = self.call(DocumentEditor.open, self.client, draft.document)
        if self._writing():
            DocumentWalk(self, self.editor).run()

    def do_caseload(self, arg: str) -> None:
        self.require_login()
        entries = self.call(self.client.caseload)
        # `open N` opens from this list as it does from a find.
        self.last_matches = [rpb.PersonMatch(person=e.person) for e in entries]
        self.console.say(caseload.caseload_summary(entries) + ("." if entries else ""))
        for number, entry in enumerate(entries, 1):
            self.console.say(f"{number}. {caseload.caseload_sentence(entry)}")
        if entries:
            self.console.say("Type open and a number to open a record.")

    def do_drafts(self, arg: str) -> None:
        self.require_login()
        self.last_drafts = self.call(caseload.load_drafts, self.client)
        self.console.say(caseload.drafts_summary(self.last_drafts) + ("." if self.last_drafts else ""))
        for number, row in enumerate(self.last_drafts, 1):
            self.console.say(f"{number}. {row.sentence}")
        if self.last_drafts:
            self.console.say("Type continue and a number to carry on with one.")

    def _document_named(self, arg: str, command: str) -> str:
        """documents/N from "12" or "documents/12"; "" (said why) for anything else."""
        self.require_login()
        number = arg.removeprefix("documents/").strip()
        if not number.isdigit():
            self.console.error(f"Type {command} and the document's number, for example {command} 12 for "
                               "documents/12. The documents part of a child's record lists them.")
            return ""
        return f"documents/{number}"

    def do_print(self, arg: str) -> None:
        words = arg.split()
        if not (name := self._document_named(words[0] if words else "", "print")):
            return
        settings = printing.configured_output(self.client.targets)
        if len(words) > 1 and words[1].lower() in printing.AUDIENCES:
            typed = self.typed_arg.split() if len(self.typed_arg.split()) == len(words) else words
            if (audience := self._audience(words[1].lower(), typed[2:])) is not None:
                self.console.say(self.call(printing.print_copy, self.client, name, settings, audience=audience))
            return
        welsh = "welsh" in words or "cymraeg" in words
        family = welsh or "family" in words
        self.console.say(self.call(printing.print_copy, self.client, name, settings, family=family,
                                   language="cy" if welsh else "en"))

    def _audience(self, kind: str, rest: list[str]) -> printing.Audience | None:
        """print 12 court | conference [YYYY-MM-DD] | agency NAME, each with complete at the end for
        every question; None (said why) for anything else."""
        complete = bool(rest) and rest[-1].lower() == "complete"
        rest = rest[:-1] if complete else rest
        if kind == "court" and rest:
            self.console.error("Type print, the number and court, and complete for every question; nothing else "
                               "goes after court.")
            return None
        if kind == "conference" and len(rest) > 1:
            self.console.error("Type print, the number, conference and the conference's date as YYYY-MM-DD, "
                               "for example print 12 conference 2026-12-08.")
            return None
        return printing.audience_for(kind, " ".join(rest) if kind == "agency" else "",
                                     rest[0] if kind == "conference" and rest else "", complete)

    def do_letter(self, arg: str) -> None:
        self.require_login()
        number = arg.removeprefix("people/").strip()
        if not number.isdigit():
            self.console.error("Type letter and the child's record number, for example letter 3 for people/3.")
            return
        self.console.say(self.call(printing.print_copy, self.client, f"people/{number}",
                                   printing.configured_output(self.client.targets)))

    def do_document(self, arg: str) -> None:
        if name := self._document_named(arg, "document"):
            for line in printing.spoken_lines(self.call(printing.outline_of, self.client, name)):
                self.console.say(line)

    def do_sign(self, arg: str) -> None:
        if not (name := self._document_named(arg, "sign")):
            return
        values = {"who": ask_field(self.console, SIGN_FORM[0], 1, 1)}
        if not values["who"]:
            self.console.error("Say who is signing; nothing was signed.")
            return
        if choice_value(SIGN_FORM[0], values["who"]) in (1, 2):
            values["signer_name"] = self.console.ask("Their full name, as they signed:").strip()
        document = self.call(self.client.sign, sign_request(name, values))
        self.console.say(f"Signed. The {document.title} now carries {len(document.signatures)} signatures.")

    def do_waiting(self, arg: str) -> None:
        self.require_login()
        self.team = self.call(team_view.load, self.client)
        waiting = self.team.waiting
        self.console.say(f"{len(waiting)} case{'s' if len(waiting) != 1 else ''} waiting for a worker.")
        for number, entry in enumerate(waiting, 1):
            self.console.say(f"{number}. {caseload.waiting_sentence(entry)}")
        if waiting:
            self.console.say("Type allocate and a number to allocate one.")

    def do_allocate(self, arg: str) -> None:
        self.require_login()
        entry = self._pick(arg, self.team.waiting if self.team else [], "waiting", "allocate")
        if entry is None:
            return
        workers = self.team.workers
        self.console.say(f"Allocate {entry.person.display_name} to whom?")
        for number, user in enumerate(workers, 1):
            self.console.say(f"{number}. {team_view.worker_sentence(user)}")
        chosen = self.console.ask("The worker's number:").strip()
        if not chosen.isdigit() or not 1 <= int(chosen) <= len(workers):
            self.console.error(f"Give a number from 1 to {len(workers)}; nothing was allocated.")
            return
        reason = self.console.ask("Why this worker, or what the case needs (Enter for none):").strip()
        allocation = self.call(team_view.allocate, self.client, entry, workers[int(chosen) - 1], reason)
        self.team.waiting.remove(entry)
        self.console.say(team_view.allocated_sentence(allocation, entry))

    def do_overdue(self, arg: str) -> None:
        self.require_login()
        self.team = self.call(team_view.load, self.client)
        clocks = self.team.overdue_clocks
        self.console.say(f"{len(clocks)} overdue timescale{'s' if len(clocks) != 1 else ''} in your teams.")
        for number, clock in enumerate(clocks, 1):
            self.console.say(f"{number}. {team_view.overdue_clock_sentence(self.team, clock)}")
        if clocks:
            self.console.say("Type extend and a number to agree a new due date.")

    def do_extend(self, arg: str) -> None:
        self.require_login()
        clock = self._pick(arg, self.team.overdue_clocks if self.team else [], "overdue", "extend")
        if clock is None:
            return
        new_due = self.console.ask("The agreed new due date, as YYYY-MM-DD:").strip()
        reason = self.console.ask("Why the timescale does not fit this child:").strip() if new_due else ""
        problem = team_view.extension_problem(new_due, reason)
        if problem:
            self.console.error(problem)
            return
        extended = self.call(self.client.extend_clock, clock, new_due, reason)
        self.team.overdue_clocks.remove(clock)
        self.console.say(f"Extended: {clock_sentence(extended)}")

    def do_extensions(self, arg: str) -> None:
        self.require_login()
        changes = self.call(self.client.clock_changes)
        if not changes:
            self.console.say("No timescale in your teams has been extended or paused.")
            return
        self.console.say(f"{len(changes)} change{'s' if len(changes) != 1 else ''} to timescales, newest first.")
        for change in changes:
            self.console.say(team_view.change_sentence(change))

    def do_submit(self, arg: str) -> None:
        if self._writing():
            document = self.call(self.editor.submit)
            self.console.say(f"Submitted the {document.title} to your team leader for approval.")
            self.editor = None

    def do_complete(self, arg: str) -> None:
        if self._writing():
            document = self.call(self.editor.complete)
            self.console.say(f"Completed the {document.title}.")
            self.editor = None

    def do_team(self, arg: str) -> None:
        self.require_login()
        self.team = self.call(team_view.load, self.client)
        waiting = self.team.approvals
        self.console.say(f"{len(waiting)} piece{'s' if len(waiting) != 1 else ''} of work waiting for approval.")
        for number, document in enumerate(waiting, 1):
            self.console.say(f"{number}. {team_view.approval_sentence(document)}")
        self.console.say("Overdue work:")
        for line in team_view.overdue_lines(self.team):
            self.console.say(line)
        self.console.say(f"{len(self.team.waiting)} case{'s' if len(self.team.waiting) != 1 else ''} waiting for a "
                         "worker, and the extensions given: type waiting, overdue or extensions.")

    def _waiting(self, arg: str, command: str):
        return self._pick(arg, self.team.approvals if self.team else [], "team", command)

    def do_read(self, arg: str) -> None:
        self.require_login()
        document = self._waiting(arg, "read")
        if document is None:
            return
        editor = self.call(DocumentEditor.open, self.client, document.name)
        self.console.say(team_view.approval_sentence(document) + ".")
        for line in editor.answered_lines():
            self.console.say(line)

    def do_approve(self, arg: str) -> None:
        self.require_login()
        document = self._waiting(arg, "approve")
        if document is None:
            return
        done = self.call(self.client.approve, document)
        self.team.approvals.remove(document)
        self.console.say(f"Approved: the {done.title} is completed. Type team for the list again.")

    def do_return(self, arg: str) -> None:
        self.require_login()
        document = self._waiting(arg, "return")
        if document is None:
            return
        comments = self.console.ask("What needs changing? The worker reads this:").strip()
        if not comments:
            self.console.error("Returning work needs a comment; nothing was changed.")
            return
        self.call(self.client.send_back, document, comments)
        self.team.approvals.remove(document)
        self.console.say(f"Returned the {document.title} to {document.author.display_name} with your comments.")

    def do_emergency(self, arg: str) -> None:
        self.require_login()
        child = arg or self.console.ask("The child's record number or NHS number:").strip()
        if not child:
            self.console.error("Give the child's record number or NHS number; nothing was opened.")
            return
        reason = self.console.ask("Why can this not wait? Your team leaders will read this:").strip()
        if not reason:
            self.console.error("Emergency access needs a reason; nothing was opened.")
            return
        grant = self.call(self.client.break_glass, child, reason)
        until = datetime.fromtimestamp(grant.expire_time.seconds, LONDON)
        self.console.say(f"Emergency access to {grant.person_display_name} ({grant.person}) is open until "
                         f"{until:%H:%M} on {human_date(until.date().isoformat())}. Your team leaders have been told "
                         "and will review it.")

    def do_who_has_seen(self, arg: str) -> None:
        self.require_login()
        words = arg.removeprefix("has seen").strip()
        child = words or self.console.ask("The child's record number:").strip()
        if not child:
            self.console.error("Give the child's record number.")
            return
        report = self.call(self.client.access_report, child if child.startswith("people/") else f"people/{child}")
        for line in report.text.splitlines():
            self.console.say(line)

    def do_for(self, arg: str) -> None:
        self.require_login()
        if not arg or arg in ("nobody", "none", "me", "myself"):
            self.client.act_for("")
            self.console.say("You are recording as yourself.")
            return
        colleague = self.call(self.client.act_for, arg)
        self.console.say(f"You are now recording on behalf of {colleague.display_name}. Records show both of you. "
                         "Type for nobody to stop.")

    def do_contact(self, arg: str) -> None:
        self.require_login()
        ContactWalk(self).run()

    def _pick(self, arg: str, items: list, what: str, command: str):
        if not items:
            self.console.error(f"Type {what} first, then {command} and a number.")
            return None
        if not arg.isdigit() or not 1 <= int(arg) <= len(items):
            if len(items) == 1:
                self.console.error(f"There is only one; type {command} 1.")
                return None
            self.console.error(f"Type {command} and a number from 1 to {len(items)}, for example {command} 1.")
            return None
        return items[int(arg) - 1]

    def do_decide(self, arg: str) -> None:
        self.require_login()
        referral = self._pick(arg, self.last_referrals, "referrals", "decide")
        if referral is None:
            return
        if referral.state == rpb.REFERRAL_STATE_DECIDED:
            self.console.say(f"That referral for {referral.person_display_name} is already decided: "
                             f"{decision_label(referral.decision)}.")
            return
        self.console.say(f"Deciding the referral for {referral.person_display_name}, received "
                         f"{human_date(referral.received_date)}. Reason for contact: {referral.reason}")
        values = {"decision": "", "reason": ""}
        total = len(DECISION_FORM)
        asking = list(range(total))
        while True:
            for index in asking:
                field = DECISION_FORM[index]
                values[field.key] = ask_field(self.console, field, index + 1, total, values[field.key])
            decision = max(0, choice_value(DECISION_FORM[0], values["decision"]))
            try:
                decided = self.call(self.client.decide_referral, referral.name, decision, values["reason"],
                                    etag=referral.etag)
            except ServiceError as exc:
                self.console.error(exc.message)
                keys = {f.key: i for i, f in enumerate(DECISION_FORM)}
                asking = sorted({keys[k] for k in exc.violations if k in keys})
                for key, description in exc.violations.items():
                    label = DECISION_FORM[keys[key]].label if key in keys else key.replace("_", " ").capitalize()
                    self.console.say(f"{label}: {description}")
                if asking:
                    self.console.say("Please answer again: "
                                     f"{', '.join(DECISION_FORM[i].label for i in asking)}. Everything else is kept.")
                    continue
                if exc.code in ("UNAVAILABLE", "DEADLINE_EXCEEDED") and self.yes("Try again? yes or no:"):
                    continue
                self.console.say("The decision was not saved.")
                return
            self.console.say(f"Saved. Decision recorded: {decision_label(decided.decision)}.")
            self.last_referrals = [decided if r.name == decided.name else r for r in self.last_referrals]
            return

    def do_show(self, arg: str) -> None:
        self.require_login()
        if self.last_list == "referrals":
            referral = self._pick(arg, self.last_referrals, "referrals", "show")
            if referral is None:
                return
            referral = self.call(self.client.get_referral, referral.name)
            self.console.say(referral_sentence(referral))
            self.console.say(f"Held by {self.client.team_label(referral.team)}.")
            if referral.state == rpb.REFERRAL_STATE_DECIDED:
                self.console.say(f"Decided {human_date(referral.decided_date)} by "
                                 f"{referral.decided_by.display_name or referral.decided_by.username}: "
                                 f"{decision_label(referral.decision)}. Reason: {referral.decision_reason}")
            return
        clock = self._pick(arg, self.last_clocks, "alerts or referrals", "show")
        if clock is None:
            return
        self.console.say(clock_sentence(clock))
        self.console.say(f"Started {human_date(clock.start_date)}; due within {clock.counting or 'its timescale'}, "
                         "leaving out weekends, bank holidays and the council's closure days.")
        if clock.original_due_date and clock.original_due_date != clock.due_date:
            self.console.say(f"First due {human_date(clock.original_due_date)}; the due date was changed since.")
        me = self.client.session.user.name if self.client.session.user else ""
        held = "you" if clock.assignee and clock.assignee == me else self.client.team_label(clock.team)
        self.console.say(f"Held by {held}.")

    def yes(self, prompt: str) -> bool:
        while True:
            answer = self.console.ask(prompt).strip().lower()
            if answer in ("yes", "y"):
                return True
            if answer in ("no", "n"):
                return False
            self.console.error("Type yes or no.")

    # -- sentences that need a service ------------------------------------------------------------
    def decision_due(self, received_date: str) -> str:
        """The referral decision's due date, as the alerts service counts it ("" if it cannot say)."""
        try:
            return self.call(self.client.compute_due_date, "referral_decision", received_date)
        except (ServiceError, NotLoggedIn):
            return ""

    def draft_time(self, keeper: DraftKeeper) -> str:
        stamp = None
        if keeper.dirty and keeper.local_path.is_file():
            try:
                stamp = float(json.loads(keeper.local_path.read_text()).get("written_at") or 0) or None
            except (OSError, ValueError):
                stamp = None
        if stamp is None and keeper.name:
            try:
                drafts = self.call(self.client.list_drafts, keeper.kind)
            except ServiceError:
                drafts = []
            found = next((d for d in drafts if d.name == keeper.name), None)
            if found is not None and found.update_time.seconds:
                stamp = float(found.update_time.seconds)
        return spoken_time(stamp) if stamp else "earlier"


def spoken_time(stamp: float, now: datetime | None = None) -> str:
    when = datetime.fromtimestamp(stamp, LONDON)
    today = (now or datetime.now(LONDON)).astimezone(LONDON).date()
    clock = f"{when:%H:%M}"
    if when.date() == today:
        return f"today at {clock}"
    if when.date() == today - timedelta(days=1):
        return f"yesterday at {clock}"
    return f"{human_date(when.date().isoformat())} at {clock}"


def run(targets: Targets, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    client = IcsClient(targets)
    try:
        return LineApp(client, stdin or sys.stdin, stdout or sys.stdout,
                       idle_lock_minutes=configured_minutes(targets)).run()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away, e.g. piped into head: nobody to tell
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    finally:
        try:
            client.logout()
        except Exception:  # leaving anyway; the token expires on its own
            pass
        client.close()
