"""Tokens expire, wrong passwords lock an account for a while, and SIGTERM stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from ics.identity.v1 import identity_pb2, identity_pb2_grpc
from ics.records.v1 import records_pb2, records_pb2_grpc
from services.launcher import wait_serving
from tests.conftest import running_stack
from tests.helpers import free_port


@pytest.fixture(scope="module")
def short_stack(engine_name, tmp_path_factory):
    with running_stack(engine_name, tmp_path_factory.mktemp("short"), token_ttl_seconds=2) as running:
        yield running


def test_expired_token_is_refused_by_records(short_stack):
    identity = identity_pb2_grpc.IdentityServiceStub(grpc.insecure_channel(short_stack.target("identity")))
    records = records_pb2_grpc.RecordsServiceStub(grpc.insecure_channel(short_stack.target("records")))
    reply = identity.Login(identity_pb2.LoginRequest(username="duty", password="demo"))
    md = (("authorization", f"Bearer {reply.access_token}"),)
    records.ListDrafts(records_pb2.ListDraftsRequest(), metadata=md)  # fine while fresh
    time.sleep(2.5)
    with pytest.raises(grpc.RpcError) as exc:
        records.ListDrafts(records_pb2.ListDraftsRequest(), metadata=md)
    assert exc.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "expired" in exc.value.details()


def test_wrong_passwords_lock_the_account_for_a_while(short_stack):
    identity = identity_pb2_grpc.IdentityServiceStub(grpc.insecure_channel(short_stack.target("identity")))
    for _ in range(5):
        with pytest.raises(grpc.RpcError) as exc:
            identity.Login(identity_pb2.LoginRequest(username="worker2", password="guess"))
        assert exc.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with pytest.raises(grpc.RpcError) as exc:
        identity.Login(identity_pb2.LoginRequest(username="worker2", password="demo"))
    assert exc.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "locked" in exc.value.details()


def test_unknown_user_and_wrong_password_answer_alike(short_stack):
    identity = identity_pb2_grpc.IdentityServiceStub(grpc.insecure_channel(short_stack.target("identity")))
    answers = []
    for username in ("nobody-at-all", "manager"):
        with pytest.raises(grpc.RpcError) as exc:
            identity.Login(identity_pb2.LoginRequest(username=username, password="wrong"))
        answers.append((exc.value.code(), exc.value.details()))
    assert answers[0] == answers[1]


def test_sigterm_turns_health_not_serving_then_exits(tmp_path):
    port = free_port()
    env = {**os.environ, "ICS_DATA_DIR": str(tmp_path), "ICS_IDENTITY_PORT": str(port)}
    subprocess.run([sys.executable, "-m", "services.cli", "admin", "migrate", "identity"], env=env, check=True,
                   capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "services.cli", "serve", "identity"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_serving(f"127.0.0.1:{port}")
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        watch = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(service=""))
        assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
        proc.send_signal(signal.SIGTERM)
        assert next(watch).status == health_pb2.HealthCheckResponse.NOT_SERVING
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_demo_no_tui_runs_three_services_and_stops_them_on_sigterm(tmp_path):
    ports = {name: free_port() for name in ("identity", "records", "alerts")}
    env = {**os.environ, **{f"ICS_{n.upper()}_PORT": str(p) for n, p in ports.items()}}
    proc = subprocess.Popen([sys.executable, "-m", "services.cli", "demo", "--no-tui", "--data", str(tmp_path)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "ICS is running" in line or not line:
                break
        assert any("ICS is running" in line for line in lines), lines
        for port in ports.values():
            wait_serving(f"127.0.0.1:{port}", timeout=5)
        children = subprocess.run(["pgrep", "-f", "services.cli serve"], capture_output=True, text=True).stdout
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        assert "ICS stopped." in proc.stdout.read()
        for port in ports.values():
            with socket.socket() as s:
                assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open after stop"
        assert children  # the services ran as their own processes
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_draft_of_a_document_survives_an_expired_session(short_stack):
    """R-DRAFT: the token runs out mid-form; after logging in again the same draft is there."""
    from tui.core.client import IcsClient
    from tui.core.errors import SessionExpired

    client = IcsClient(short_stack.targets())
    client.login("duty", "demo")
    child = client._call("records", client.records.CreatePerson, records_pb2.CreatePersonRequest(person=records_pb2.Person(
        given_name="Dee", family_name="Rafted", date_of_birth="2016-06-06", sex=records_pb2.SEX_FEMALE)))
    doc = client._call("records", client.records.CreateDocument, records_pb2.CreateDocumentRequest(
        person=child.name, template_id="single-assessment"))
    draft = client.save_draft(records_pb2.Draft(kind="document", subject=doc.name,
                                                 fields={"analysis": "Half-written analysis of the risks"}))
    client.session.expires_at = time.time() + 3600  # stop the client refreshing, so the token really expires
    time.sleep(2.5)
    with pytest.raises(SessionExpired):
        client.list_drafts("document")
    client.login("duty", "demo")
    resumed = [d for d in client.list_drafts("document") if d.subject == doc.name]
    assert [d.name for d in resumed] == [draft.name]
    assert resumed[0].fields["analysis"] == "Half-written analysis of the risks"
    client.close()
