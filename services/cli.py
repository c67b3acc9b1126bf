"""The `ics` command: demo, serve, tui, line, admin."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import signal
import sys
import time

from services.common.config import SERVICES, ConfigError, IcsConfig, load_config


def _config(args, demo: bool = False) -> IcsConfig:
    demo = demo or os.environ.get("ICS_DEMO") == "1"
    return load_config(data_dir=args.data, config_file=args.config, demo=demo)


def _common(parser: argparse.ArgumentParser, nested: bool = False) -> None:
    # Nested copies (on admin's sub-commands) must not reset a value given before the
    # sub-command, so their default is "absent" rather than None.
    default = argparse.SUPPRESS if nested else None
    parser.add_argument("--data", metavar="DIR", default=default, help="data folder (default ./.ics-data)")
    parser.add_argument("--config", metavar="FILE", default=default, help="TOML configuration file")


def migrate_all(config: IcsConfig, names=SERVICES) -> None:
    from services.common import migrations

    config.data_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        migrations.upgrade(name, config[name].database_url)


def build_runner(name: str, config: IcsConfig):
    if name == "identity":
        from services.identity.app import build
    elif name == "records":
        from services.records.app import build
    else:
        from services.alerts.app import build
    return build(config)


def cmd_serve(args) -> int:
    config = _config(args)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if os.environ.get("ICS_MIGRATE_ON_START") == "1":
        # Demo only: each service brings its own database up to date, all three at once. In
        # production migrations are a separate step (deploy/systemd/ics-migrate@.service).
        migrate_all(config, [args.service])

    async def main():
        runner = build_runner(args.service, config)
        await runner.serve_forever()

    asyncio.run(main())
    return 0


def demo_is_seeded(config: IcsConfig) -> bool:
    """Cheap: does the identity database exist with users in it? (No migration machinery.)"""
    from sqlalchemy import create_engine, inspect, text

    from services.common.db import is_sqlite

    url = config["identity"].database_url
    if is_sqlite(url) and not os.path.exists(url.removeprefix("sqlite:///")):
        return False
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return "users" in inspect(conn).get_table_names() and bool(
                conn.execute(text("SELECT 1 FROM users LIMIT 1")).first())
    finally:
        engine.dispose()


def seed_demo(config: IcsConfig) -> bool:
    from services import demo_data
    from services.common.db import Database

    identity_db = Database(config["identity"].database_url)
    records_db = Database(config["records"].database_url)
    try:
        if demo_data.is_seeded(identity_db):
            return False
        users = demo_data.seed_identity(identity_db, config)
        demo_data.seed_records(records_db, users)
        from services.records.signing import Signer

        demo_data.seed_histories(records_db, users, Signer.load_or_create(config.records_signing_key_file))
        return True
    finally:
        identity_db.dispose()
        records_db.dispose()


def wait_for_alerts_to_catch_up(config: IcsConfig, timeout: float = 20.0) -> None:
    """The first start has the seeded history to read; open the TUI once alerts has read it, so
    the first screen a worker sees already shows what is due."""
    from sqlalchemy import func, select

    from services.alerts import engine
    from services.common.db import Database
    from services.records.models import OutboxEvent

    records_db = Database(config["records"].database_url)
    alerts_db = Database(config["alerts"].database_url)
    try:
        newest = records_db.read_sync(lambda s: s.scalar(select(func.max(OutboxEvent.sequence)))) or 0
        deadline = time.monotonic() + timeout
        while alerts_db.read_sync(engine.cursor) < newest and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        records_db.dispose()
        alerts_db.dispose()


def cmd_demo(args) -> int:
    from services.launcher import ServiceProcesses

    started = time.monotonic()
    config = _config(args, demo=True)
    if demo_is_seeded(config):
        os.environ["ICS_MIGRATE_ON_START"] = "1"  # the services migrate themselves, in parallel
    else:
        migrate_all(config)
        seed_demo(config)
        print(f"Seeded the demo council in {config.data_dir}.", flush=True)
    procs = ServiceProcesses(config, str(config.data_dir / "logs"))
    if not args.no_tui:
        # Import the front end while the services start: the worker waits for both anyway.
        import importlib
        import threading

        threading.Thread(target=importlib.import_module, args=("tui.line.main" if args.line else "tui.app.main",),
                         daemon=True).start()
    try:
        procs.start()
        wait_for_alerts_to_catch_up(config)
        print(f"ICS is running (ready in {time.monotonic() - started:.1f}s): identity {config['identity'].target()}, "
              f"records {config['records'].target()}, alerts {config['alerts'].target()}.", flush=True)
        if args.no_tui:
            stop = []
            signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
            signal.signal(signal.SIGINT, lambda *_: stop.append(1))
            while not stop and all(p.poll() is None for p in procs.procs.values()):
                time.sleep(0.2)
            return 0
        from tui.core.client import Targets

        return _run_front_end(Targets.of(config), line=args.line, large=args.large)
    finally:
        procs.stop()
        print("ICS stopped.", flush=True)


def _run_front_end(targets, line: bool = False, large: bool = False) -> int:
    if line or os.environ.get("TERM") == "dumb" or os.environ.get("ICS_A11Y") == "line":
        from tui.line.main import run as run_line

        return run_line(targets)
    from tui.app.main import run as run_app

    return run_app(targets, large=large)


def cmd_tui(args) -> int:
    from tui.core.client import Targets

    return _run_front_end(Targets.from_config(args.data, args.config), line=False, large=args.large)


def cmd_line(args) -> int:
    from tui.core.client import Targets

    return _run_front_end(Targets.from_config(args.data, args.config), line=True)


def cmd_verify_document(args) -> int:
    """Offline: needs only the exported bundle, which carries the records service's public key."""
    import json

    from services.records.signing import verify_bundle

    try:
        bundle = json.loads(open(args.file, encoding="utf-8").read())
    except (OSError, ValueError) as exc:
        print(f"Error: cannot read {args.file} as an exported document: {exc}", file=sys.stderr)
        return 2
    if args.public_key:
        bundle["public_key_pem"] = open(args.public_key, encoding="utf-8").read()
    problems = verify_bundle(bundle)
    title = f"{bundle.get('title', 'Document')} ({bundle.get('document', '?')})"
    if problems:
        print(f"{title} FAILED verification:")
        for problem in problems:
            print(f"- {problem}")
        return 1
    signers = "; ".join(f"{s['payload']['signer_name']} as {s['payload']['role'].replace('_', ' ')}, "
                        f"{s['payload']['signed_at']}" for s in bundle["signatures"])
    added = len(bundle.get("appendments", []))
    later = f" {added} later appendment{'s' if added != 1 else ''}, each exactly as added." if added else ""
    print(f"{title} verified: the content is exactly as signed. Signed by {signers}.{later}")
    return 0


