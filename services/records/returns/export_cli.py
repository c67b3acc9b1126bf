"""`ics admin export 903 --year YYYY --out DIR` and `ics admin export cin --year YYYY --out FILE`:
England's statutory returns, made at the server's console from the records database.

Returns hold personal data, so the folder is made 0700 and every file 0600, and an existing
return is never overwritten unless `--force` says so."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path


def add_parsers(admin_subparsers, common) -> None:
    """Adds `export` to the `ics admin` subcommands; `common(parser)` adds --data and --config."""
    export = admin_subparsers.add_parser("export", help="a statutory return (England) from the records")
    kinds = export.add_subparsers(dest="export_kind", metavar="RETURN", required=True)
    ssda903 = kinds.add_parser("903", help="the SSDA903 looked-after children return: eleven CSV tables")
    ssda903.add_argument("--year", required=True, help="the year the collection ends on 31 March, e.g. 2026 for "
                                                       "2025-26")
    ssda903.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder for the tables")
    ssda903.add_argument("--force", action="store_true", help="write into a folder that already holds files")
    # ---- the CIN census (the lead's services/records/returns/cin.py) ------------------------
    cin = kinds.add_parser("cin", help="the Children in Need census: one XML file")
    cin.add_argument("--year", required=True, help="the year the collection ends on 31 March, e.g. 2026")
    cin.add_argument("--out", required=True, metavar="FILE", help="the XML file to write")
    cin.add_argument("--force", action="store_true", help="replace the file if it exists")
    cin.add_argument("--produced-at", metavar="YYYY-MM-DDTHH:MM:SS",
                     help="the census header's DateTime (default now), to make the same file again")
    # ------------------------------------------------------------------------------------------
    for parser in (export, ssda903, cin):
        common(parser)


def _refusal(args) -> str | None:
    out = Path(args.out)
    if args.export_kind == "903":
        if out.exists() and not out.is_dir():
            return f"{out} is a file; give a folder for the return's tables."
        if out.is_dir() and any(out.iterdir()) and not args.force:
            return (f"{out} already holds files. Choose a new or empty folder, or add --force to write the "
                    "return's tables into it (files of the same name are replaced).")
    elif out.exists() and not args.force:
        return f"{out} already exists. Choose a new file name, or add --force to replace it."
    return None


def _produced_at(text: str | None) -> datetime:
    from services.common.errors import InvalidArgument

    if not text:
        return datetime.now(timezone.utc)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(f"Give --produced-at as a date and time like 2026-05-01T09:00:00, "
                              f"not {text!r}.") from None


def run(args, config) -> int:
    from services.common.db import Database
    from services.common.errors import InvalidArgument
    from services.records.returns.collection import CONSOLE, Collection
    from services.records.template_library import TemplateLibrary

    try:
        collection = Collection.of(args.year)
        produced_at = _produced_at(getattr(args, "produced_at", None))
    except InvalidArgument as exc:
        print(f"Error: {exc.message}", flush=True)
        return 2
    refused = _refusal(args)
    if refused:
        print(f"Error: {refused}", flush=True)
        return 1
    db = Database(config["records"].database_url)
    library = TemplateLibrary.load(council_dir=config["records"].templates_dir or None)
    started = time.monotonic()
    try:
        if args.export_kind == "903":
            from services.records.returns.ssda903 import export_903

            out = Path(args.out)
            summary = db.write_sync(lambda s: export_903(s, CONSOLE, library, collection, out))
            print(f"SSDA903 {collection.label} written to {out}: {summary.line()} "
                  f"({time.monotonic() - started:.1f}s)", flush=True)
            return 0
        # ---- the CIN census: cin.py is the lead's; imported here so this file works without it
        from services.records.returns.cin import export_cin

        out_path = Path(args.out)
        if out_path.parent != Path(""):
            out_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        result = db.write_sync(lambda s: export_cin(s, CONSOLE, library, collection, out_path, produced_at,
                                                    config.la_code))
        print(result.sentence() if hasattr(result, "sentence") else result, flush=True)
        return 0
    finally:
        db.dispose()
