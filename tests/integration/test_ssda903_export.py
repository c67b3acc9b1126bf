"""The SSDA903 looked-after children return from the records, checked by the public DfE-rule
validator: on SQLite and on PostgreSQL.

A generated council (services/records/generate.py) is exported with `export_903`; every one of
the eleven tables must be there with the validator's exact columns, hold the children the records
say were looked after in the year, come out byte for byte the same twice, and pass the validator
(csc-validator-be-903, in its own virtual environment) with no error and no rule skipped for a
missing table. A record broken directly in the database must make it fail for that child."""

from __future__ import annotations

import argparse
import csv
from contextlib import nullcontext
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from services import demo_data
from services.cli import _common, migrate_all
from services.common.db import Database
from services.identity.models import User
from services.records.generate import generate
from services.records.models import AuditEntry, CarePeriod, Person, Placement
from services.records.returns import export_cli
from services.records.returns.collection import CONSOLE, Collection, la_child_id
from services.records.returns.ssda903 import export_903
from services.records.returns.validators import validate_903
from services.records.signing import Signer
from services.records.template_library import TemplateLibrary
from services.stack import isolated_config
from tests.conftest import fresh_pg_databases

UNTIL = date(2026, 10, 30)
YEAR = 2026  # the last collection complete by UNTIL: 1 April 2025 to 31 March 2026
# The validator's own column sets (lac_validator/config.py, ../shared/docs/returns.md §3.2),
# written out here so a change in the exporter cannot move both sides at once.
TABLES = {
    "header.csv": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
    "episodes.csv": "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
    "reviews.csv": "CHILD,DOB,REVIEW,REVIEW_CODE",
    "uasc.csv": "CHILD,SEX,DOB,DUC",
    "oc2.csv": "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,"
               "SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED",
    "oc3.csv": "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM",
    "ad1.csv": "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR",
    "placed_adoption.csv": "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED",
    "prev_perm.csv": "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM",
    "missing.csv": "CHILD,DOB,MISSING,MIS_START,MIS_END",
    "sw_episodes.csv": "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON",
}


@pytest.fixture(scope="module")
def council(engine_name, tmp_path_factory):
    """300 children over three years in the engine's databases, with the demo council's staff."""
    data_dir = tmp_path_factory.mktemp(f"ssda903-{engine_name}")
    with (fresh_pg_databases() if engine_name == "postgresql" else nullcontext()) as urls:
        config = isolated_config(data_dir, urls)
        migrate_all(config)
        identity = Database(config["identity"].database_url)
        demo_data.seed_identity(identity, config)
        staff = identity.read_sync(lambda s: {u.username: demo_data.staff_principal(u)
                                              for u in s.scalars(select(User))})
        identity.dispose()
        db = Database(config["records"].database_url)
        library = TemplateLibrary.load()
        generate(db, library, Signer.load_or_create(config.records_signing_key_file), staff, 300, 3, 5, UNTIL)
        try:
            yield config, db, library
        finally:
            db.dispose()


def export(council, out: Path):
    _config, db, library = council
    return db.write_sync(lambda s: export_903(s, CONSOLE, library, Collection(YEAR), out))


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def exported(council, tmp_path_factory):
    out = tmp_path_factory.mktemp("return") / "903"
    return out, export(council, out)


def looked_after_in_year(session) -> dict[str, Person]:
    c = Collection(YEAR)
    return {la_child_id(p): p for p in session.scalars(
        select(Person).join(CarePeriod, CarePeriod.child_id == Person.id).where(
            CarePeriod.start_date <= c.end, (CarePeriod.end_date.is_(None)) | (CarePeriod.end_date >= c.start)))}


def test_all_eleven_tables_with_the_validators_columns(exported):
    out, summary = exported
    assert sorted(p.name for p in out.iterdir()) == sorted(TABLES)
    for name, header in TABLES.items():
        assert (out / name).read_text(encoding="utf-8").splitlines()[0] == header, name
        assert oct((out / name).stat().st_mode & 0o777) == "0o600"  # children's details: the owner only
    assert oct(out.stat().st_mode & 0o777) == "0o700"
    assert set(summary.rows) == {"Header", "Episodes", "Reviews", "UASC", "OC2", "OC3", "AD1", "PlacedAdoption",
                                 "PrevPerm", "Missing", "SWEpisodes"}


