"""A council adds or rewords a question by writing a template file in its own folder (the records
setting `templates_dir`), and restarting records alone picks it up: identity and alerts keep
running, a worker's session stays valid, new documents use the new version and documents already
written keep theirs. A broken file stops records start-up, naming the file.

SQLite only: restarting records needs nothing engine-specific (same database URL, nothing kept in
the process), and every template path it exercises runs on PostgreSQL in test_documents.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import grpc
import pytest
import yaml
from grpc_health.v1 import health_pb2, health_pb2_grpc

from ics.records.v1 import records_pb2 as pb
from services.common.config import ConfigError
from services.launcher import service_env
from tests.conftest import running_stack
from tests.helpers import a, call
from tui.core.client import IcsClient
from tui.core.errors import ServiceError

SHIPPED = Path(__file__).resolve().parents[2] / "services" / "records" / "templates"


def _shipped(name: str, version: int = 1) -> dict:
    return yaml.safe_load((SHIPPED / name / f"v{version}.yaml").read_text(encoding="utf-8"))


def _write(folder: Path, doc: dict) -> Path:
    path = folder / doc["name"] / f"v{doc['version']}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    """The council's folder, holding one template of its own from the start."""
    folder = tmp_path_factory.mktemp("council-templates")
    visit = _shipped("case-note")
    visit.update(name="council-visit-note", title="Council Visit Note")
    _write(folder, visit)
    return folder


@pytest.fixture(scope="module")
def stack(council, tmp_path_factory):
    with running_stack("sqlite", tmp_path_factory.mktemp("ics-council")) as running:
        # running_stack takes top-level settings only; records starts again with its own.
        running.stop_service("records")
        running.config["records"].templates_dir = str(council)
        running.start_service("records")
        yield running


def _health(stack, name: str) -> int:
    with grpc.insecure_channel(stack.target(name)) as channel:
        return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=2).status