def cmd_generate(args, config: IcsConfig) -> int:
    """A synthetic council through the records service's own write paths; needs the demo staff."""
    from datetime import date

    from services.common.db import Database
    from services.identity.models import User
    from services.records.generate import generate
    from services.records.signing import Signer
    from services.records.template_library import TemplateLibrary
    from sqlalchemy import select

    from services import demo_data

    migrate_all(config)
    identity_db = Database(config["identity"].database_url)
    if not demo_data.is_seeded(identity_db):  # the demo council's staff do the work
        demo_data.seed_identity(identity_db, config)
    staff = identity_db.read_sync(lambda s: {
        u.username: demo_data.staff_principal(u)
        for u in s.scalars(select(User).where(User.username.in_(("duty", "leader", "manager", "worker", "worker2"))))})
    identity_db.dispose()
    db = Database(config["records"].database_url)
    until = date.fromisoformat(args.until) if args.until else date.today()
    started = time.monotonic()
    made = generate(db, TemplateLibrary.load(), Signer.load_or_create(config.records_signing_key_file), staff,
                    args.children, args.years, args.seed, until)
    db.dispose()
    print(f"Generated {made.summary()} in {time.monotonic() - started:.1f}s (seed {args.seed}, until {until}).")
    return 0


def cmd_admin(args) -> int:
    if args.admin == "verify-document":
        return cmd_verify_document(args)
    config = _config(args)
    if args.admin == "migrate":
        unknown = [s for s in args.services if s not in SERVICES]
        if unknown:
            raise ConfigError(f"There is no service called {', '.join(unknown)}; choose from {', '.join(SERVICES)}.")
        migrate_all(config, args.services or SERVICES)
        print(f"Migrated {', '.join(args.services or SERVICES)}.")
        return 0
    if args.admin == "seed-demo":
        migrate_all(config)
        print("Seeded." if seed_demo(config) else "Already has data; nothing seeded.")
        return 0
    from services.common.db import Database
    from services.identity import store

    if args.admin == "create-team":
        db = Database(config["identity"].database_url)
        team = db.write_sync(lambda s: store.create_team(s, args.name, args.duty, args.location or ""))
        print(f"Created teams/{team.id} {team.display_name}.")
        return 0
    if args.admin == "create-user":
        if args.directory:  # the council directory checks this account's password
            password = ""
        else:
            password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
        db = Database(config["identity"].database_url)
        user = db.write_sync(lambda s: store.create_user(
            s, args.username, args.name or args.username, password, args.role, args.team, args.email or "",
            directory_account=args.directory))
        print(f"Created users/{user.id} {user.username}" + (" (signs in with the council directory)."
                                                            if args.directory else "."))
        return 0
    if args.admin == "generate":
        return cmd_generate(args, config)
    if args.admin == "sar":
        from services.records import subject_access_cli

        return subject_access_cli.run(args, config)
    if args.admin == "report":
        from tui.core import report_cli
        from tui.core.client import Targets

        return report_cli.run(args, Targets.of(config))
    if args.admin == "export":
        from services.records.returns import export_cli

        return export_cli.run(args, config)
    if args.admin == "import":
        from services.records.returns import import_cli

        return import_cli.run(args, config)
    if args.admin == "print":
        return cmd_print(args, config)
    if args.admin == "signing-key":
        from services.records.signing import Signer

        print(Signer.load_or_create(config.records_signing_key_file).public_pem, end="")
        return 0
    if args.admin in ("audit-verify", "audit"):
        from services.alerts import audit as alerts_audit
        from services.identity import audit as identity_audit
        from services.records import audit

        broken = False
        for label, service, verify in (("Audit chain", "records", audit.verify),
                                       ("Identity audit chain", "identity", identity_audit.verify),
                                       ("Alerts audit chain", "alerts", alerts_audit.verify)):
            count, problem = Database(config[service].database_url).read_sync(verify)
            if problem:
                print(f"{label} BROKEN after {count} rows: {problem}")
                broken = True
            else:
                print(f"{label} intact: {count} rows checked.")
        return 1 if broken else 0
    if args.admin == "roles":
        from services.identity.roles import ROLE_TABLE, describe

        for role in ROLE_TABLE:
            print(f"{role.id}: {role.display_name}. {role.description}")
            for action, scope in role.permissions.items():
                print(f"    {action} ({scope}): {describe(action, scope)}")
        return 0
    if args.admin in ACCOUNT_COMMANDS:
        return cmd_account(args, Database(config["identity"].database_url))
    return 2


