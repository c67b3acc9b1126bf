"""Regenerate the Python code for every contract in protos/ (python protos/generate.py).

The generated files are committed beside their .proto files, so councils install from wheels
with no code generator; tests/test_contracts.py fails when they drift from the .proto files.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

PROTO_ROOT = Path(__file__).resolve().parent


def proto_files(root: Path = PROTO_ROOT) -> list[Path]:
    return sorted(root.glob("ics/**/*.proto"))


def generate(out_dir: Path, root: Path = PROTO_ROOT) -> None:
    from grpc_tools import protoc

    well_known = resources.files("grpc_tools") / "_proto"
    args = [
        "protoc",
        f"-I{root}",
        f"-I{well_known}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *[str(p.relative_to(root)) for p in proto_files(root)],
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")


if __name__ == "__main__":
    generate(PROTO_ROOT)
    sys.exit(0)
