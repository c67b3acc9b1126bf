"""`ics admin validate`: check a statutory return file with the public DfE-rule validators.

    ics admin validate cin FILE.xml --year 2026
    ics admin validate 903 FOLDER --year 2026 [--la E09000027]
    ics admin validate install          # build both validators' environments now

One line per issue, then a summary. Exit status 0 when there is no ERROR-level issue (queries
are for a person to look at) and, for 903, no rule was skipped for a missing table; 1 otherwise;
2 when the return could not be checked at all (a missing file, an unknown year, no network for
the first install).
"""

from __future__ import annotations

import argparse
import sys

from services.common.errors import IcsError
from services.records.returns import validators


def add_parsers(admin_subparsers, common) -> None:
    """Adds `ics admin validate ...` to the `ics admin` subcommands (services/cli.py). `common`
    adds --data/--config: the 903's local authority comes from la_ons_code there."""
    validate = admin_subparsers.add_parser("validate", help="check a statutory return with the DfE's rules "
                                                            "(the public CIN and 903 validators)")
    kinds = validate.add_subparsers(dest="validate_kind", metavar="{cin,903,install}", required=True)
    cin = kinds.add_parser("cin", help="a CIN census XML file")
    cin.add_argument("file", help="the CIN census XML file")
    r903 = kinds.add_parser("903", help="a folder of SSDA903 CSV tables (every *.csv in it)")
    r903.add_argument("folder", help="the folder holding the 903 tables, one CSV file each")
    r903.add_argument("--la", metavar="CODE",
                      help="the council's ONS code, for the in-area placement rules (default: la_ons_code in the "
                           f"configuration, else {validators.DEFAULT_LOCAL_AUTHORITY})")
    for sub in (cin, r903):
        sub.add_argument("--year", required=True, help="the year the collection ends on 31 March, like 2026 for "
                                                       "2025-26")
    install = kinds.add_parser("install", help="build both validators' environments now (needs PyPI once)")
    for sub in (cin, r903, install):
        common(sub)
        sub.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.validate_kind == "install":
        return validators.main(["install"])
    try:
        year = _year(args.year)
        if not validators.installed(args.validate_kind):
            print(f"Installing the {validators.VALIDATORS[args.validate_kind].title} validator into "
                  f"{validators.home() / args.validate_kind} (once; it downloads from PyPI)...", file=sys.stderr,
                  flush=True)
        if args.validate_kind == "cin":
            result = validators.validate_cin(args.file, year)
        else:
            result = validators.validate_903(args.folder, year, args.la or _configured_la(args))
    except IcsError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2
    for issue in result.issues:
        print(issue.line())
    print(result.summary())
    return 0 if result.passed else 1


def _configured_la(args: argparse.Namespace) -> str:
    from services.common.config import load_config

    config = load_config(data_dir=getattr(args, "data", None), config_file=getattr(args, "config", None))
    return config.la_ons_code or validators.DEFAULT_LOCAL_AUTHORITY


def _year(text: str) -> int:
    # The same reading of --year as the exporters' (collection.py); imported when used, so that
    # building the `ics` parser does not load the records models.
    from services.records.returns.collection import Collection

    return Collection.of(text).year
