"""England's statutory returns from the records, checked by the public DfE-rule validators, and a
council's history brought back in from its returns: on SQLite and on PostgreSQL.

A generated council (services/records/generate.py) is exported with `ics admin export cin`; the
validator (csc-validator-be-cin, in its own virtual environment) must find no error, and a record
broken directly in the database must make it fail (tests/integration/test_ssda903_export.py does
the same for the SSDA903). The returns of three years, imported oldest
first into empty databases with `ics admin import cin|903`, must export again byte for byte, and
files with planted errors must have each one reported while every valid item still comes in."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from services.common.config import SERVICES
from services.common.db import Database
from services.common.errors import InvalidArgument
from services.records.models import AuditEntry, Episode, Person
from services.records.returns.collection import la_child_id
from services.records.returns.validators import validate_903, validate_cin
from tests.conftest import fresh_pg_databases

UNTIL = "2026-06-30"
STAMP = "2026-05-01T09:00:00"


@contextmanager
def databases(engine: str, data_dir: Path):
    """Environment settings for one council's databases: SQLite files in `data_dir`, or fresh
    PostgreSQL databases dropped afterwards."""
    env = {**os.environ, "ICS_LA_CODE": "318", "PYTHONWARNINGS": "ignore"}
    for name in SERVICES:
        env.pop(f"ICS_{name.upper()}_DATABASE_URL", None)
    if engine == "postgresql":
        with fresh_pg_databases() as urls:
            for name, url in urls.items():
                env[f"ICS_{name.upper()}_DATABASE_URL"] = url
            yield env
    else:
        yield env


def ics(env: dict, data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "services.cli", "admin", *args, "--data", str(data_dir)],
                          env=env, capture_output=True, text=True, timeout=600)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def records_db(env: dict, data_dir: Path) -> Database:
    return Database(env.get("ICS_RECORDS_DATABASE_URL") or f"sqlite:///{data_dir / 'records.db'}")


@pytest.fixture(scope="module")
def council(engine_name, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp(f"council-{engine_name}")
    with databases(engine_name, data_dir) as env:
        ics(env, data_dir, "generate", "--children", "150", "--years", "3", "--seed", "7", "--until", UNTIL)
        yield env, data_dir


def export(env, data_dir, year: int, out: Path) -> Path:
    done = ics(env, data_dir, "export", "cin", "--year", str(year), "--out", str(out), "--produced-at", STAMP)
    assert "Wrote the CIN census for" in done.stdout
    return out


def export_903(env, data_dir, year: int, out: Path) -> Path:
    done = ics(env, data_dir, "export", "903", "--year", str(year), "--out", str(out))
    assert f"SSDA903 {year - 1}-{str(year)[2:]} written to" in done.stdout
    return out


def rows_by_child(folder: Path) -> dict[str, dict[str, list[str]]]:
    """Each table's lines, by the child they are about: {file: {child: [line, ...]}}."""
    tables: dict[str, dict[str, list[str]]] = {}
    for path in sorted(folder.glob("*.csv")):
        lines = path.read_text().splitlines()[1:]
        tables[path.name] = {}
        for line in lines:
            tables[path.name].setdefault(line.split(",", 1)[0], []).append(line)
    return tables


def children_of(path: Path) -> dict[str, bytes]:
    return {c.findtext("ChildIdentifiers/LAchildID"): ET.tostring(c)
            for c in ET.parse(path).getroot().find("Children")}


def test_the_census_passes_the_public_validator_and_is_audited(council, tmp_path):
    env, data_dir = council
    path = export(env, data_dir, 2026, tmp_path / "cin.xml")
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # children's details: the owner only
    root = ET.parse(path).getroot()
    assert root.findtext("Header/CollectionDetails/Year") == "2026"
    assert root.findtext("Header/Source/LEA") == "318"
    assert len(root.find("Children")) > 50
    assert root.findall(".//Assessments") and root.findall(".//ChildProtectionPlans") and root.findall(".//Section47")

    result = validate_cin(path, 2026)
    assert result.errors == 0, "\n".join(f"{i.child} {i.rule} {i.table}.{i.column}: {i.description}"
                                         for i in result.issues if i.level == "ERROR")
    db = records_db(env, data_dir)
    try:
        row = db.read_sync(lambda s: s.scalars(select(AuditEntry).where(
            AuditEntry.subject == "returns/cin/2026").order_by(AuditEntry.id.desc())).first())
        assert row is not None and row.action == "return" and len(row.person_ids.split(",")) == len(root.find("Children"))
    finally:
        db.dispose()


