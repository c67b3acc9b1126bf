"""Validate a CIN census XML file with csc-validator-be-cin and print one JSON object to stdout.

    python run_cin.py RULESET FILE.xml

Runs inside the validator's own virtual environment (see validators.py); it imports nothing from
ICS. The JSON is either {"error": "..."}, {"unknown_ruleset": ..., "rulesets": [...]}, or the
result: rules, ran, crashed, issues. A rule whose code ends in Q is a QUERY, any other an ERROR
(the validator's own rule_type agrees for every rule in 0.1.13).
"""

import contextlib
import dataclasses
import importlib
import io
import json
import logging
import pkgutil
import sys
import warnings
import xml.etree.ElementTree as ET

# pandas warns about chained assignment and the validator prints one line per crashed rule:
# none of it may reach our stdout.
warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)

from cin_validator import cin_validator, rules  # noqa: E402


def watched(rule, crashes):
    """The rule, remembering why it crashed (the validator only prints that, and carries on)."""

    def func(data_files, ctx):
        try:
            return rule.func(data_files, ctx)
        except Exception as exc:
            crashes[rule.code] = f"{type(exc).__name__}: {exc}"[:300]
            raise

    return dataclasses.replace(rule, func=func)


def text(value):
    # The validator's report holds every value as a string, so a missing one reads "nan" or "NaT".
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return "" if str(value) in ("nan", "NaT", "<NA>") else str(value)


def issue(child, code, table, column, value, description):
    level = "QUERY" if str(code).endswith("Q") else "ERROR"
    return {"child": text(child), "rule": str(code), "level": level, "table": text(table),
            "column": text(column), "value": text(value), "description": text(description).strip()}


def main(argv):
    ruleset, path = argv
    available = sorted(m.name for m in pkgutil.iter_modules(rules.__path__) if m.ispkg)
    if ruleset not in available:
        return {"unknown_ruleset": ruleset, "rulesets": available}
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        return {"error": f"{path} is not well-formed XML: {exc}"}
    if root.find("Header") is None or root.find("Children") is None:
        return {"error": f"{path} is not a CIN census: it needs Message > Header and Message > Children "
                         "(without an XML namespace)."}

    crashes = {}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
            watched_registry = {code: watched(rule, crashes) for code, rule in registry.items()}
            data = cin_validator.process_data(cin_validator.convert_data(root))
            validator = cin_validator.CinValidator(data, watched_registry)
    except Exception as exc:  # the validator could not read the file at all
        return {"error": f"the CIN validator could not read {path}: {type(exc).__name__}: {exc}"}

    # user_report: one row per child, rule and affected field, with the value flagged (rules on
    # the Header table included). la_rule_issues: rules about the return as a whole, no child.
    issues = [issue(r.LAchildID, r.rule_code, r.tables_affected, r.columns_affected, r.value_flagged,
                    r.rule_description)
              for r in validator.user_report.itertuples(index=False)] if len(validator.user_report) else []
    for r in validator.la_rule_issues.itertuples(index=False):
        issues.append(issue("", r.rule_code, "", "", "", r.rule_description))
    return {
        "ruleset": ruleset,
        "rules": len(registry),
        "ran": len(registry) - len(crashes),
        "skipped": [],
        "not_run": {},
        "crashed": crashes,
        "issues": issues,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
