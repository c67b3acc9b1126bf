"""Validate SSDA903 CSV tables with csc-validator-be-903 and print one JSON object to stdout.

    python run_903.py RULESET COLLECTION_YEAR LOCAL_AUTHORITY FILE.csv [FILE.csv ...]

Runs inside the validator's own virtual environment (see validators.py); it imports nothing from
ICS. The JSON is either {"error": "..."}, {"unknown_ruleset": ..., "rulesets": [...]}, or the
result: rules, ran, skipped, not_run, crashed, issues. Every issue is an ERROR: the 903 validator
has no queries.
"""

import contextlib
import csv
import dataclasses
import importlib
import io
import json
import logging
import pkgutil
import sys
import warnings

# The validator logs every rule at INFO (it calls logging.basicConfig on import), pandas warns
# about chained assignment, and some rules print(): none of it may reach our stdout.
warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)

import pandas  # noqa: E402
from lac_validator import lac_validator, rules  # noqa: E402
from lac_validator.config import column_names  # noqa: E402
from lac_validator.utils import process_uploaded_files  # noqa: E402

logging.disable(logging.CRITICAL)  # again: importing lac_validator configured the root logger


class Probe(dict):
    """The datastore a rule sees, noting every table or metadata key it asked for and did not
    get. Rules signal "cannot run" by returning {} after such a check, and the key says why:
    a table of this year's return, last year's (`*_last`), or the Ofsted lists (provider_info)."""

    def __init__(self, data, missing):
        super().__init__(data)
        self.missing = missing

    def __contains__(self, key):
        found = super().__contains__(key)
        if not found:
            self.missing.add(key)
        return found

    def get(self, key, default=None):
        self.__contains__(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.__contains__(key)
        return super().__getitem__(key)


def watched(rule, missing, crashes):
    """The rule, run on a Probe of its datastore, and remembering why it crashed (the validator
    itself only logs the traceback, which we silence)."""

    def func(dfs):
        missing[rule.code] = set()
        data = Probe(dfs, missing[rule.code])
        dict.__setitem__(data, "metadata", Probe(dfs["metadata"], missing[rule.code]))
        try:
            return rule.func(data)
        except Exception as exc:
            crashes[rule.code] = f"{type(exc).__name__}: {exc}"[:300]
            raise

    return dataclasses.replace(rule, func=func)


def why_not_run(probed_missing):
    tables = sorted(k for k in probed_missing if k in column_names)
    if tables:
        return "missing table " + ", ".join(tables)
    if any(k.endswith("_last") for k in probed_missing):
        return "needs last year's return"
    if "provider_info" in probed_missing:
        return "needs the Ofsted children's homes and social care providers lists"
    return "not applicable to these files (rule 105, for one, checks only the XML form)"


def text(value):
    return "" if pandas.isna(value) else str(value)


def read_table(path):
    """Which 903 table a CSV is (the validator matches on the exact column set of the header
    row, in any order), and how many data rows it has."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    columns = set(rows[0]) if rows else set()
    table = next((t for t, expected in column_names.items() if columns == set(expected)), None)
    return table, sum(1 for row in rows[1:] if any(row))


def main(argv):
    ruleset, year, local_authority, paths = argv[0], argv[1], argv[2], argv[3:]
    available = sorted(m.name for m in pkgutil.iter_modules(rules.__path__) if m.ispkg)
    if ruleset not in available:
        return {"unknown_ruleset": ruleset, "rulesets": available}

    seen = {}
    for path in paths:
        table, rows = read_table(path)
        if table is None:
            return {"error": f"{path} is not one of the 903 tables: its header row matches none of "
                             + "; ".join(f"{t} ({','.join(c)})" for t, c in column_names.items())}
        if table in seen:
            return {"error": f"{seen[table]} and {path} are both the {table} table."}
        if table == "Header" and rows == 0:
            # The validator itself fails with a pandas ValueError on an empty Header.
            return {"error": f"{path}, the Header table, has no children: a 903 return lists every "
                             "child in Header."}
        seen[table] = path

    missing, crashes = {}, {}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
            watched_registry = {code: watched(rule, missing, crashes) for code, rule in registry.items()}
            validator = lac_validator.LacValidator(
                metadata={"collectionYear": year, "localAuthority": local_authority},
                files=process_uploaded_files({"This year": list(paths)}), registry=watched_registry)
    except Exception as exc:  # the validator could not read the files at all
        return {"error": f"the 903 validator could not read the files: {type(exc).__name__}: {exc}"}

    not_run = {code: why_not_run(missing.get(code, set())) for code in validator.skips}
    issues = []
    for table, frame in validator.ds_results.items():
        if table == "metadata":
            continue
        for flag in (c for c in frame.columns if str(c).startswith("ERR_")):
            rule = registry[flag[4:]]
            # One issue per affected field, as the validator's own report has it; a field of
            # another table (a rule on Episodes naming OC2's fields) has no value on this row.
            for row in frame.index[frame[flag] == True]:  # noqa: E712 (the column holds True or NaN)
                for field in dict.fromkeys(rule.affected_fields or [""]):  # some name a field twice
                    value = frame.at[row, field] if field in frame.columns else ""
                    issues.append({"child": text(frame.at[row, "CHILD"]), "rule": rule.code, "level": "ERROR",
                                   "table": table, "column": field, "value": text(value),
                                   "description": (rule.message or "").strip()})
    return {
        "ruleset": ruleset,
        "rules": len(registry),
        "ran": len(validator.dones),
        "skipped": sorted(c for c, why in not_run.items() if why.startswith("missing table")),
        "not_run": not_run,
        "crashed": {code: crashes.get(code, "crashed") for code in validator.fails},
        "issues": issues,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
