"""Every key the app answers, in one place, each with a stable id so a council (or a worker
with a keymap file) can rebind it with `App.set_keymap` without touching the screens."""

from __future__ import annotations

from textual.binding import Binding

from tui.core.child_record import SECTIONS

# Not in the footer: each screen shows its own way out (q, Escape), and the line is short at 40 columns.
QUIT = Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False,
               tooltip="Leave ICS; a form you were typing is saved as a draft first")

# Lock at once, before leaving the desk. Not ctrl+l: the contact form uses it for the known
# children, and a key that locks on one screen but not another would leave a screen showing a
# child's details to whoever sits down next. Priority, so it works inside any field.
LOCK = Binding("f12", "lock", "Lock screen", id="app.lock", priority=True, show=False,
               tooltip="Lock the screen now; your password unlocks it and your work is kept")

HELP = Binding("f1", "toggle_help", "Help", id="app.help", priority=True, show=False,
               tooltip="Every key of this screen, and help for the field you are in")

# Tab, and Enter on the login screen, are priority bindings so focus moves the moment they
# arrive. Otherwise a burst of keys (typeahead over a slow SSH link, a password manager) lands
# in the field being left: Textual hands later keys to the old field before a normal Tab runs.
# Saving keys are not priority, so they run only after the field has taken every earlier key.
NEXT_FIELD = [
    Binding("tab", "app.focus_next", "Next field", id="app.next_field", priority=True, show=False),
    Binding("shift+tab", "app.focus_previous", "Previous field", id="app.previous_field",
            priority=True, show=False),
]

LOGIN = [
    Binding("enter", "submit", "Log in", id="login.submit", priority=True,
            tooltip="From the username, go to the password; from the password, log in"),
    Binding("escape", "app.quit", "Quit", id="login.quit", tooltip="Leave ICS"),
]

LOCKED = [
    Binding("enter", "unlock", "Unlock", id="lock.unlock", priority=True,
            tooltip="Check the password and go back to exactly where you were"),
    Binding("ctrl+o", "sign_out", "Sign out", id="lock.sign_out",
            tooltip="Not the worker signed in? Sign them out; their work is kept as a draft"),
]

def view_keys(screen: str, views: tuple[tuple[str, str, str], ...]) -> list[Binding]:
    """Keys 1, 2, 3... for a screen's views, each (key, label, help). Not in the footer, which is
    full: the line under the heading shows them."""
    return [Binding(str(n), f"view('{key}')", label, id=f"{screen}.view_{key}", show=False, tooltip=tip)
            for n, (key, label, tip) in enumerate(views, 1)]


MY_WORK_VIEWS = (("alerts", "Alerts", "Your timescales and referrals to decide"),
                 ("caseload", "Caseload", "Children allocated to you"),
                 ("drafts", "Drafts", "Records you have not finished"))

MY_WORK = [
    *view_keys("work", MY_WORK_VIEWS),
    Binding("n", "new_contact", "New contact", id="work.new_contact",
            tooltip="Record a new contact about a child (your draft is reopened if you have one)"),
    Binding("d", "decide", "Decide", id="work.decide", tooltip="Decide the highlighted referral"),
    Binding("slash", "search", "Find a child", id="work.search",
            tooltip="Search for a child by name and date of birth, and open their record"),
    Binding("t", "team", "Team", id="work.team",
            tooltip="Team leaders: work waiting for your approval, and overdue work by worker"),
    Binding("e", "emergency", "Emergency access", id="work.emergency",
            tooltip="Open a restricted child's record in an emergency, giving a reason"),
    Binding("r", "refresh", "Refresh", id="work.refresh", tooltip="Fetch My work again now"),
    # Capital R: r is refresh. Offered only to a role with reports (MyWorkScreen.check_action).
    Binding("R", "reports", "Reports", id="work.reports",
            tooltip="Management reports: timeliness, work with no end and the others your role may read"),
    Binding("q", "app.quit", "Quit", id="work.quit", tooltip="Leave ICS"),
]

CONTACT = [
    Binding("ctrl+s", "record", "Record", id="contact.record",
            tooltip="Record this contact; it becomes a referral awaiting decision"),
    Binding("escape", "back", "Back", id="contact.back",
            tooltip="Back to My work; what you typed stays as a draft"),
    Binding("ctrl+l", "known_children", "Known children", id="contact.known_children",
            tooltip="Go to the list of known children who may be this child"),
    Binding("ctrl+n", "new_child", "New child instead", id="contact.new_child",
            tooltip="Stop using the known child and describe a new one"),
]

DECISION = [
    Binding("ctrl+s", "save", "Save decision", id="decision.save",
            tooltip="Save this decision on the referral"),
    Binding("escape", "back", "Back", id="decision.back", tooltip="Back to My work without deciding"),
]

SEARCH = [
    Binding("escape", "back", "Back", id="search.back", tooltip="Back to My work"),
]

CHILD = [
    *(Binding(str(n), f"section({n})", label, id=f"child.section_{key}", show=n <= 3,
              tooltip=f"Show the child's {label.lower()}")
      for n, (key, label) in enumerate(SECTIONS, 1)),
    Binding("w", "write", "Write", id="child.write",
            tooltip="Write a record for this child (an assessment, a plan, a review...)"),
    Binding("o", "open_document", "Open a document", id="child.open_document",
            tooltip="Choose one of the child's documents: carry on writing your own, or read it and print it"),
    Binding("L", "family_letter", "Letter to the family", id="child.family_letter",
            tooltip="Team leaders: print or save the letter telling the family how their records are kept, who "
                    "can see them and who has"),
    Binding("escape", "back", "Back", id="child.back", tooltip="Back to the search"),
]

