"""How long a council's template change takes to reach workers: wall time from "records told to
restart, with a new version file in the council's templates folder" to "GetTemplate returns the
new version", with identity and alerts left running and the worker's session kept.

The three real services run as separate processes on free ports (SQLite), records with
`templates_dir` set. Each run writes the next version of contact-record (a reworded question
and an added one), sends records SIGTERM, starts it again as `ics serve records` would be, and
asks from the same signed-in client until the new version answers. Printed beside it, from the
same run: the parts (stop, start to SERVING, first answer) and a bare `python -c pass` start.
Each run begins with alerts following the records event stream, as in steady use.
Usage: python bench/template_change.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from ics.alerts.v1 import alerts_pb2
from ics.records.v1 import records_pb2 as pb
from tui.core.errors import ServiceError

from _common import client, council, services  # bench/ is on sys.path: it is the script's own folder

SHIPPED = Path(__file__).resolve().parents[1] / "services" / "records" / "templates"


def write_version(folder: Path, version: int) -> Path:
    doc = yaml.safe_load((SHIPPED / "contact-record" / "v1.yaml").read_text(encoding="utf-8"))
    doc["version"] = version
    section = next(s for s in doc["sections"] if s["id"] == "the_contact")
    next(q for q in section["questions"] if q["id"] == "contact_date")["label"] = f"Date we were contacted (v{version})"
    section["questions"].append({"id": "council_reference", "label": "Council reference number", "type": "text",
                                 "family_label": {"en": "Our reference", "cy": "Ein cyfeirnod"}})
    path = folder / "contact-record" / f"v{version}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def wait_alerts_following(duty, timeout: float = 30.0) -> None:
    """The steady state: alerts is following the records event stream again (it reconnects with
    a back-off after records restarts), so each run stops records as production would find it."""
    deadline = time.monotonic() + timeout
    while not duty._call("alerts", duty.alerts.GetFeedStatus, alerts_pb2.GetFeedStatusRequest()).connected:
        if time.monotonic() > deadline:
            raise TimeoutError("alerts never followed records again")
        time.sleep(0.1)
    time.sleep(1.0)  # `connected` is set as the stream is opened; let it be in flight


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    bare = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - start)

    rows = []
    with tempfile.TemporaryDirectory() as tmp, council(Path(tmp)) as (config, _users):
        folder = Path(tmp) / "council-templates"
        folder.mkdir()
        config["records"].templates_dir = str(folder)
        with services(config, Path(tmp) / "logs") as procs:
            others = {name: procs.procs[name].pid for name in ("identity", "alerts")}
            duty = client(config, "duty")
            token = duty.session.token

            def current() -> pb.Template:
                return duty._call("records", duty.records.GetTemplate, pb.GetTemplateRequest(template_id="contact-record"))

            assert current().version == 1
            for run in range(args.runs):
                version = run + 2
                wait_alerts_following(duty)
                write_version(folder, version)
                told = time.perf_counter()
                old = procs.procs["records"]
                old.send_signal(signal.SIGTERM)
                old.wait(30)
                stopped = time.perf_counter()
                procs.start(["records"])  # returns once records reports SERVING
                serving = time.perf_counter()
                refused = 0
                while True:
                    try:
                        template = current()
                        break
                    except ServiceError as exc:  # the client's channel may still be reconnecting
                        if exc.code != "UNAVAILABLE":
                            raise
                        refused += 1
                        time.sleep(0.01)
                answered = time.perf_counter()
                labels = {q["id"]: q["label"] for s in json.loads(template.definition_json)["sections"]
                          for q in s["questions"]}
                assert template.version == version and "council_reference" in labels, (template.version, labels)
                rows.append({"total": answered - told, "stop": stopped - told, "start": serving - stopped,
                             "answer": answered - serving, "unavailable": refused})
            assert duty.session.token == token, "the worker had to sign in again"
            assert {name: procs.procs[name].pid for name in others} == others, "identity or alerts restarted"
            assert all(procs.procs[name].poll() is None for name in others)
            duty.close()

    print(f"{'run':>4} {'total s':>8} {'stop s':>8} {'start s':>8} {'answer s':>9} {'UNAVAILABLE':>12}")
    for i, r in enumerate(rows, 1):
        print(f"{i:>4} {r['total']:8.2f} {r['stop']:8.2f} {r['start']:8.2f} {r['answer']:9.3f} {r['unavailable']:>12}")
    median = statistics.median(r["total"] for r in rows)
    print(f"template change to GetTemplate answering the new version: median {median:.2f}s over {len(rows)} runs "
          f"(records only restarted; identity and alerts kept running, same session)")
    print(f"baseline: bare `python -c pass` start {statistics.median(bare):.3f}s; records start to SERVING "
          f"median {statistics.median(r['start'] for r in rows):.2f}s; stop (SIGTERM to exit) median "
          f"{statistics.median(r['stop'] for r in rows):.2f}s")


if __name__ == "__main__":
    main()
