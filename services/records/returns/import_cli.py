"""`ics admin import cin FILE` and `ics admin import 903 DIR`: a council's past returns into ICS,
at the records server's console, through the records service's own write paths."""

from __future__ import annotations

import sys
from pathlib import Path


def add_parsers(admin_subparsers, common) -> None:
    parser = admin_subparsers.add_parser(
        "import", help="bring a council's history in from its past statutory returns (oldest first)")
    kinds = parser.add_subparsers(dest="import_kind", required=True)
    cin = kinds.add_parser("cin", help="a CIN census XML file")
    cin.add_argument("file", help="the census file, e.g. cin_2025.xml")
    ssda = kinds.add_parser("903", help="a folder of SSDA903 CSV tables")
    ssda.add_argument("folder", help="the folder holding the year's tables (header.csv, episodes.csv, ...)")
    for sub in (cin, ssda):
        sub.add_argument("--team", type=int, help="the team the migrated referrals are recorded in "
                                                  "(default: the first duty team)")
        common(sub)


def run(args, config) -> int:
    from sqlalchemy import select

    from services.cli import migrate_all
    from services.common.db import Database
    from services.identity.models import Team
    from services.records.signing import Signer
    from services.records.template_library import TemplateLibrary

    migrate_all(config)
    identity = Database(config["identity"].database_url)
    try:
        teams = identity.read_sync(lambda s: [(t.id, t.is_duty) for t in s.scalars(select(Team).order_by(Team.id))])
    finally:
        identity.dispose()
    team = args.team or next((number for number, duty in teams if duty), None)
    if team is None or team not in {number for number, _ in teams}:
        print("Error: name the team the migrated referrals belong to with --team N (see `ics admin create-team`); "
              + ("there is no duty team." if args.team is None else f"there is no team {args.team}."), file=sys.stderr)
        return 2
    db = Database(config["records"].database_url)
    library = TemplateLibrary.load(council_dir=config["records"].templates_dir or None)
    signer = Signer.load_or_create(config.records_signing_key_file)
    try:
        if args.import_kind == "cin":
            from services.records.returns.cin_import import import_cin

            report = import_cin(db, library, signer, Path(args.file), f"teams/{team}")
        else:
            from services.records.returns.ssda903_import import import_903

            report = import_903(db, library, signer, Path(args.folder), f"teams/{team}")
    finally:
        db.dispose()
    for problem in report.problems:
        print(problem.sentence())
    print(report.summary())
    return 1 if report.problems else 0