CHOOSER = [
    Binding("escape", "back", "Back", id="chooser.back", tooltip="Back without choosing"),
]

# A narrative field's own key, wherever the field appears. Not F7: TextArea itself binds F6 and F7
# (select line, select all).
FIX_SPELLING = Binding("f8", "fix_spelling", "Fix spelling", id="field.fix_spelling",
                       tooltip="Replace the misspelt word at the cursor with the first suggestion "
                               "listed under the field")

READER = [
    Binding("p", "print", "Print or save", id="reader.print",
            tooltip="Send this document to the printer, or save a copy, as ICS is set up on this server"),
    Binding("f", "print(True)", "Family's copy", id="reader.print_family",
            tooltip="Print or save the family's plain-language copy: the template's family wording, only what "
                    "was said"),
    Binding("y", "print(True, 'cy')", "Welsh copy", id="reader.print_family_welsh",
            tooltip="Print or save the family's copy in Welsh (Copi Cymraeg i'r teulu)"),
    Binding("c", "professional_copy", "Copy for court…", id="reader.print_professional",
            tooltip="Print or save a copy for a court, a child protection conference or another agency: it says "
                    "whom it was prepared for"),
    Binding("s", "sign", "Record a signature", id="reader.sign",
            tooltip="A parent, carer or the child signs in front of you, or you sign as another professional; "
                    "only a completed document can be signed"),
    Binding("escape", "back", "Back", id="reader.back", tooltip="Back to the child's record"),
]

DOCUMENT = [
    Binding("ctrl+s", "save", "Save", id="document.save", tooltip="Save now (answers also save as you leave a field)"),
    # Not ctrl+u: every text field uses it to delete to the start of the line.
    Binding("f10", "submit", "Submit", id="document.submit", priority=True,
            tooltip="Send it to your team leader for approval; the required answers must be there"),
    Binding("f9", "print", "Print or save", id="document.print", priority=True,
            tooltip="Save, then print this document or save a copy, as ICS is set up on this server"),
    Binding("escape", "back", "Back", id="document.back", tooltip="Back; everything answered is kept"),
]

TEAM_VIEWS = (("approvals", "Approvals", "Work waiting for your approval"),
              ("overdue", "Overdue", "Overdue timescales, by worker"),
              ("waiting", "Waiting", "Cases with nobody allocated"),
              ("extensions", "Extensions", "Extensions given, and why"))

TEAM = [
    *view_keys("team", TEAM_VIEWS),
    Binding("l", "allocate", "Allocate", id="team.allocate",
            tooltip="Allocate the highlighted waiting case to a worker"),
    Binding("x", "extend", "Extend", id="team.extend",
            tooltip="Agree a new due date for the highlighted overdue timescale, giving the reason"),
    Binding("a", "approve", "Approve", id="team.approve", tooltip="Approve the highlighted work: it is completed"),
    Binding("r", "send_back", "Return", id="team.return",
            tooltip="Return the highlighted work to the worker with the comments you typed below"),
    Binding("escape", "back", "Back", id="team.back", tooltip="Back to My work"),
]

def small_form(name: str, send: str, send_id: str, send_tip: str, back_tip: str) -> list[Binding]:
    """A short form's keys (tui/app/screens/small_form.py): Ctrl+S sends it, Escape goes back."""
    return [Binding("ctrl+s", "send", send, id=f"{name}.{send_id}", tooltip=send_tip),
            Binding("escape", "back", "Back", id=f"{name}.back", tooltip=back_tip)]


EMERGENCY = small_form("emergency", "Open in an emergency", "open",
                       "Open the record for 8 hours; your team leaders are told and review it",
                       "Back to My work; nothing is opened")
SIGN = small_form("sign", "Sign", "save",
                  "Add the signature to the completed document; it is sealed with the document's fingerprint",
                  "Back to the document; nothing is signed")
ALLOCATE = small_form("allocate", "Allocate", "save",
                      "Allocate the case to the chosen worker from today; they can open the record at once",
                      "Back to the team view; nothing is allocated")
EXTEND = small_form("extend", "Extend", "save",
                    "Move the due date to the one agreed; the reason is kept and shown in the team's extensions",
                    "Back to the team view; nothing is changed")

REPORTS = [
    Binding("escape", "back", "Back", id="reports.back", tooltip="Back to My work"),
]
REPORT_FORM = small_form("report_form", "Show the report", "show",
                         "Fetch the report for this period and team; empty dates mean 1 April to today",
                         "Back to the list of reports")
REPORT = [
    Binding("s", "save", "Save as CSV", id="report.save",
            tooltip="Save every table of this report as a CSV file in the folder set up for saved copies"),
    Binding("escape", "back", "Back", id="report.back", tooltip="Back to the list of reports"),
]

KEYS = [
    Binding("escape", "back", "Back", id="keys.back", tooltip="Back to where you were"),
    Binding("f1", "back", "Back", id="keys.close", priority=True, tooltip="Back to where you were"),
]

DUPLICATE = [
    Binding("u", "choose('use')", "Use known child", id="duplicate.use",
            tooltip="Record the contact about the child already known"),
    Binding("c", "choose('different')", "New child", id="duplicate.different",
            tooltip="Confirm this is a different child and record them as new"),
    Binding("escape", "choose('back')", "Back", id="duplicate.back", tooltip="Back to the form to check"),
]
