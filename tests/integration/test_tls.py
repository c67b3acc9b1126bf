"""TLS, and mutual TLS, on every path: a front end to each service, records and alerts to identity
(token checks), alerts to identity (its service account) and to records (the event feed, and
whether a caller may see a child).

Certificates come from services/certificates.py (`ics admin make-certs`) into a temporary
folder. These stacks run on SQLite only, unlike the rest of tests/integration: transport is the
same whatever database is behind a service, so a PostgreSQL run would test nothing more here.
"""

from __future__ import annotations

import stat
import time
import uuid
from contextlib import contextmanager

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from ics.alerts.v1 import alerts_pb2, alerts_pb2_grpc
from ics.records.v1 import records_pb2 as pb
from services.certificates import make_certificates
from services.cli import migrate_all
from services.common.config import SERVICES, ConfigError, load_config
from services.common.tls import Transport
from services.launcher import health_transport, wait_serving
from services.stack import ServiceStack, isolated_config
from tui.core.client import IcsClient, Targets
from tui.core.errors import ServiceError


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("tls"), services=SERVICES, clients=["thin-client-01"])


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory):
    """A CA the council never trusted, with a client certificate of its own."""
    return make_certificates(tmp_path_factory.mktemp("rogue"), services=(), clients=["thin-client-01"])


def tls_env(certs, mutual: bool, client: str = "") -> dict[str, str]:
    env = {"ICS_TLS_CA_FILE": str(certs.ca_cert), "ICS_MUTUAL_TLS": "1" if mutual else "0"}
    for name, (cert, key) in certs.services.items():
        env[f"ICS_{name.upper()}_TLS_CERT_FILE"] = str(cert)
        env[f"ICS_{name.upper()}_TLS_KEY_FILE"] = str(key)
    if client:
        env["ICS_CLIENT_CERT_FILE"], env["ICS_CLIENT_KEY_FILE"] = map(str, certs.clients[client])
    return env


@contextmanager
def tls_stack(data_dir, env):
    """tests/conftest.py:running_stack, on SQLite, with the TLS settings."""
    from services import demo_data
    from services.common.db import Database

    config = isolated_config(data_dir, env=env)
    migrate_all(config)
    identity_db = Database(config["identity"].database_url)
    demo_data.seed_identity(identity_db, config)
    identity_db.dispose()
    stack = ServiceStack(config).start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def tls_only(certs, tmp_path_factory):
    with tls_stack(tmp_path_factory.mktemp("ics-tls"), tls_env(certs, mutual=False)) as stack:
        yield stack


@pytest.fixture(scope="module")
def mutual(certs, tmp_path_factory):
    with tls_stack(tmp_path_factory.mktemp("ics-mtls"), tls_env(certs, mutual=True, client="thin-client-01")) as stack:
        yield stack


def health_check(target: str, transport: Transport) -> None:
    with transport.channel(target) as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


def refused(target: str, transport: Transport) -> bool:
    try:
        health_check(target, transport)
    except grpc.RpcError as exc:
        return exc.code() == grpc.StatusCode.UNAVAILABLE
    return False


def every_path_works(stack) -> None:
    """A worker logs in (identity), records a contact (records, which checks the token with
    identity); alerts (signed in to identity, following records) opens the clock; the child's
    clocks come from alerts, which checks the token with identity and asks records."""
    client = IcsClient(stack.targets())
    try:
        assert stack.targets().transport.secure
        client.login("duty", "demo")
        reply = client.record_contact(pb.RecordContactRequest(
            new_person=pb.Person(given_name="Tls", family_name=f"Child{uuid.uuid4().hex[:6]}",
                                 date_of_birth="2016-03-01", sex=pb.SEX_FEMALE),
            source=pb.CONTACT_SOURCE_POLICE, reason="Incident at home", confirmed_not_duplicate=True))
        referral = reply.referral.name
        deadline = time.monotonic() + 20
        while not any(c.subject == referral for c in client.my_alerts(page_size=500)):
            assert time.monotonic() < deadline, "alerts never counted the referral over TLS"
            time.sleep(0.1)
        with stack.targets().transport.channel(stack.target("alerts")) as channel:
            clocks = alerts_pb2_grpc.AlertsServiceStub(channel).ListPersonClocks(
                alerts_pb2.ListPersonClocksRequest(person=reply.person.name), timeout=10,
                metadata=(("authorization", f"Bearer {client.session.token}"),))
        assert any(c.subject == referral for c in clocks.clocks)
    finally:
        client.close()


def test_every_path_works_over_tls(tls_only):
    every_path_works(tls_only)


def test_plaintext_and_untrusting_callers_are_refused(tls_only, certs, other_ca):
    for name in SERVICES:
        target = tls_only.target(name)
        assert refused(target, Transport()), f"{name} answered a plaintext call"
        assert refused(target, Transport(str(other_ca.ca_cert))), f"a client trusting another CA accepted {name}"
        health_check(target, Transport(str(certs.ca_cert)))  # TLS only: no client certificate needed
    client = IcsClient(Targets(tls_only.target("identity"), tls_only.target("records"), tls_only.target("alerts")))
    try:
        with pytest.raises(ServiceError) as caught:
            client.login("duty", "demo")
        assert caught.value.code == "UNAVAILABLE"
    finally:
        client.close()


