"""Messages between agencies: a referral, or shared sections of completed records, as JSON that
validates against a published, versioned schema (schema/ics-referral-v<MAJOR>.schema.json).

Versioning (README.md): a message says its version as MAJOR.MINOR. Additive changes (a new
optional property) bump MINOR and stay readable by every reader of that MAJOR, which is why the
schemas never forbid unknown properties; anything that would make an old reader misread a
message is a new MAJOR with its own schema file, and the importer reads every MAJOR it has a
schema for and refuses any other in plain words.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

# The version this ICS writes, and every major version it reads.
WRITES = "1.0"
READS = (1,)
SCHEMA_FILE = "ics-referral-v{major}.schema.json"


def schema_path(major: int = 1) -> Path:
    return Path(str(resources.files(__package__) / "schema" / SCHEMA_FILE.format(major=major)))


@cache
def schema(major: int = 1) -> dict:
    return json.loads(schema_path(major).read_text(encoding="utf-8"))


def _is_instant(value: object) -> bool:
    """ISO 8601 date and time with an offset. jsonschema checks "date-time" only when an optional
    package is installed; this keeps the check the same on every install."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})", value):
        return False
    try:
        return datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


def _format_checker() -> FormatChecker:
    checker = FormatChecker(["date"])
    checker.checks("date-time")(_is_instant)
    return checker


@cache
def validator(major: int = 1) -> Draft202012Validator:
    return Draft202012Validator(schema(major), format_checker=_format_checker())


def major_of(message: object) -> int | None:
    """The major version a message claims, or None when it claims none we could read."""
    version = message.get("schema_version") if isinstance(message, dict) else None
    if isinstance(version, str) and re.fullmatch(r"[0-9]+\.[0-9]+", version):
        return int(version.split(".")[0])
    return None


TYPE_WORDS = {"string": "text", "integer": "a whole number", "boolean": "true or false", "array": "a list",
              "object": "an object ({...})", "number": "a number"}
FORMAT_WORDS = {"date": "a date written YYYY-MM-DD, e.g. 2015-05-05",
                "date-time": "a date and time with its offset, e.g. 2026-11-28T09:30:00+00:00"}


def _plain(error) -> str:
    """One schema error as a sentence a person sending or receiving the message can act on."""
    hint = error.schema.get("x-error") if isinstance(error.schema, dict) else None
    kind = error.validator
    if kind == "required":
        missing = re.match(r"'(.+)' is a required property", error.message)
        return "is required, but the message has none" if missing else error.message
    if kind in ("pattern", "oneOf", "anyOf", "const") and hint:
        return hint
    if kind == "format":
        return f"{json.dumps(error.instance)} is not {FORMAT_WORDS.get(error.validator_value, error.validator_value)}"
    if kind == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return f"must be {' or '.join(TYPE_WORDS.get(w, w) for w in wanted)}"
    if kind == "enum":
        return f"{json.dumps(error.instance)} is not one of: {', '.join(map(str, error.validator_value))}"
    if kind == "minLength":
        least = error.validator_value
        return "must not be empty" if least == 1 else f"needs at least {least} characters"
    if kind == "maxLength":
        return f"is too long: at most {error.validator_value} characters"
    if kind == "minItems":
        return f"needs at least {error.validator_value} item{'s' if error.validator_value != 1 else ''}"
    if kind == "minimum":
        return f"must be {error.validator_value} or more"
    return hint or error.message


def problems(message: object) -> list[tuple[str, str]]:
    """Every way `message` breaks the schema, as (JSON path, plain words); empty when it is valid.

    A message of a major version this ICS does not read is checked against the newest schema it
    knows anyway, so that the sender hears about every problem at once, the version first."""
    if not isinstance(message, dict):
        return [("$", "the message must be a JSON object ({...}), not " + type(message).__name__)]
    major = major_of(message)
    found: list[tuple[str, str]] = []
    if major is not None and major not in READS:
        found.append(("$.schema_version", f"version {message['schema_version']} of the ICS inter-agency format is "
                                          f"not one this ICS reads (it reads {', '.join(f'{m}.x' for m in READS)}); "
                                          "ask the sender for a version it reads, or upgrade ICS"))
    rest: list[tuple[str, str]] = []
    for error in validator(major if major in READS else max(READS)).iter_errors(message):
        path = error.json_path
        if error.validator == "required":
            missing = re.match(r"'(.+)' is a required property", error.message)
            if missing:
                path = f"{path}.{missing.group(1)}"
        if path == "$.schema_version" and found and found[0][0] == path:
            continue  # already said, better
        rest.append((path, _plain(error)))
    return found + sorted(set(rest))


def describe_problems(found: list[tuple[str, str]]) -> str:
    return "\n".join(f"  {path}: {words}" for path, words in found)
