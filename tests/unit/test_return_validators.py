"""The public DfE-rule validators, run through services/records/returns/validators.py on small
hand-written returns (tests/unit/return_fixtures): a clean one passes, a planted mistake is
reported against the right child and rule.

The validators run for real, each in its own virtual environment; the first run builds those
(about half a minute; `make test` builds them beforehand). All data is made up; the 903
postcodes are real ones (the validator looks them up to place a child in or out of the
council's area) and identify no one.
"""

from __future__ import annotations

import argparse
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from services.common.errors import FailedPrecondition, InvalidArgument
from services.records.returns import validate_cli, validators

FIXTURES = Path(__file__).with_name("return_fixtures")
CLEAN_CIN = FIXTURES / "cin_2026_clean.xml"
CLEAN_903 = FIXTURES / "ssda903_2026_clean"
# Rules of csc-validator-be-903 0.1.17 that raise on any data: 231 reads a Header column
# (UASC_STATUS) and 233 an Episodes column (DATE_EPISODE_CEASED) that no 903 table has.
CRASH_ON_ANY_DATA = {"231", "233"}


@pytest.fixture(scope="module", autouse=True)
def installed():
    """Both validators' environments, built once. Skips only when pip cannot reach the index."""
    for kind in validators.VALIDATORS:
        try:
            validators.ensure_installed(kind)
        except FailedPrecondition as exc:
            if "could not reach the package index" in exc.message:
                pytest.skip(f"the validators cannot be installed without the network: {exc.message}")
            raise


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="ics admin")
    validate_cli.add_parsers(parser.add_subparsers(dest="admin", required=True), lambda p: None)
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_clean_cin_census_has_no_errors():
    result = validators.validate_cin(CLEAN_CIN, 2026)
    assert result.ruleset == "cin2025_26"
    assert result.errors == 0, [i.line() for i in result.issues]
    assert result.crashed == [] and result.ran == result.rules > 100
    # The one query on a small return: fewer than 8 disability codes used in the whole return.
    assert [(i.rule, i.child) for i in result.issues] == [("2887Q", "")]
    assert result.passed


def test_planted_cin_error_names_the_child_and_rule(tmp_path):
    broken = tmp_path / "cin.xml"
    text = CLEAN_CIN.read_text(encoding="utf-8")
    second = text.index("<LAchildID>CIN002</LAchildID>")
    broken.write_text(text[:second] + text[second:].replace("<PrimaryNeedCode>N1<", "<PrimaryNeedCode>N99<", 1),
                      encoding="utf-8")
    result = validators.validate_cin(broken, 2026)
    assert [(i.child, i.rule, i.level, i.table, i.column, i.value) for i in result.issues if i.level == "ERROR"] \
        == [("CIN002", "8650", "ERROR", "CINdetails", "PrimaryNeedCode", "N99")]
    assert not result.passed
    assert "1 error, 1 query" in result.summary()


def test_clean_903_tables_have_no_errors_and_skip_no_rule():
    result = validators.validate_903(CLEAN_903, 2026)
    assert result.ruleset == "lac2025_26"
    assert result.errors == 0, [i.line() for i in result.issues]
    assert result.skipped == []
    assert set(result.crashed) <= CRASH_ON_ANY_DATA, result.crash_reasons
    # What does not run on this year's CSV tables alone is the rules needing last year's return,
    # the Ofsted providers lists, or the XML form.
    assert set(result.not_run.values()) <= {
        "needs last year's return", "needs the Ofsted children's homes and social care providers lists",
        "not applicable to these files (rule 105, for one, checks only the XML form)"}
    assert result.passed


