"""`ics admin share export|import|schema`: inter-agency messages from the server's console.

The commands open the records database directly, as `ics admin generate` does, and act as the
user named with --as: the principal is built from identity's own tables exactly as identity
builds it for a login (services/identity/store.principal_for), so the user's roles and teams
decide what may be exported or recorded, and the records audit names them. The console already
holds the databases' credentials, so --as narrows what it does rather than proving anyone's
identity; an export's audit detail says it left from the console.

Until services/cli.py wires `add_parsers` in, the same commands run as
`python -m services.records.interchange.cli share ...`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from services.common.config import IcsConfig, load_config

# The council's own name and code for the messages it sends, until configuration carries them.
AGENCY_NAME_ENV, AGENCY_CODE_ENV = "ICS_AGENCY_NAME", "ICS_AGENCY_CODE"
DEFAULT_AGENCY = ("Children's social care (ICS)", "ICS")
VIA = " from the server console"


def _add_common(common, parser) -> None:
    try:
        common(parser, nested=True)
    except TypeError:  # handed a one-argument wrapper that already nests
        common(parser)


def add_parsers(admin_subparsers, common) -> None:
    """Adds `ics admin share ...` to the `ics admin` subcommands (services/cli.py); `common` is
    services/cli.py's _common, which adds --data and --config."""
    share = admin_subparsers.add_parser(
        "share", help="export a referral or shared sections for another agency; import one they sent")
    _add_common(common, share)
    sub = share.add_subparsers(dest="share", required=True)

    export = sub.add_parser("export", help="a referral (referrals/N), or completed records of a child (people/N), "
                                           "as an inter-agency message file")
    export.add_argument("subject", help="referrals/N, or people/N to share completed records with no referral")
    export.add_argument("--with", dest="documents", action="append", default=[], metavar="documents/M",
                        help="a completed document whose sections go with it (repeat)")
    export.add_argument("--out", required=True, metavar="FILE.json", help="the message file to write (must not exist)")
    export.add_argument("--as", dest="as_user", required=True, metavar="USERNAME",
                        help="whose access decides what may be shared; the audit names them")
    export.add_argument("--for", dest="recipient", metavar="AGENCY", help="the agency it is for, by name")
    export.add_argument("--for-code", dest="recipient_code", metavar="CODE", help="that agency's code")
    export.add_argument("--from-name", metavar="NAME",
                        help=f"this council's name as sender (default ${AGENCY_NAME_ENV})")
    export.add_argument("--from-code", metavar="CODE",
                        help=f"this council's code, e.g. its ONS code (default ${AGENCY_CODE_ENV})")

    imp = sub.add_parser("import", help="record a message another agency sent: a referral becomes a contact")
    imp.add_argument("file", metavar="FILE.json")
    imp.add_argument("--as", dest="as_user", required=True, metavar="USERNAME",
                     help="the duty worker it is recorded as")
    imp.add_argument("--child", metavar="people/N",
                     help="the child it is about, when ICS found one with the same name and date of birth")
    imp.add_argument("--new-child", action="store_true",
                     help="confirm it is a different child from the one with a similar name and date of birth")

    schema = sub.add_parser("schema", help="where the message schema is, and which versions this ICS reads")
    schema.add_argument("--print", dest="print_schema", action="store_true", help="print the schema itself")

    for parser in (export, imp, schema):
        _add_common(common, parser)
        parser.set_defaults(func=cmd_share)


def _config(args) -> IcsConfig:
    return load_config(data_dir=getattr(args, "data", None), config_file=getattr(args, "config", None),
                       demo=os.environ.get("ICS_DEMO") == "1")


def principal_of(config: IcsConfig, username: str):
    """The named user's principal from identity's tables, as a login would make it."""
    from sqlalchemy import select

    from services.common.db import Database
    from services.common.errors import NotFound
    from services.identity.models import User
    from services.identity.store import principal_for

    db = Database(config["identity"].database_url)
    try:
        user = db.read_sync(lambda s: s.scalar(select(User).where(User.username == username.strip())))
    finally:
        db.dispose()
    if user is None or not user.active:
        raise NotFound(f"There is no active ICS user called {username!r}.")
    return principal_for(user, datetime.now(timezone.utc) + timedelta(hours=1))


def _number(text: str, kind: str, example: str) -> int:
    from services.common.errors import InvalidArgument

    number = text.strip().removeprefix(f"{kind}/")
    if not number.isdigit():
        raise InvalidArgument(f"Give {example}, not {text!r}.")
    return int(number)


def cmd_share(args) -> int:
    if args.share == "schema":
        return _schema(args)
    config = _config(args)
    if args.share == "export":
        return _export(args, config)
    return _import(args, config)