def test_the_children_looked_after_in_the_year_and_their_rows(council, exported):
    _config, db, _library = council
    out, summary = exported
    expected = db.read_sync(looked_after_in_year)
    header = read(out / "header.csv")
    assert len(expected) >= 10 and summary.children == len(expected)
    assert {row["CHILD"] for row in header} == set(expected)
    for row in header:
        person = expected[row["CHILD"]]
        assert row["DOB"] == person.date_of_birth.strftime("%d/%m/%Y") and row["SEX"] in ("F", "M")
        assert row["UPN"], f"{row['CHILD']} has neither a UPN nor the reason there is none"
    episodes = read(out / "episodes.csv")
    assert {row["CHILD"] for row in episodes} == set(expected)
    c = Collection(YEAR)
    for row in episodes:
        begins = date(*reversed([int(x) for x in row["DECOM"].split("/")]))
        assert begins <= c.end and row["RNE"] and row["LS"] and row["CIN"] and row["PLACE"]
        if row["DEC"]:
            ends = date(*reversed([int(x) for x in row["DEC"].split("/")]))
            assert c.start <= ends <= c.end and row["REC"]
    # Everyone looked after has a social worker and was reviewed; those looked after all year
    # have their health answers.
    assert {row["CHILD"] for row in read(out / "sw_episodes.csv")} == set(expected)
    assert read(out / "reviews.csv") and all(r["REVIEW_CODE"] for r in read(out / "reviews.csv"))
    assert read(out / "oc2.csv") and all(r["HEALTH_ASSESSMENT"] for r in read(out / "oc2.csv"))


def test_the_export_is_audited_with_the_children_included(council, exported):
    _config, db, _library = council
    _out, summary = exported
    row = db.read_sync(lambda s: s.scalars(select(AuditEntry).where(
        AuditEntry.subject == f"returns/ssda903/{YEAR}").order_by(AuditEntry.id.desc())).first())
    assert row is not None and row.action == "export" and row.actor_username == CONSOLE.username
    assert len(row.person_ids.split(",")) == summary.children


def test_two_exports_of_the_same_records_are_byte_identical(council, exported, tmp_path):
    out, _summary = exported
    again = tmp_path / "again"
    export(council, again)
    for name in TABLES:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_the_public_validator_finds_no_error_and_skips_no_rule(exported):
    out, _summary = exported
    result = validate_903(out, YEAR)
    assert result.errors == 0, "\n".join(i.line() for i in result.issues)
    assert result.skipped == [], result.summary()  # every table it needs is there
    assert result.ran > 250


def test_the_command_refuses_a_used_folder_and_a_bad_year(council, tmp_path, capsys):
    config, _db, _library = council
    top = argparse.ArgumentParser()
    export_cli.add_parsers(top.add_subparsers(dest="admin"), lambda p: _common(p, nested=True))

    def run(*argv: str) -> int:
        return export_cli.run(top.parse_args(["export", "903", *argv]), config)

    out = tmp_path / "cli"
    assert run("--year", str(YEAR), "--out", str(out)) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"SSDA903 2025-26 written to {out}: ") and " children; rows: Header " in said
    assert run("--year", str(YEAR), "--out", str(out)) == 1
    assert "already holds files" in capsys.readouterr().out
    assert run("--year", str(YEAR), "--out", str(out), "--force") == 0
    capsys.readouterr()
    assert run("--year", "26", "--out", str(tmp_path / "other")) == 2
    assert "like 2026 for the 2025-26 collection" in capsys.readouterr().out
    assert not (tmp_path / "other").exists()


def test_a_broken_record_makes_the_validator_report_it_for_that_child(council, tmp_path):
    _config, db, _library = council
    c = Collection(YEAR)

    def break_one(session):
        placed = session.scalars(select(Placement).where(
            Placement.care_period_id.is_not(None), Placement.start_date <= c.end,
            (Placement.end_date.is_(None)) | (Placement.end_date >= c.start)).order_by(Placement.id)).first()
        saved = placed.placement_type
        placed.placement_type = "Q9"  # no such SSDA903 placement type
        return placed.id, la_child_id(session.get(Person, placed.child_id)), saved

    placement_id, child, saved = db.write_sync(break_one)
    try:
        result = validate_903(export(council, tmp_path / "broken") and tmp_path / "broken", YEAR)
        assert result.errors >= 1
        assert any(i.child == child and i.rule == "146" for i in result.issues), result.summary()
    finally:
        def mend(session):
            session.get(Placement, placement_id).placement_type = saved

        db.write_sync(mend)