def test_a_broken_record_makes_the_validator_fail(council, tmp_path):
    env, data_dir = council
    db = records_db(env, data_dir)
    try:
        def break_one(session):
            episode = session.scalars(select(Episode).where(
                Episode.closed_date.is_not(None), Episode.closure_reason.like("RC%"),
                Episode.opened_date >= date(2025, 5, 1), Episode.closed_date <= date(2026, 3, 31))
                .order_by(Episode.id)).first()
            person = session.get(Person, episode.person_id)
            saved = episode.closed_date
            episode.closed_date = date(2025, 4, 2)  # before the referral: impossible
            return episode.id, la_child_id(person), saved

        episode_id, child, saved = db.write_sync(break_one)
        result = validate_cin(export(env, data_dir, 2026, tmp_path / "broken.xml"), 2026)
        assert result.errors >= 1
        assert any(i.child == child and i.rule == "8630" for i in result.issues), result.summary()
    finally:
        def mend(session):
            session.get(Episode, episode_id).closed_date = saved

        db.write_sync(mend)
        db.dispose()


def test_three_years_imported_into_empty_databases_export_again_identically(council, engine_name, tmp_path):
    """Both returns for three years, oldest first (the census before the 903 of each era, as a child
    becomes looked after within an episode of need), into empty databases: every export again is
    the same bytes, and running the imports again brings in nothing."""
    env, data_dir = council
    years = (2024, 2025, 2026)
    census = {year: export(env, data_dir, year, tmp_path / f"cin_{year}.xml") for year in years}
    looked_after = {year: export_903(env, data_dir, year, tmp_path / f"903_{year}") for year in years}
    target = tmp_path / "migrated"
    with databases(engine_name, target) as new_env:
        ics(new_env, target, "migrate")
        ics(new_env, target, "create-team", "Duty and Assessment", "--duty")
        for kind, files in (("cin", census), ("903", looked_after)):
            for year in years:
                done = ics(new_env, target, "import", kind, str(files[year]))
                assert "0 item(s) not imported" in done.stdout, done.stdout
        for kind, files in (("cin", census), ("903", looked_after)):
            again = ics(new_env, target, "import", kind, str(files[2026]))
            assert again.stdout.strip().endswith("Imported nothing new; 0 item(s) not imported, listed above.")
        # Every year comes back exactly, the earlier ones too: what a later return adds (a primary
        # need stated once the assessment ended) is kept as that year stated it.
        for year in years:
            assert export(new_env, target, year, tmp_path / f"again_{year}.xml").read_bytes() == \
                census[year].read_bytes(), f"the {year} census changed on the way through"
        for year in years:
            again = export_903(new_env, target, year, tmp_path / f"again_903_{year}")
            for path in sorted(looked_after[year].iterdir()):
                assert (again / path.name).read_bytes() == path.read_bytes(), \
                    f"the {year} SSDA903 {path.name} changed on the way through"


