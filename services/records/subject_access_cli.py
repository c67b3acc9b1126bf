"""`ics admin sar ...`: subject access requests at the server's console (services/records/subject_access.py).

    ics admin sar open people/N --requester TEXT [--received YYYY-MM-DD]
    ics admin sar list
    ics admin sar items SAR_ID
    ics admin sar show SAR_ID ITEM
    ics admin sar redact SAR_ID ITEM (--text "..." | --withhold) --reason REASON [--note ...]
    ics admin sar unredact SAR_ID REDACTION_ID --note ...
    ics admin sar log SAR_ID
    ics admin sar release SAR_ID --out DIR

Every command takes --officer NAME (default: the console's login name), recorded as who did it.
The commands open the records database directly, as `ics admin generate` does, and act as the
console principal (subject_access.console_principal), audited against the person.

Wired into services/cli.py by `add_parsers(asub, _common)` in parser() and `run(args, config)`
from cmd_admin when args.admin == "sar"; also runnable on its own as
`python -m services.records.subject_access_cli [--data DIR] sar ...` (the same arguments).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from services.common.dates import human
from services.common.errors import IcsError, InvalidArgument
from services.records import subject_access as sar

COMMANDS = ("open", "list", "items", "show", "redact", "unredact", "log", "release")


def add_parsers(admin_subparsers, common) -> None:
    """Adds `sar` to `ics admin`. `common(parser)` adds --data and --config to a parser: from
    services/cli.py, `lambda p: _common(p, nested=True)`, so they work after any word without
    resetting a value given before it."""
    top = admin_subparsers.add_parser("sar", help="subject access requests: gather everything held about a "
                                                  "person, redact third parties, release a copy and its log")
    common(top)
    sub = top.add_subparsers(dest="sar_command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help_text, description=help_text)
        common(parser)
        parser.add_argument("--officer", metavar="NAME",
                            help="who is doing this, for the audit and the redaction log (default: your login name)")
        return parser

    opened = command("open", "open a request for a person and gather every item held about them")
    opened.add_argument("person", help="the person's record, people/N")
    opened.add_argument("--requester", required=True,
                        help='who asked, e.g. "the young person themself" or "mother, with consent"')
    opened.add_argument("--received", metavar="YYYY-MM-DD", default="", help="when it was received (default today)")
    command("list", "every request, newest first")
    listed = command("items", "a request's items, numbered, one line each")
    listed.add_argument("request", metavar="SAR_ID")
    shown = command("show", "one item's text as held, then as it will be released")
    shown.add_argument("request", metavar="SAR_ID")
    shown.add_argument("item", metavar="ITEM", help="its number in `items`, or its id such as documents/12")
    red = command("redact", "remove exact words from an item, or withhold the whole item, with a reason")
    red.add_argument("request", metavar="SAR_ID")
    red.add_argument("item", metavar="ITEM", help="its number in `items`, or its id such as documents/12")
    what = red.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", help="the exact words to remove (every place they occur in the item)")
    what.add_argument("--withhold", action="store_true", help="withhold the whole item")
    red.add_argument("--reason", required=True, choices=sorted(sar.REASONS),
                     help="; ".join(f"{k}: {v}" for k, v in sar.REASONS.items()))
    red.add_argument("--note", default="", help="why, for the redaction log")
    undo = command("unredact", "undo a redaction before release (it stays in the log, marked undone)")
    undo.add_argument("request", metavar="SAR_ID")
    undo.add_argument("redaction", metavar="REDACTION_ID", help="the number `show` or `redact` gave it")
    undo.add_argument("--note", required=True, help="why it is undone")
    log = command("log", "the redaction log so far (for the council's file; it quotes the removed words)")
    log.add_argument("request", metavar="SAR_ID")
    out = command("release", "write the redacted copy (.txt and .pdf) and the redaction log, and close the request")
    out.add_argument("request", metavar="SAR_ID")
    out.add_argument("--out", required=True, metavar="DIR", help="an existing folder; no file there is replaced")


def _officer(args) -> str:
    if getattr(args, "officer", None):
        return args.officer
    try:
        return getpass.getuser()
    except Exception:  # no login name in a bare container: the console's own name is used
        return ""


def run(args, config) -> int:
    """One `ics admin sar` command; 0 done, 1 refused (the reason on stderr), 2 bad usage."""
    from services.common.db import Database
    from services.records.template_library import TemplateLibrary

    principal = sar.console_principal(_officer(args))
    db = Database(config["records"].database_url)
    try:
        command = args.sar_command
        if command == "open":
            library = TemplateLibrary.load(council_dir=config["records"].templates_dir or None)
            opened = db.write_sync(lambda s: _open(s, principal, library, args))
            print(opened)
        elif command == "list":
            print(db.write_sync(lambda s: _list(s, principal)))
        elif command == "items":
            print(db.write_sync(lambda s: _items(s, principal, args)))
        elif command == "show":
            print(db.write_sync(lambda s: _show(s, principal, args)))
        elif command == "redact":
            print(db.write_sync(lambda s: _redact(s, principal, args)))
        elif command == "unredact":
            print(db.write_sync(lambda s: _unredact(s, principal, args)))
        elif command == "log":
            print(db.write_sync(lambda s: _log(s, principal, args)), end="")
        elif command == "release":
            print(_release(db, principal, args))
        else:
            return 2
        return 0
    except IcsError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        db.dispose()


def _open(session, principal, library, args) -> str:
    opened = sar.open_request(session, principal, library, args.person, args.requester, args.received)
    row = opened.request
    lines = [f"Opened {sar.COLLECTION}/{row.id} for people/{row.person_id}: received "
             f"{human(row.received_date)}, due {human(row.due_date)} (one calendar month).",
             f"Gathered {len(opened.items)} items; `ics admin sar items {row.id}` lists them."]
    return "\n".join(lines + [f"Note: {n}" for n in opened.notices])


def _list(session, principal) -> str:
    rows = sar.list_requests(session, principal)
    return "\n".join(sar.describe_request(row, name) for row, name in rows) or "There are no subject access requests."


def _items(session, principal, args) -> str:
    row, listed = sar.items(session, principal, args.request)
    head = f"{sar.COLLECTION}/{row.id}: {len(listed)} items" + (" (released; no more changes)"
                                                               if row.state != sar.OPEN else "")
    return "\n".join([head] + [sar.summary_line(item, live) for item, live in listed])


def _show(session, principal, args) -> str:
    view = sar.show(session, principal, args.request, args.item)
    item = view.item
    lines = [f"Item {item.position} ({item.item_id}), {sar.KIND_WORDS.get(item.kind, 'item')}:", "",
             "As held:", *_indented(item.text)]
    if view.redactions:
        lines += ["", "Redactions:"] + [
            f"{sar.INDENT}{r.id}: " + ("withheld in full" if r.withhold else f"\"{r.text}\"")
            + f" ({sar.REASONS[r.reason]}), by {r.made_by_name}" for r in view.redactions]
        lines += ["", "As it will be released:", *_indented(view.redacted_text)]
    else:
        lines += ["", "No redactions: it will be released as held."]
    return "\n".join(lines)


def _indented(text: str) -> list[str]:
    return [sar.INDENT + line if line.strip() else "" for line in text.splitlines()]


def _redact(session, principal, args) -> str:
    made = sar.redact(session, principal, args.request, args.item, args.reason, text=args.text or "",
                      withhold=args.withhold, note=args.note or "")
    what = "Withheld the whole item" if made.withhold else "Redacted those words"
    return f"{what} ({made.item_id}) as {sar.REASONS[made.reason]}: redaction {made.id}."


def _unredact(session, principal, args) -> str:
    undone = sar.unredact(session, principal, args.request, args.redaction, args.note)
    return f"Undid redaction {undone.id} on {undone.item_id}; the log keeps it, marked undone."


def _log(session, principal, args) -> str:
    return sar.read_log(session, principal, args.request)


def _release(db, principal, args) -> str:
    """The files are written inside the release's transaction: if one cannot be written, what was
    written is removed and the request stays open; no file is ever replaced."""
    folder = Path(args.out).expanduser()
    if not folder.is_dir():
        raise InvalidArgument(f"{folder} is not a folder; make it first (only the officer should be able to "
                              "read it). Nothing was released.")
    number = sar.request_id_of(args.request)
    stem = f"subject-access-request-{number}"
    paths = [folder / f"{stem}.txt", folder / f"{stem}.pdf", folder / f"{stem}-redaction-log.txt"]
    taken = [p for p in paths if p.exists()]
    if taken:
        raise InvalidArgument(f"{taken[0]} already exists and is never replaced: choose another folder. "
                              "Nothing was released.")

    def release(session):
        done = sar.release(session, principal, number)
        written: list[Path] = []
        try:
            for path, data in zip(paths, (done.text.encode("utf-8"), done.pdf, done.log.encode("utf-8"))):
                _write_new(path, data)
                written.append(path)
        except OSError as exc:
            for path in written:
                path.unlink(missing_ok=True)
            raise InvalidArgument(f"Could not write {path}: {exc.strerror or exc}. Nothing was released; the "
                                  "request is still open.") from None
        return done

    done = db.write_sync(release)
    return "\n".join([f"Released {sar.COLLECTION}/{done.request.id}; it is now closed.",
                      f"The copy for the person who asked: {paths[0]} and {paths[1]}",
                      f"The redaction log, for the council's file only (it quotes the removed words): {paths[2]}"])


def _write_new(path: Path, data: bytes) -> None:
    """Created, never replaced, readable by the officer alone (0600) from the first byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    os.chmod(path, 0o600)  # O_CREAT's mode is narrowed by the umask, never widened; make it exact


def parser() -> argparse.ArgumentParser:
    """The same commands as `ics admin sar`, for running this module on its own."""
    from services.cli import _common

    top = argparse.ArgumentParser(prog="python -m services.records.subject_access_cli")
    _common(top)
    add_parsers(top.add_subparsers(dest="admin", required=True), lambda p: _common(p, nested=True))
    return top


def main(argv: list[str] | None = None) -> int:
    """Configuration as every `ics admin` command loads it (services/cli.py _config), then run."""
    from services.cli import _config
    from services.common.config import ConfigError

    from sqlalchemy.exc import OperationalError, ProgrammingError

    args = parser().parse_args(argv)
    try:
        return run(args, _config(args))
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except (OperationalError, ProgrammingError) as exc:  # as `ics admin` says it (services/cli.py main)
        print("Error: the records database is not set up for this command (or cannot be reached). Run "
              f"`ics admin migrate records` with the same --data or --config first.\nDetail: {exc.orig}",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