def _until_answered(fn, timeout: float = 10.0):
    """The first call after a restart may meet the client's channel still reconnecting (UNAVAILABLE,
    as a worker would see for a moment); anything else is a real answer."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return fn()
        except ServiceError as exc:
            if exc.code != "UNAVAILABLE" or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _new_child(client, family: str) -> pb.Person:
    return call(client, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Tem", family_name=f"{family}{uuid.uuid4().hex[:6]}", date_of_birth="2016-03-03",
        sex=pb.SEX_FEMALE)))


def _questions(template: pb.Template) -> dict[str, str]:
    definition = json.loads(template.definition_json)
    return {q["id"]: q["label"] for s in definition["sections"] for q in s["questions"]}


def test_a_council_template_of_its_own_is_served(stack):
    duty = IcsClient(stack.targets())
    try:
        duty.login("duty", "demo")
        visit = call(duty, "GetTemplate", pb.GetTemplateRequest(template_id="council-visit-note"))
        assert visit.version == 1 and visit.title == "Council Visit Note"
        listed = {t.template_id for t in call(duty, "ListTemplates", pb.ListTemplatesRequest()).templates}
        assert {"council-visit-note", "contact-record", "case-note"} <= listed
    finally:
        duty.close()


def test_a_reworded_question_reaches_new_documents_after_restarting_records_alone(stack, council):
    duty = IcsClient(stack.targets())
    try:
        duty.login("duty", "demo")
        token = duty.session.token
        before = call(duty, "CreateDocument", pb.CreateDocumentRequest(
            person=_new_child(duty, "Before").name, template_id="contact-record", answers={"reason": a("Worried")}))
        assert before.template_version == 1

        v2 = _shipped("contact-record")
        v2["version"] = 2
        the_contact = next(s for s in v2["sections"] if s["id"] == "the_contact")
        next(q for q in the_contact["questions"] if q["id"] == "contact_date")["label"] = "Date we were contacted"
        the_contact["questions"].append({
            "id": "council_reference", "label": "Council reference number", "type": "text",
            "family_label": {"en": "Our reference", "cy": "Ein cyfeirnod"}})
        _write(council, v2)

        identity, alerts = stack.runners["identity"], stack.runners["alerts"]
        stack.stop_service("records")
        # While records is down the others answer, and the session is still good at identity.
        assert _health(stack, "identity") == _health(stack, "alerts") == health_pb2.HealthCheckResponse.SERVING
        duty.refresh()
        stack.start_service("records")
        assert stack.runners["identity"] is identity and stack.runners["alerts"] is alerts  # never restarted

        current = _until_answered(lambda: call(duty, "GetTemplate", pb.GetTemplateRequest(template_id="contact-record")))
        assert duty.session.token == token  # the same session, no new login
        assert current.version == 2
        assert _questions(current)["contact_date"] == "Date we were contacted"
        assert _questions(current)["council_reference"] == "Council reference number"

        after = call(duty, "CreateDocument", pb.CreateDocumentRequest(
            person=_new_child(duty, "After").name, template_id="contact-record",
            answers={"council_reference": a("CR-2041")}))
        assert after.template_version == 2 and after.answers["council_reference"].value == "CR-2041"

        # The document written before keeps version 1: its wording, and no new question.
        again = call(duty, "GetDocument", pb.GetDocumentRequest(name=before.name))
        assert again.template_version == 1 and again.answers["reason"].value == "Worried"
        old = call(duty, "GetTemplate", pb.GetTemplateRequest(template_id="contact-record", version=1))
        assert _questions(old)["contact_date"] == "Date of contact" and "council_reference" not in _questions(old)
        with pytest.raises(ServiceError) as exc:
            call(duty, "UpdateDocument", pb.UpdateDocumentRequest(name=before.name, etag=again.etag,
                                                                  answers={"council_reference": a("CR-1")}))
        assert exc.value.code == "INVALID_ARGUMENT" and "answers.council_reference" in exc.value.violations
        assert duty.session.token == token
    finally:
        duty.close()


BROKEN = {
    "invalid YAML": ("contact-record/v9.yaml", "name: contact-record\nversion: 9\nsections: [\n  - id: oops\n",
                     "not valid YAML"),
    "same version as a shipped file": ("case-note/v1.yaml", None, "ships with ICS and cannot be replaced"),
}


def _broken_file(council: Path, case: str) -> tuple[Path, str]:
    relative, text, message = BROKEN[case]
    path = council / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if text is None:  # a reworded copy of the shipped file under the shipped version number
        doc = _shipped("case-note")
        doc["title"] = "Case Note (reworded)"
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path, message


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_council_file_stops_records_start_up_naming_it(stack, council, case):
    stack.stop_service("records")
    path, message = _broken_file(council, case)
    try:
        with pytest.raises(ConfigError) as exc:
            stack.start_service("records")
        assert str(path) in str(exc.value) and message in str(exc.value)
        assert _health(stack, "identity") == health_pb2.HealthCheckResponse.SERVING
    finally:
        path.unlink()
        stack.start_service("records")  # the file removed, records starts again
    assert _health(stack, "records") == health_pb2.HealthCheckResponse.SERVING


def test_ics_serve_records_refuses_to_start_on_a_broken_council_file(stack, council, tmp_path):
    """As IT staff run it: the process exits, and what it prints names the file and the fault."""
    path, message = _broken_file(council, "same version as a shipped file")
    try:
        env = service_env(stack.config)
        env["ICS_RECORDS_PORT"] = "0"
        env["ICS_RECORDS_TEMPLATES_DIR"] = str(council)
        result = subprocess.run([sys.executable, "-m", "services.cli", "serve", "records"], env=env,
                                capture_output=True, text=True, timeout=60, cwd=os.getcwd())
    finally:
        path.unlink()
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Configuration error: the templates have faults")
    assert str(path) in result.stderr and message in result.stderr