def test_planted_census_errors_are_each_reported_and_every_valid_item_comes_in(council, engine_name, tmp_path):
    env, data_dir = council
    source = export(env, data_dir, 2026, tmp_path / "clean.xml")
    earlier = [export(env, data_dir, year, tmp_path / f"cin_{year}.xml") for year in (2024, 2025)]
    known_before = set(children_of(earlier[0])) | set(children_of(earlier[1]))
    tree = ET.parse(source)
    children = tree.getroot().find("Children")
    planted: dict[str, tuple[str, str]] = {}  # child -> (item, words the report must use)

    def child_with(path: str, one_episode: bool = False):
        """A child not yet planted with `path` (and, for a closure, only one episode, so leaving
        it open cannot touch a later one)."""
        for child in children:
            found = child.find(path)
            if (found is not None and child.findtext("ChildIdentifiers/LAchildID") not in planted
                    and (not one_episode or len(child.findall("CINdetails")) == 1)):
                return child, found
        raise AssertionError(f"no child has {path}")

    child, found = child_with("CINdetails/PrimaryNeedCode")
    found.text = "N99"
    planted[child.findtext("ChildIdentifiers/LAchildID")] = ("PrimaryNeedCode 'N99'", "left out")
    child, found = child_with("CINdetails/Assessments/AssessmentAuthorisationDate")
    found.text = "2001-01-01"
    planted[child.findtext("ChildIdentifiers/LAchildID")] = ("AssessmentAuthorisationDate", "before the assessment started")
    child, found = child_with("CINdetails/CINclosureDate", one_episode=True)
    found.text = "2026-13-45"
    planted[child.findtext("ChildIdentifiers/LAchildID")] = ("CINclosureDate", "is not a date")
    child, found = next((c, c.find("ChildIdentifiers/LAchildID")) for c in children
                        if c.findtext("ChildIdentifiers/LAchildID") not in {*planted, *known_before})
    refused_whole = found.text  # new this year, so no earlier return brings them in
    found.text = "BAD-ID!"
    planted["BAD-ID!"] = ("LAchildID", "letters and digits only")
    broken = tmp_path / "planted.xml"
    tree.write(broken, encoding="utf-8", xml_declaration=True)

    target = tmp_path / "migrated"
    with databases(engine_name, target) as new_env:
        ics(new_env, target, "migrate")
        ics(new_env, target, "create-team", "Duty and Assessment", "--duty")
        for path in earlier:  # the earlier years first, so earlier plans are counted
            ics(new_env, target, "import", "cin", str(path))
        done = ics(new_env, target, "import", "cin", str(broken), check=False)
        assert done.returncode == 1
        lines = [line for line in done.stdout.splitlines() if line.startswith("Child ")]
        for child_id, (item, words) in planted.items():
            assert any(line.startswith(f"Child {child_id},") and item in line and words in line for line in lines), \
                f"{child_id} {item} not reported:\n" + "\n".join(lines)
        assert len(lines) == len(planted), "\n".join(lines)

        # Every child without a planted error comes back exactly as it went in; the one with a
        # bad id is refused whole, and the others come in without only their bad item.
        out = export(new_env, target, 2026, tmp_path / "after.xml")
        before, after = children_of(source), children_of(out)
        for child_id, element in before.items():
            if child_id not in planted and child_id != refused_whole:
                assert after.get(child_id) == element, f"{child_id} changed on the way in"
        assert refused_whole not in after and "BAD-ID!" not in after
        assert set(after) == set(before) - {refused_whole}


