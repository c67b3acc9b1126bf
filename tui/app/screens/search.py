"""Find a child: type part of a name (spelling need not be exact) and, if known, a date of birth;
the matches show as you pause. Enter opens the highlighted child's record."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Static

from tui.app import bindings
from tui.app.screens.base import ListTable, ServiceScreen, StatusLine, key_footer
from tui.core.child_record import match_sentence, split_query

# Searches wait for this pause in typing, so a fast typist sends one search, not one per key.
SEARCH_PAUSE_SECONDS = 0.3


class SearchScreen(ServiceScreen):
    BINDINGS = bindings.SEARCH
    AUTO_FOCUS = "#query"

    def __init__(self) -> None:
        super().__init__()
        self.matches: list = []
        self._timer = None
        self._asked = ""

    def compose(self) -> ComposeResult:
        yield Static("Find a child", id="heading", classes="heading")
        yield Input(placeholder="Name, and date of birth YYYY-MM-DD if known", id="query")
        yield ListTable(id="matches", cursor_type="row", show_header=not self.app.large)
        yield StatusLine("Type part of a name; spelling need not be exact.", id="status")
        yield key_footer(self.app)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_PAUSE_SECONDS, self.search)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.matches:
            self.query_one(DataTable).focus()
            self.status.say("Arrows choose a child; Enter opens the record; Shift+Tab goes back to the search.")
        else:
            self.search()

    def search(self) -> None:
        words = self.query_one("#query", Input).value.strip()
        name, dob = split_query(words)
        if not name and not dob:
            return
        self._asked = words
        self.call_service(lambda client: client.search_people(name, date_of_birth=dob, limit=20),
                          lambda found, asked=words: self._found(asked, found), group="search")

    def _found(self, asked: str, found: list) -> None:
        if asked != self._asked:  # a later search is on its way
            return
        self.matches = found
        self.query_one(ListTable).show_sentences([match_sentence(m) for m in found],
                                                 [m.person.name for m in found], heading="Child")
        count = len(found)
        self.status.say(f"{count} child{'ren' if count != 1 else ''} found. Down arrow to the list, Enter to open."
                        if count else "No child known to you matches. Check the spelling, or try the date of birth.")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self.matches or table.cursor_row is None:
            self.status.error("Search first, then choose a child.")
            return
        from tui.app.screens.child import ChildScreen

        self.app.push_screen(ChildScreen(self.matches[table.cursor_row].person.name))

    def action_back(self) -> None:
        self.close(None)
