"""`ics admin report`: a management report as CSV, or as text, with a named user's access.

A report is asked of the running services as that user, exactly as the TUI asks, so a team
leader's CSV holds their teams only and a performance officer's holds counts, not children.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from tui.core import reports
from tui.core.errors import ServiceError


def add_parsers(admin_subparsers, common) -> None:
    report = admin_subparsers.add_parser(
        "report", help="a management report (timeliness, work with no end, recording quality, decisions, "
                       "demand, equality, time spent) as CSV or text, as a named user")
    report.add_argument("name", help="the report's name, or `list` for every report there is")
    report.add_argument("--user", required=True, help="whose access the report is produced with (their username)")
    report.add_argument("--password-stdin", action="store_true", help="read their password from stdin")
    report.add_argument("--from", dest="from_date", default="", metavar="YYYY-MM-DD",
                        help="the period's first day (default: 1 April before the last day)")
    report.add_argument("--to", dest="to_date", default="", metavar="YYYY-MM-DD", help="the last day (default today)")
    report.add_argument("--team", default="", metavar="teams/N", help="one team (default: every team you may see)")
    report.add_argument("--out", metavar="DIR", help="write every table as DIR/<report>-<table>.csv (0600)")
    report.add_argument("--table", default="", metavar="KEY",
                        help="without --out: which table to print as CSV (default the first)")
    report.add_argument("--text", action="store_true", help="print the whole report as text instead of CSV")
    report.add_argument("--width", type=int, default=100, help="with --text: columns to fit (default 100)")
    common(report)


def run(args, targets) -> int:
    from tui.core.client import IcsClient

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(f"{args.user}'s password: ")
    client = IcsClient(targets)
    try:
        client.login(args.user, password)
        if args.name == "list":
            for item in reports.available(client):
                print(f"{item.name}: {item.title}. {item.description}")
            return 0
        report = reports.fetch(client, args.name, args.from_date, args.to_date, args.team)
        names = reports.Names.of(client)
        if args.out:
            for path in reports.write_csv_files(report, names, Path(args.out)):
                print(f"Wrote {path}")
            for note in report.notes:
                print(note)
            return 0
        if args.text:
            print("\n".join(reports.report_lines(report, names, args.width)))
            return 0
        if not report.tables:
            print("This report has no table you may see. " + " ".join(report.notes), file=sys.stderr)
            return 1
        table = reports.find_table(report, args.table) if args.table else report.tables[0]
        sys.stdout.write(reports.table_csv(table, names))
        others = [t.key for t in report.tables if t.key != table.key]
        if others:
            print(f"Other tables: {', '.join(others)} (--table KEY, or --out DIR for all).", file=sys.stderr)
        return 0
    except ServiceError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        client.close()