def cmd_print(args, config) -> int:
    """A document to the configured printer or folder, as the named user: their access decides
    whether they may, and the records audit shows them reading it."""
    from dataclasses import replace

    from tui.core import printing
    from tui.core.client import IcsClient, Targets
    from tui.core.errors import ServiceError

    letter = args.document.startswith("people/")
    number = args.document.removeprefix("people/" if letter else "documents/")
    if not number.isdigit():
        print(f"Error: give the document's number, like 12 or documents/12 (or people/3 for the letter to a "
              f"child's family), not {args.document!r}.", file=sys.stderr)
        return 2
    try:
        audience = printing.command_line_audience(args.audience, args.agency, args.conference_date, args.complete,
                                                  family=args.family or args.welsh)
    except ServiceError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(f"{args.user}'s password: ")
    targets = Targets.of(config)
    settings = replace(targets.output, format="text") if args.text else targets.output
    client = IcsClient(targets)
    try:
        client.login(args.user, password)
        print(printing.print_copy(client, f"{'people' if letter else 'documents'}/{number}", settings,
                                  to=args.to or "", large_print=args.large_print, family=args.family or args.welsh,
                                  language="cy" if args.welsh else "en", audience=audience))
        return 0
    except ServiceError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        client.close()


ACCOUNT_COMMANDS = ("reset-password", "disable-user", "enable-user", "set-roles")