def test_planted_903_error_names_the_child_and_rule(tmp_path):
    folder = shutil.copytree(CLEAN_903, tmp_path / "903")
    episodes = folder / "Episodes.csv"
    # Z1 was split into Z11-Z14 for 2025-26: an old code the exporter must not write.
    episodes.write_text(episodes.read_text().replace(",P,C2,N1,U4,", ",P,C2,N1,Z1,"))
    result = validators.validate_903(folder, 2026)
    assert ("C1001", "146", "ERROR", "Episodes", "PLACE", "Z1") in \
        [(i.child, i.rule, i.level, i.table, i.column, i.value) for i in result.issues]
    assert not result.passed


def test_a_missing_903_table_is_reported_by_the_rules_it_skips(tmp_path):
    folder = shutil.copytree(CLEAN_903, tmp_path / "903")
    (folder / "OC2.csv").unlink()
    result = validators.validate_903(folder, 2026)
    assert "191" in result.skipped and result.not_run["191"] == "missing table OC2"
    assert not result.passed and "skipped for a missing table" in result.summary()


def test_a_year_without_rules_says_which_years_there_are():
    with pytest.raises(InvalidArgument, match=r"no rules for the 2030-31 collection .*2023, 2024, 2025, 2026, 2027"):
        validators.validate_cin(CLEAN_CIN, 2031)


def test_a_csv_that_is_no_903_table_is_named(tmp_path):
    folder = shutil.copytree(CLEAN_903, tmp_path / "903")
    (folder / "notes.csv").write_text("CHILD,NOTE\nC1001,hello\n")
    with pytest.raises(InvalidArgument, match="notes.csv is not one of the 903 tables"):
        validators.validate_903(folder, 2026)


def test_cli_prints_one_line_per_issue_and_exits_by_errors(tmp_path, capsys):
    assert cli("validate", "cin", str(CLEAN_CIN), "--year", "2026") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("(whole return)  2887Q  QUERY  Please check")
    assert out[-1].startswith("CIN census checked with cin2025_26:")

    folder = shutil.copytree(CLEAN_903, tmp_path / "903")
    (folder / "OC2.csv").unlink()
    assert cli("validate", "903", str(folder), "--year", "2026") == 1  # no error, but rules skipped
    assert "skipped for a missing table" in capsys.readouterr().out

    assert cli("validate", "903", str(tmp_path / "nowhere"), "--year", "2026") == 2
    assert "There is no folder at" in capsys.readouterr().err
    assert cli("validate", "cin", str(CLEAN_CIN), "--year", "26") == 2
    assert "four digits" in capsys.readouterr().err


def test_a_half_made_environment_is_rebuilt_and_only_once(tmp_path, monkeypatch):
    monkeypatch.setenv("ICS_VALIDATORS_HOME", str(tmp_path))
    built = []

    def build(venv, validator):  # stands in for venv + pip: slow enough for the threads to meet
        built.append(venv)
        time.sleep(0.3)
        (venv / "bin").mkdir(parents=True, exist_ok=True)
        (venv / "bin" / "python").touch()
        (venv / validators.MARKER).write_text(validators._pins_text(validator))

    monkeypatch.setattr(validators, "_build", build)
    (tmp_path / "cin" / "bin").mkdir(parents=True)
    (tmp_path / "cin" / "bin" / "python").touch()  # an install that stopped before its marker
    assert not validators._ready(tmp_path / "cin", validators.VALIDATORS["cin"])

    # Two callers at once (as two pytest-xdist workers would be): flock serialises them even
    # within one process, since each opens the lock file afresh.
    with ThreadPoolExecutor(2) as pool:
        pythons = [f.result() for f in [pool.submit(validators.ensure_installed, "cin") for _ in range(2)]]
    assert pythons == [tmp_path / "cin" / "bin" / "python"] * 2
    assert built == [tmp_path / "cin"]
    assert validators._ready(tmp_path / "cin", validators.VALIDATORS["cin"])

    (tmp_path / "cin" / validators.MARKER).write_text("csc-validator-be-cin==0.1.12\n")  # older pins
    validators.ensure_installed("cin")
    assert len(built) == 2
