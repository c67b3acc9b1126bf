"""Check statutory return files with the public DfE-rule validators, as the DfE will.

`csc-validator-be-cin` checks a CIN census XML file and `csc-validator-be-903` the SSDA903 CSV
tables (both MIT, on PyPI). They pin pandas 1.5 and an old numpy, which ICS's own environment
cannot hold, so each lives in a virtual environment of its own under
`${ICS_VALIDATORS_HOME:-~/.cache/ics-validators}/{cin,903}`, built on first use, and is run as a
subprocess: a script of ours (validator_scripts/) runs inside it and prints one JSON object.

A collection is named by the year it ends on 31 March, as in collection.py: `year=2026` is the
2025-26 collection, the rulesets cin2025_26 and lac2025_26.

    python -m services.records.returns.validators install   # build both environments now (CI)
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from services.common.errors import FailedPrecondition, InvalidArgument

SCRIPTS = Path(__file__).with_name("validator_scripts")
MARKER = "ics-installed.txt"  # written last, holding the pins: its absence means a half-made venv
INSTALL_TIMEOUT = 900
RUN_TIMEOUT = 1800  # a large council's return takes minutes, not hours
# The 903 validator needs a local authority to tell in-area placements from out-of-area ones
# (rules 1015, 411, 241 compare it with the placement postcode's authority). Pass the council's
# own ONS code; this default is the one the validator's authors use in their examples.
DEFAULT_LOCAL_AUTHORITY = "E09000027"
# What pip prints when it cannot reach an index at all, as opposed to a pin it cannot satisfy.
OFFLINE_HINTS = ("NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
                 "Network is unreachable", "ConnectTimeoutError", "ProxyError", "Max retries exceeded")


@dataclass(frozen=True)
class Validator:
    kind: str  # "cin" or "903": also the folder of its environment
    title: str
    pins: tuple[str, ...]
    script: str
    prefix: str  # of the ruleset names: cin2025_26, lac2025_26

    def ruleset(self, year: int) -> str:
        return f"{self.prefix}{year - 1}_{year % 100:02d}"

    def year_of(self, ruleset: str) -> int:
        return int(ruleset[len(self.prefix):len(self.prefix) + 4]) + 1


# Exact pins, as resolved in November 2026 on Python 3.11: the validators themselves only ask for
# pandas<2 (and the 903 one numpy<1.25). pytest is imported by both packages' __main__ but not
# declared as a dependency.
VALIDATORS = {
    "cin": Validator("cin", "CIN census", ("csc-validator-be-cin==0.1.13", "pandas==1.5.3", "numpy==1.26.4",
                                           "pytest==9.2.0"), "run_cin.py", "cin"),
    "903": Validator("903", "SSDA903", ("csc-validator-be-903==0.1.17", "pandas==1.5.3", "numpy==1.24.4",
                                        "pytest==9.2.0"), "run_903.py", "lac"),
}


@dataclass(frozen=True)
class Issue:
    child: str  # LAchildID or CHILD; empty for a rule about the return as a whole
    rule: str
    level: str  # "ERROR" or "QUERY"
    table: str
    column: str
    value: str
    description: str

    def line(self) -> str:
        """child, rule, level, table.column and the value there ('' when blank), description."""
        where = ".".join(p for p in (self.table, self.column) if p)
        value = repr(self.value) if self.column else ""  # no column: a rule about the whole return
        return "  ".join(p for p in (self.child or "(whole return)", self.rule, self.level, where, value,
                                     self.description) if p)


@dataclass
class ValidationResult:
    kind: str
    ruleset: str
    issues: list[Issue]
    rules: int  # in the ruleset's registry
    ran: int
    # Rules that could not run because one of this year's tables was missing (903 only): a
    # complete return has none.
    skipped: list[str] = field(default_factory=list)
    # Every rule that did not run, with why: besides a missing table, the 903 validator has rules
    # that need last year's return, the Ofsted providers lists, or the XML form (rule 105).
    not_run: dict[str, str] = field(default_factory=dict)
    crashed: list[str] = field(default_factory=list)  # rules that raised inside the validator
    crash_reasons: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(i.level == "ERROR" for i in self.issues)

    @property
    def queries(self) -> int:
        return sum(i.level == "QUERY" for i in self.issues)

    @property
    def passed(self) -> bool:
        return self.errors == 0 and not self.skipped

    def summary(self) -> str:
        title = VALIDATORS[self.kind].title
        parts = [f"{title} checked with {self.ruleset}: {self.rules} rules, {self.ran} ran"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped for a missing table ({', '.join(self.skipped)})")
        other = len(self.not_run) - len(self.skipped)
        if other:
            parts.append(f"{other} need last year's return, the Ofsted lists or the XML form")
        if self.crashed:
            parts.append(f"{len(self.crashed)} crashed inside the validator ({', '.join(self.crashed)})")
        counts = _count(self.errors, "error")
        if self.kind == "cin":  # the 903 validator has no queries
            counts += ", " + _count(self.queries, "query", "queries")
        return "; ".join(parts) + f". {counts[0].upper()}{counts[1:]}."


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n if n else 'no'} {one if n == 1 else many or one + 's'}"


def validate_cin(path: Path, year: int) -> ValidationResult:
    """Check one CIN census XML file against the rules of the collection ending 31 March `year`."""
    path = Path(path)
    if not path.is_file():
        raise InvalidArgument(f"There is no file at {path}: give the CIN census XML file to check.")
    validator = VALIDATORS["cin"]
    return _result(validator, _run(validator, year, [validator.ruleset(year), str(path.resolve())]))


def validate_903(folder: Path, year: int, local_authority: str = DEFAULT_LOCAL_AUTHORITY) -> ValidationResult:
    """Check the SSDA903 tables in `folder` (every *.csv file there; the validator tells the
    tables apart by their columns, not their names) against the rules of the collection ending
    31 March `year`. `local_authority` is the council's ONS code, like E09000027."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidArgument(f"There is no folder at {folder}: give the folder holding the 903 CSV tables.")
    files = sorted(str(p.resolve()) for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    if not files:
        raise InvalidArgument(f"{folder} holds no .csv files: the 903 return is a CSV file per table.")
    validator = VALIDATORS["903"]
    args = [validator.ruleset(year), str(year), local_authority, *files]
    return _result(validator, _run(validator, year, args))


def _result(validator: Validator, out: dict) -> ValidationResult:
    crashed = out.get("crashed", {})
    return ValidationResult(
        kind=validator.kind, ruleset=out["ruleset"], rules=out["rules"], ran=out["ran"],
        issues=[Issue(**issue) for issue in out["issues"]], skipped=list(out.get("skipped", [])),
        not_run=dict(out.get("not_run", {})), crashed=sorted(crashed), crash_reasons=dict(crashed))


def _run(validator: Validator, year: int, args: list[str]) -> dict:
    python = ensure_installed(validator.kind)
    # -I: the validator's environment only, whatever PYTHONPATH or user site-packages the caller has.
    command = [str(python), "-I", str(SCRIPTS / validator.script), *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise FailedPrecondition(f"The {validator.title} validator was still running after {RUN_TIMEOUT // 60} "
                                 "minutes and was stopped.") from None
    lines = done.stdout.strip().splitlines()
    try:
        out = json.loads(lines[-1])
    except (IndexError, ValueError):
        raise FailedPrecondition(f"The {validator.title} validator stopped without a result (exit status "
                                 f"{done.returncode}): {_tail(done.stderr)}") from None
    if "unknown_ruleset" in out:
        years = ", ".join(str(validator.year_of(r)) for r in out["rulesets"])
        raise InvalidArgument(f"The installed {validator.title} validator ({validator.pins[0]}) has no rules for "
                              f"the {year - 1}-{year % 100:02d} collection ({out['unknown_ruleset']}); it has "
                              f"rules for the collections ending 31 March {years}.")
    if "error" in out:
        raise InvalidArgument(f"The {validator.title} validator could not check the return: {out['error']}")
    return out


def _tail(text: str, lines: int = 8) -> str:
    return " | ".join(text.strip().splitlines()[-lines:]) or "(it printed nothing)"


def home() -> Path:
    return Path(os.environ.get("ICS_VALIDATORS_HOME") or Path.home() / ".cache" / "ics-validators").expanduser()


def ensure_installed(kind: str) -> Path:
    """The Python of the `kind` ("cin" or "903") validator's environment, building it first if
    it is missing, half-made or holds other pins. Safe to call from several processes at once
    (pytest-xdist workers): one builds while the others wait on a lock file."""
    if kind not in VALIDATORS:
        raise InvalidArgument(f"There is no validator called {kind!r}; choose from {', '.join(VALIDATORS)}.")
    validator = VALIDATORS[kind]
    venv = home() / kind
    if _ready(venv, validator):
        return venv / "bin" / "python"
    home().mkdir(parents=True, exist_ok=True)
    with open(home() / f".{kind}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or if this process dies
        if not _ready(venv, validator):  # nobody built it while we waited
            _build(venv, validator)
    return venv / "bin" / "python"


def installed(kind: str) -> bool:
    """Is the `kind` validator's environment built, so that using it needs no download?"""
    return _ready(home() / kind, VALIDATORS[kind])


def _ready(venv: Path, validator: Validator) -> bool:
    marker = venv / MARKER
    return ((venv / "bin" / "python").exists() and marker.is_file()
            and marker.read_text(encoding="utf-8") == _pins_text(validator))


def _pins_text(validator: Validator) -> str:
    return "\n".join(validator.pins) + "\n"


def _build(venv: Path, validator: Validator) -> None:
    shutil.rmtree(venv, ignore_errors=True)  # a half-made environment, or one with older pins
    python = str(venv / "bin" / "python")
    for step in ([sys.executable, "-m", "venv", str(venv)],
                 [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *validator.pins]):
        try:
            done = subprocess.run(step, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
            said = done.stderr if done.returncode else None
        except (OSError, subprocess.TimeoutExpired) as exc:
            said = f"{type(exc).__name__}: {exc}"
        if said is not None:
            shutil.rmtree(venv, ignore_errors=True)
            offline = any(hint in said for hint in OFFLINE_HINTS)
            raise FailedPrecondition(
                f"Could not install the {validator.title} validator ({' '.join(validator.pins)}) into {venv}"
                + (": pip could not reach the package index. " if offline else ". ")
                + "It is downloaded from PyPI (or this machine's pip index) once: check the network and any "
                "proxy, or set ICS_VALIDATORS_HOME to a folder where `python -m "
                f"services.records.returns.validators install` has already built it. {step[2]} said: {_tail(said)}")
    temporary = venv / (MARKER + ".new")
    temporary.write_text(_pins_text(validator), encoding="utf-8")
    temporary.replace(venv / MARKER)


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "install" or any(kind not in VALIDATORS for kind in argv[1:]):
        print("usage: python -m services.records.returns.validators install [cin] [903]", file=sys.stderr)
        return 2
    for kind in argv[1:] or list(VALIDATORS):
        try:
            python = ensure_installed(kind)
        except FailedPrecondition as exc:
            print(exc.message, file=sys.stderr)
            return 2
        print(f"The {VALIDATORS[kind].title} validator is installed in {python.parent.parent}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