def cmd_account(args, db) -> int:
    """Account changes at the server's console, through the same store functions as identity's
    RPCs, audited in identity as "ics admin (console)". Sessions end at once where they should."""
    from services.identity import store
    from services.identity.audit import CONSOLE

    if args.admin == "reset-password":
        temporary = sys.stdin.readline().rstrip("\n") if args.password_stdin else \
            getpass.getpass("Temporary password (leave empty to have one chosen): ")
        user, chosen = db.write_sync(lambda s: store.reset_password(
            s, CONSOLE, store.user_by_username(s, args.username), temporary))
        print(f"Reset the password of users/{user.id} {user.username}; they must choose a new one at their "
              "next login, and all their sessions have ended.")
        if chosen:
            print(f"Temporary password (give it to them privately; it is not shown again): {chosen}")
        return 0
    if args.admin == "set-roles":
        changes = {"roles": args.role}
        if args.team:
            changes["team_ids"] = args.team
    else:
        changes = {"active": args.admin == "enable-user"}
    user = db.write_sync(lambda s: store.update_user(s, CONSOLE, store.user_by_username(s, args.username),
                                                     changes, None))
    roles = ", ".join(sorted(r.role for r in user.roles)) or "none"
    teams = ", ".join(f"teams/{m.team_id}" for m in sorted(user.memberships, key=lambda m: m.position)) or "none"
    state = "active" if user.active else "disabled (every session ended)"
    print(f"users/{user.id} {user.username}: {state}; roles {roles}; teams {teams}.")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="ics", description="ICS: case recording for children's social care.")
    sub = top.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="all three services on SQLite with demo data, then the TUI")
    _common(demo)
    demo.add_argument("--no-tui", action="store_true", help="keep the services in the foreground instead")
    demo.add_argument("--line", action="store_true", help="open the line (screen-reader) mode")
    demo.add_argument("--large", action="store_true", help="large-font layout")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="run one service")
    serve.add_argument("service", choices=SERVICES)
    _common(serve)
    serve.set_defaults(func=cmd_serve)

    tui = sub.add_parser("tui", help="the terminal UI")
    _common(tui)
    tui.add_argument("--large", action="store_true", help="large-font layout")
    tui.set_defaults(func=cmd_tui)

    line = sub.add_parser("line", help="the line-by-line mode for screen readers")
    _common(line)
    line.set_defaults(func=cmd_line)

    admin = sub.add_parser("admin", help="administration")
    _common(admin)
    asub = admin.add_subparsers(dest="admin", required=True)
    mig = asub.add_parser("migrate", help="bring databases up to date")
    mig.add_argument("services", nargs="*", metavar="SERVICE", help=f"any of {', '.join(SERVICES)}; default all")
    seed = asub.add_parser("seed-demo", help="load the demo council into empty databases")
    team = asub.add_parser("create-team")
    team.add_argument("name")
    team.add_argument("--duty", action="store_true", help="takes new contacts and referrals")
    team.add_argument("--location", help="the office the team works from")
    user = asub.add_parser("create-user")
    user.add_argument("username")
    user.add_argument("--name", help="display name")
    user.add_argument("--role", action="append", default=[], help="repeatable")
    user.add_argument("--team", action="append", type=int, default=[], help="team id; repeatable; first is their own")
    user.add_argument("--password-stdin", action="store_true")
    user.add_argument("--email", help="work e-mail address for overdue and escalated alerts (optional)")
    user.add_argument("--directory", action="store_true",
                      help="sign in with the council directory's password (identity.ldap_url); no ICS password")
    verify = asub.add_parser("audit-verify", help="check the records, identity and alerts audit chains; names the "
                                                  "first broken row")
    audit_cmd = asub.add_parser("audit", help="audit tools: `ics admin audit verify` checks every chain")
    audit_cmd.add_argument("what", choices=["verify"])
    roles_cmd = asub.add_parser("roles", help="the roles and what each may do (resource.action at a scope)")
    reset = asub.add_parser("reset-password", help="set a temporary password the user must change at next login")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", help="read the temporary password from stdin")
    disable = asub.add_parser("disable-user", help="disable a user and end all their sessions at once")
    disable.add_argument("username")
    enable = asub.add_parser("enable-user", help="let a disabled user log in again")
    enable.add_argument("username")
    roles = asub.add_parser("set-roles", help="replace a user's roles (and teams, when given)")
    roles.add_argument("username")
    roles.add_argument("--role", action="append", required=True, help="repeatable")
    roles.add_argument("--team", action="append", type=int, default=[],
                       help="team id; repeatable; first is their own; omitted keeps their teams")
    check_doc = asub.add_parser("verify-document", help="check an exported document and its signatures, offline")
    check_doc.add_argument("file", help="the bundle from ExportDocument")
    check_doc.add_argument("--public-key", help="the records service's public key (PEM) to trust instead of the "
                                                "one in the bundle")
    print_cmd = asub.add_parser("print", help="a document to the configured printer or folder, as a user who may "
                                              "read it")
    print_cmd.add_argument("document", help="the document's number, e.g. 12 or documents/12; or a child, "
                                            "people/3, for the letter to their family about their records")
    print_cmd.add_argument("--user", required=True, help="whose access it is printed with (their username)")
    print_cmd.add_argument("--password-stdin", action="store_true", help="read their password from stdin")
    print_cmd.add_argument("--text", action="store_true", help="80 columns of plain text instead of a PDF")
    print_cmd.add_argument("--large-print", action="store_true", help="a large-print PDF (16 pt)")
    print_cmd.add_argument("--family", action="store_true",
                           help="the family's plain-language copy, in the template's family wording")
    print_cmd.add_argument("--welsh", action="store_true", help="the family's copy in Welsh")
    print_cmd.add_argument("--for", dest="audience", choices=["court", "conference", "agency"],
                           help="a copy prepared for the family court, a child protection conference or another "
                                "agency: it says so on its first page and in the child's access report, shows the "
                                "child's date of birth and record numbers, and leaves out questions nobody was asked")
    print_cmd.add_argument("--agency", default="", metavar="NAME",
                           help="with --for agency: the agency's name, as it should be printed")
    print_cmd.add_argument("--conference-date", default="", metavar="YYYY-MM-DD",
                           help="with --for conference: the conference's date (otherwise the date the document "
                                "records, if it records one)")
    print_cmd.add_argument("--complete", action="store_true",
                           help="with --for: every question, those nobody was asked too")
    print_cmd.add_argument("--to", choices=["printer", "folder"],
                           help="default: the printer when one is set, otherwise the folder")
    key = asub.add_parser("signing-key", help="print the records service's public key, to check exported documents")
    gen = asub.add_parser("generate", help="a synthetic council through the records service's write paths")
    gen.add_argument("--children", type=int, default=100)
    gen.add_argument("--years", type=int, default=2)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--until", help="last day of the history, YYYY-MM-DD (default today)")
    for sub_parser in (mig, seed, team, user, verify, audit_cmd, roles_cmd, gen, key, reset, disable, enable, roles,
                       print_cmd):
        _common(sub_parser, nested=True)
    from services.certificates import add_make_certs_parser
    from services.records.returns import import_cli

    add_make_certs_parser(asub)
    import_cli.add_parsers(asub, lambda p: _common(p, nested=True))
    from services.records.returns import export_cli

    export_cli.add_parsers(asub, lambda p: _common(p, nested=True))
    from services.records import subject_access_cli

    subject_access_cli.add_parsers(asub, lambda p: _common(p, nested=True))
    from services.records.interchange.cli import add_parsers as add_share_parsers
    from services.records.returns.validate_cli import add_parsers as add_validate_parsers

    add_share_parsers(asub, _common)

    add_validate_parsers(asub, lambda p: _common(p, nested=True))
    from tui.core import report_cli

    report_cli.add_parsers(asub, lambda p: _common(p, nested=True))
    admin.set_defaults(func=cmd_admin)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # an admin command's domain error reads as one plain line
        from sqlalchemy.exc import OperationalError, ProgrammingError

        from services.common.errors import IcsError

        if isinstance(exc, IcsError):
            print(f"Error: {exc.message}", file=sys.stderr)
            return 1
        if isinstance(exc, (OperationalError, ProgrammingError)):
            print("Error: the database is not set up for this command (or cannot be reached). Run "
                  "`ics admin migrate` with the same --data or --config first.\n"
                  f"Detail: {exc.orig}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