def test_every_path_works_over_mutual_tls(mutual):
    assert mutual.targets().transport.cert_file  # the TUI host's own certificate
    every_path_works(mutual)
    for name in SERVICES:  # the launcher's health check, as `ics demo` and systemd start-up use it
        wait_serving(mutual.target(name), timeout=5, transport=health_transport(mutual.config, name))


def test_mutual_tls_refuses_callers_without_a_council_certificate(mutual, certs, other_ca):
    ca = str(certs.ca_cert)
    rogue_cert, rogue_key = map(str, other_ca.clients["thin-client-01"])
    for name in SERVICES:
        target = mutual.target(name)
        assert refused(target, Transport()), f"{name} answered a plaintext call"
        assert refused(target, Transport(ca)), f"{name} answered a caller without a certificate"
        assert refused(target, Transport(ca, rogue_cert, rogue_key)), \
            f"{name} answered a certificate signed by another CA"
        health_check(target, Transport(ca, *map(str, certs.clients["thin-client-01"])))


def test_make_certs_keys_are_private_and_names_are_in_the_certificates(certs, tmp_path):
    from cryptography import x509

    for path in [certs.ca_key, *(key for _, key in certs.services.values()),
                 *(key for _, key in certs.clients.values())]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    made = make_certificates(tmp_path, hostnames=["ics1.council.internal", "10.1.2.3"], services=["records"])
    cert = x509.load_pem_x509_certificate(made.services["records"][0].read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {"localhost", "records", "ics1.council.internal"} <= set(names.get_values_for_type(x509.DNSName))
    assert {str(ip) for ip in names.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "10.1.2.3"}


def test_tls_configuration_from_file_and_environment(tmp_path):
    path = tmp_path / "ics.toml"
    path.write_text('tls_ca_file = "/etc/ics/tls/ca.pem"\nmutual_tls = true\n'
                    '[records]\ntls_cert_file = "/etc/ics/tls/records.pem"\ntls_key_file = "/etc/ics/tls/records.key"\n')
    cfg = load_config(config_file=path, env={"ICS_CLIENT_CERT_FILE": "c.pem", "ICS_CLIENT_KEY_FILE": "c.key"})
    assert cfg.mutual_tls and cfg["records"].mutual_tls and cfg["alerts"].tls_ca_file == "/etc/ics/tls/ca.pem"
    assert cfg["records"].tls_key_file == "/etc/ics/tls/records.key" and cfg.client_cert_file == "c.pem"
    assert not load_config(data_dir=tmp_path, env={}).tls_ca_file  # plaintext by default


@pytest.mark.parametrize("text, message", [
    ("mutual_tls = true\n", "mutual_tls needs tls_ca_file"),
    ('[records]\ntls_cert_file = "r.pem"\ntls_key_file = "r.key"\n', "tls_ca_file is empty"),
    ('tls_ca_file = "ca.pem"\n[records]\ntls_cert_file = "r.pem"\n', "go together"),
    ('tls_ca_file = "ca.pem"\nclient_key_file = "c.key"\n', "go together"),
    ('[records]\ntls_ca_file = "ca.pem"\n', "Unknown setting"),
])
def test_inconsistent_tls_settings_are_explained(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(config_file=path, env={})


def test_a_service_without_its_certificate_will_not_start(certs, tmp_path):
    from services.common.tls import server_credentials

    env = tls_env(certs, mutual=True)
    del env["ICS_RECORDS_TLS_CERT_FILE"], env["ICS_RECORDS_TLS_KEY_FILE"]
    with pytest.raises(ConfigError, match="records.tls_cert_file"):
        server_credentials(isolated_config(tmp_path, env=env)["records"])


def test_a_service_process_serves_mutual_tls_from_the_environment(certs, tmp_path):
    """`ics serve` as the launcher starts it: the TLS settings reach the process through
    services/launcher.py:service_env, and the launcher's health check speaks mutual TLS."""
    import socket

    from services.launcher import ServiceProcesses

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = isolated_config(tmp_path, env={**tls_env(certs, mutual=True), "ICS_IDENTITY_PORT": str(port)})
    migrate_all(config, ["identity"])
    processes = ServiceProcesses(config, str(tmp_path / "logs"))
    try:
        processes.start(["identity"])  # waits for SERVING, over mutual TLS
        assert refused(config["identity"].target(), Transport(str(certs.ca_cert)))
    finally:
        processes.stop()


def test_make_certs_command_renews_with_the_existing_ca(mutual, certs, tmp_path, capsys):
    """`ics admin make-certs` as services/cli.py wires it; a TUI host added later with `--ca`
    is let in by the running services, which trust the same CA."""
    import argparse

    from services.certificates import add_make_certs_parser

    top = argparse.ArgumentParser(prog="ics admin")
    add_make_certs_parser(top.add_subparsers(dest="admin", required=True))
    args = top.parse_args(["make-certs", "--out", str(tmp_path / "new"), "--ca", str(certs.out_dir),
                           "--clients-only", "--client", "thin-client-02"])
    assert args.func(args) == 0
    printed = capsys.readouterr().out
    assert "client_cert_file" in printed and "ca.key" not in printed
    assert not (tmp_path / "new" / "ca.key").exists() and not (tmp_path / "new" / "records.pem").exists()
    new_client = Transport(str(tmp_path / "new" / "ca.pem"), str(tmp_path / "new" / "client-thin-client-02.pem"),
                           str(tmp_path / "new" / "client-thin-client-02.key"))
    health_check(mutual.target("records"), new_client)
    assert args.func(args) == 1  # never writes over certificates already made
    assert "already holds" in capsys.readouterr().out
