"""The generated code committed beside protos/ must be exactly what the .proto files give."""

from __future__ import annotations

import filecmp
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "protos"))
import generate  # noqa: E402  (protos/generate.py)


def test_generated_code_matches_the_protos(tmp_path):
    generate.generate(tmp_path)
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert fresh, "the generator produced nothing"
    drifted = [str(rel) for rel in fresh
               if not (ROOT / "protos" / rel).is_file() or not filecmp.cmp(tmp_path / rel, ROOT / "protos" / rel, shallow=False)]
    assert not drifted, f"generated code is stale; run `make protos` and commit: {drifted}"
    # Source files only: Python's own byte-code caches (__pycache__) are not committed code.
    committed = {p.relative_to(ROOT / "protos") for p in (ROOT / "protos").rglob("*_pb2*.py*")
                 if "__pycache__" not in p.parts}
    assert committed == {p for p in fresh}, "a generated file is committed without its .proto, or missing"
