"""`ics admin generate`: deterministic synthetic councils with the report's shapes."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys

from services.records.generate import contacts_for_child


def test_contacts_per_child_follow_the_reports_shape():
    rng = random.Random(3)
    draws = [contacts_for_child(rng) for _ in range(20000)]
    one = sum(d == 1 for d in draws) / len(draws)
    at_most_four = sum(d <= 4 for d in draws) / len(draws)
    assert abs(one - 0.44) < 0.02 and abs(at_most_four - 0.74) < 0.02
    assert max(draws) <= 44 and min(draws) >= 1


def generated(tmp_path, name: str) -> list[tuple]:
    data = tmp_path / name
    result = subprocess.run([sys.executable, "-m", "services.cli", "admin", "generate", "--data", str(data),
                             "--children", "15", "--years", "2", "--seed", "11", "--until", "2026-10-30"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Generated 15 children" in result.stdout
    db = sqlite3.connect(data / "records.db")
    rows = db.execute("SELECT p.given_name, p.family_name, p.date_of_birth, r.received_date, r.decision, r.re_referral "
                      "FROM referrals r JOIN people p ON p.id = r.person_id ORDER BY r.id").fetchall()
    documents = db.execute("SELECT template_id, state, start_date FROM documents ORDER BY id").fetchall()
    return rows + documents


def test_the_same_seed_makes_the_same_council(tmp_path):
    first, second = generated(tmp_path, "a"), generated(tmp_path, "b")
    assert first == second and len(first) > 15