def test_planted_903_errors_are_each_reported_and_every_valid_row_comes_in(council, engine_name, tmp_path):
    env, data_dir = council
    census = [export(env, data_dir, year, tmp_path / f"cin_{year}.xml") for year in (2024, 2025, 2026)]
    earlier = [export_903(env, data_dir, year, tmp_path / f"903_{year}") for year in (2024, 2025)]
    source = export_903(env, data_dir, 2026, tmp_path / "903_2026")
    known_before = {child for folder in earlier for child in rows_by_child(folder)["header.csv"]}
    tables = rows_by_child(source)
    new = [c for c in sorted(tables["header.csv"]) if c not in known_before]
    # A child new this year with one episode row (so a bad start date touches nothing else), a
    # child with a review, and another child, whose id is then made invalid.
    bad_date = next(c for c in new if len(tables["episodes.csv"].get(c, [])) == 1)
    bad_review = next(c for c in sorted(tables["reviews.csv"]) if c != bad_date)
    bad_id = next(c for c in sorted(tables["header.csv"]) if c not in (bad_date, bad_review))
    planted = {bad_date: ("DECOM", "is not a date"), bad_review: ("REVIEW_CODE 'PN9'", "left out"),
               bad_id: ("CHILD", "letters and digits only")}
    broken = tmp_path / "planted"
    broken.mkdir()
    for path in source.iterdir():
        out = []
        for number, line in enumerate(path.read_text().splitlines()):
            cells = line.split(",")
            if path.name == "episodes.csv" and cells[0] == bad_date:
                cells[1] = "31/02/2026"
            if path.name == "reviews.csv" and cells[0] == bad_review and bad_review not in {o.split(",")[0] for o in out[1:]}:
                cells[3] = "PN9"  # its first review only
            if number and cells[0] == bad_id:
                cells[0] = "BAD!"
            out.append(",".join(cells))
        (broken / path.name).write_text("\r\n".join(out) + "\r\n")
    target = tmp_path / "migrated"
    with databases(engine_name, target) as new_env:
        ics(new_env, target, "migrate")
        ics(new_env, target, "create-team", "Duty and Assessment", "--duty")
        for path in census:
            ics(new_env, target, "import", "cin", str(path))
        for folder in earlier:
            ics(new_env, target, "import", "903", str(folder))
        done = ics(new_env, target, "import", "903", str(broken), check=False)
        assert done.returncode == 1
        lines = [line for line in done.stdout.splitlines() if line.startswith("Child ")]
        for child, (item, words) in planted.items():
            shown = "BAD!" if child == bad_id else child
            assert any(line.startswith(f"Child {shown},") and item in line and words in line for line in lines), \
                f"{child} {item} not reported:\n" + "\n".join(lines)
        assert len(lines) == len(planted), "\n".join(lines)
        # Every other child's rows, in every table, come back exactly.
        after = rows_by_child(export_903(new_env, target, 2026, tmp_path / "after"))
        for table, by_child in rows_by_child(source).items():
            for child, lines_before in by_child.items():
                if child not in planted:
                    assert after[table].get(child) == lines_before, f"{child} changed in {table}"


def test_the_demo_councils_returns_have_no_error(tmp_path):
    """The demo council (`ics admin seed-demo`: recent referrals, and a dozen children with two
    years' history, a third of them looked after), in the last collection that has ended."""
    env = {**os.environ, "ICS_LA_CODE": "318"}
    for name in SERVICES:
        env.pop(f"ICS_{name.upper()}_DATABASE_URL", None)
    data_dir = tmp_path / "demo"
    ics(env, data_dir, "seed-demo")
    today = date.today()
    year = today.year if today.month > 3 else today.year - 1  # the collection ending on the last 31 March
    path = export(env, data_dir, year, tmp_path / "demo.xml")
    assert len(ET.parse(path).getroot().find("Children")) >= 5
    folder = export_903(env, data_dir, year, tmp_path / "demo-903")
    assert rows_by_child(folder)["header.csv"], "the demo has looked-after children"
    try:
        census, looked_after = validate_cin(path, year), validate_903(folder, year)
    except InvalidArgument as unknown:  # a validator release older than this collection
        pytest.skip(unknown.message)
    assert census.errors == 0, census.summary()
    assert looked_after.errors == 0 and not looked_after.skipped, looked_after.summary()


def test_a_file_that_is_not_a_census_is_refused_whole(tmp_path):
    env = {**os.environ}
    for name in SERVICES:
        env.pop(f"ICS_{name.upper()}_DATABASE_URL", None)
    data_dir = tmp_path / "data"
    ics(env, data_dir, "migrate")
    ics(env, data_dir, "create-team", "Duty", "--duty")
    (tmp_path / "notes.xml").write_text("<notes><note>hello</note></notes>")
    done = ics(env, data_dir, "import", "cin", str(tmp_path / "notes.xml"), check=False)
    assert done.returncode == 1 and "is not a CIN census file" in done.stderr and "nothing was imported" in done.stderr
    done = ics(env, data_dir, "import", "cin", str(tmp_path / "missing.xml"), check=False)
    assert done.returncode == 1 and "There is no file" in done.stderr