def _schema(args) -> int:
    from services.records import interchange

    if args.print_schema:
        print(interchange.schema_path(max(interchange.READS)).read_text(encoding="utf-8"), end="")
        return 0
    print(f"ICS inter-agency messages: this ICS writes version {interchange.WRITES} and reads "
          f"{', '.join(f'{m}.x' for m in interchange.READS)}.")
    for major in interchange.READS:
        print(f"Version {major} schema: {interchange.schema_path(major)}")
    return 0


def _export(args, config: IcsConfig) -> int:
    from services.common.db import Database
    from services.records.interchange.export import Agency, export_referral, export_shared_sections
    from services.records.template_library import TemplateLibrary

    out = Path(args.out)
    if out.exists():
        print(f"Error: {out} already exists; choose a new file name, so no message already made is overwritten.",
              file=sys.stderr)
        return 2
    if not out.parent.is_dir():
        print(f"Error: there is no folder {out.parent} to write {out.name} in.", file=sys.stderr)
        return 2
    if args.subject.strip().startswith("people/"):
        person_id, referral_id = _number(args.subject, "people", "a referral (referrals/N) or a child (people/N)"), None
    else:
        referral_id = _number(args.subject, "referrals", "the referral's number, like 12 or referrals/12")
        person_id = None
    document_ids = [_number(d, "documents", "each document as documents/M") for d in args.documents]
    name = args.from_name or os.environ.get(AGENCY_NAME_ENV) or DEFAULT_AGENCY[0]
    code = args.from_code or os.environ.get(AGENCY_CODE_ENV) or DEFAULT_AGENCY[1]
    sender = Agency(name=name, code=code)
    # Without a code the recipient's name stands in, shortened to fit; the name is what people read.
    recipient = (Agency(name=args.recipient, kind="other_agency", code=args.recipient_code
                        or re.sub(r"[^A-Za-z0-9]+", "-", args.recipient)[:40].strip("-") or "unnamed")
                 if args.recipient else None)
    principal = principal_of(config, args.as_user)
    library = TemplateLibrary.load(council_dir=config["records"].templates_dir or None)
    partial = out.with_name(f".{out.name}.partial")

    def build(session):
        if referral_id is not None:
            message = export_referral(session, principal, library, referral_id, document_ids, sender, recipient,
                                      via=VIA)
        else:
            message = export_shared_sections(session, principal, library, person_id, document_ids, sender,
                                             recipient, via=VIA)
        # Written before the audit commits: if the file cannot be written the export never happened.
        partial.write_text(json.dumps(message, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return message

    db = Database(config["records"].database_url)
    try:
        message = db.write_sync(build)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        db.dispose()
    partial.replace(out)
    shared = len(message.get("shared_sections", []))
    print(f"Saved as {out}: {message['kind'].replace('_', ' ')} message {message['message_id']} about "
          f"{message['child']['given_name']} {message['child']['family_name']}, with {shared} shared "
          f"record{'s' if shared != 1 else ''}, from {sender.name}.")
    if sender.name == DEFAULT_AGENCY[0]:
        print(f"Note: the sender is named {sender.name!r}; give --from-name and --from-code (or set "
              f"{AGENCY_NAME_ENV} and {AGENCY_CODE_ENV}) so the receiver knows who sent it.", file=sys.stderr)
    return 0


def _import(args, config: IcsConfig) -> int:
    from services.common.db import Database
    from services.common.errors import AlreadyExists
    from services.records.interchange.import_ import MessageRefused, check, import_message

    path = Path(args.file)
    try:
        message = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        print(f"Error: there is no file {path}.", file=sys.stderr)
        return 2
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        print(f"Error: {path} is not a JSON message{where}; nothing was recorded.", file=sys.stderr)
        return 1
    try:
        check(message)  # before opening anything, so a broken file is refused the same everywhere
    except MessageRefused as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    principal = principal_of(config, args.as_user)
    db = Database(config["records"].database_url)
    try:
        result = db.write_sync(lambda s: import_message(s, principal, message, child=args.child or "",
                                                        new_child=args.new_child))
    except AlreadyExists as exc:
        if exc.existing:  # record_contact found a likely duplicate the caller may see
            print(f"Error: {exc.message} Nothing was recorded. If this is them, import again with --child "
                  f"{exc.existing}; if it is a different child, import again with --new-child.", file=sys.stderr)
            return 1
        raise
    finally:
        db.dispose()
    print(result.summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m services.records.interchange.cli share ...`: the same commands before services/cli.py
    carries them, with its plain one-line errors."""
    from services.cli import _common
    from services.common.config import ConfigError
    from services.common.errors import IcsError

    top = argparse.ArgumentParser(prog="ics admin", description="inter-agency messages")
    _common(top)
    add_parsers(top.add_subparsers(dest="admin", required=True), _common)
    args = top.parse_args(argv)
    try:
        return args.func(args) or 0
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except IcsError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
