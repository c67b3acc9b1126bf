"""Management reports in the line mode (SPEC §6): `reports` numbers the reports this role may
read; `report N [from YYYY-MM-DD] [to YYYY-MM-DD] [team NAME or teams/N] [save]` says one, a
sentence a row (tui/core/reports.py, spoken); `save report` saves the last one's tables as CSV
in the folder set up for saved copies. Never imports Textual."""

from __future__ import annotations

from ics.common.v1 import reports_pb2 as rpb
from tui.core import printing, reports
from tui.core.errors import ServiceError

NO_REPORTS = "Your role has no management reports."
# Lines are left whole; the console cuts them into the terminal's rows at spaces.
WHOLE = 10_000
USAGE = ("Type report and a number from the reports list, then, if you like, from and a date, to and a date "
         "(as YYYY-MM-DD) and team and a team's name, for example report 1 from 2026-04-01 to 2026-09-30 "
         "team duty and assessment.")


def team_from(words: list[str], teams: dict[str, str]) -> str:
    """A team as typed ("duty and assessment", "teams/2", "2", or enough of a name to be the
    only one) as "teams/N"; ServiceError naming the teams when it is none or several."""
    typed = " ".join(words).strip().lower()
    if typed.removeprefix("teams/").isdigit():
        return f"teams/{typed.removeprefix('teams/')}"
    exact = [name for name, shown in teams.items() if shown.lower() == typed]
    partial = [name for name, shown in teams.items() if typed and typed in shown.lower()]
    found = exact or partial
    if len(found) == 1:
        return found[0]
    listed = "; ".join(f"{shown} ({name})" for name, shown in sorted(teams.items(), key=lambda t: t[1]))
    what = "more than one team" if found else "no team"
    raise ServiceError("INVALID_ARGUMENT", f"{typed or 'Nothing'} matches {what}. The teams are: {listed}.")


def parse(arg: str, teams: dict[str, str]) -> tuple[str, str, str, str, bool]:
    """`report`'s words: (number, from, to, team, save). ServiceError in a sentence otherwise."""
    words = arg.split()
    if not words or not words[0].isdigit():
        raise ServiceError("INVALID_ARGUMENT", USAGE)
    number, rest = words[0], words[1:]
    save = bool(rest) and rest[-1] == "save"
    rest = rest[:-1] if save else rest
    since = until = ""
    team_words: list[str] | None = None
    index = 0
    while index < len(rest):
        word = rest[index]
        # "to" may be part of a team's name; it starts the last day only before a date.
        if word in ("from", "to") and index + 1 < len(rest) and rest[index + 1][:1].isdigit():
            if word == "from":
                since = rest[index + 1]
            else:
                until = rest[index + 1]
            index += 2
            continue
        if word == "from":
            raise ServiceError("INVALID_ARGUMENT", "Type from and the period's first day as YYYY-MM-DD.")
        if word == "team" and team_words is None:
            team_words = []
        elif team_words is not None:
            team_words.append(word)
        else:
            raise ServiceError("INVALID_ARGUMENT", f"I don't know {word!r} here. {USAGE}")
        index += 1
    if team_words is not None and not team_words:
        raise ServiceError("INVALID_ARGUMENT", "Type team and the team's name, or teams/ and its number.")
    team = team_from(team_words, teams) if team_words else ""
    return number, since, until, team, save


class ReportCommands:
    """The line mode's report commands; `app` is the LineApp (its console, client and `call`)."""

    def __init__(self, app) -> None:
        self.app = app
        self.listed: list[reports.Available] = []
        self.last: tuple[rpb.Report, reports.Names] | None = None

    def forget(self) -> None:
        """On logout: a report may name children; nothing of it stays for the next person."""
        self.listed, self.last = [], None

    def do_reports(self, arg: str) -> None:
        self.app.require_login()
        self.listed = self.app.call(reports.available, self.app.client)
        say = self.app.console.say
        if not self.listed:
            say(NO_REPORTS)
            return
        say(f"{len(self.listed)} report{'s' if len(self.listed) != 1 else ''} you may read:")
        for number, item in enumerate(self.listed, 1):
            say(f"{number}. {item.title}: {item.description}")
        say("Type report and a number to hear one; add from and to with dates, or team and a team's name, "
            "to narrow it. The period is from 1 April to today unless you say.")

    def do_report(self, arg: str) -> None:
        self.app.require_login()
        if arg == "save" or arg.startswith("save "):  # "report save": the last one heard
            self.do_save("report")
            return
        number, since, until, team, save = parse(arg, self.app.client.session.teams)
        if not self.listed:
            self.listed = self.app.call(reports.available, self.app.client)
            if not self.listed:
                self.app.console.say(NO_REPORTS)
                return
        if not 1 <= int(number) <= len(self.listed):
            self.app.console.error(f"Give a number from 1 to {len(self.listed)}; type reports for the list.")
            return
        chosen = self.listed[int(number) - 1]
        self.app.console.say(f"Fetching {chosen.title}…")
        report = self.app.call(reports.fetch, self.app.client, chosen.name, since, until, team, chosen.service)
        names = reports.Names.of(self.app.client)
        self.last = (report, names)
        for line in reports.report_lines(report, names, WHOLE, spoken=True):
            self.app.console.say(line)
        if save:
            self.do_save("report")
        else:
            self.app.console.say("Type save report to save its tables as CSV files.")

    def do_save(self, arg: str) -> None:
        self.app.require_login()
        if arg not in ("report", "reports", "the report"):
            self.app.console.error("Type save report to save the last report you heard as CSV files.")
            return
        if self.last is None:
            self.app.console.error("Hear a report first: type reports, then report and a number.")
            return
        report, names = self.last
        self.app.console.say(reports.save_csv(report, names, printing.configured_output(self.app.client.targets)))
