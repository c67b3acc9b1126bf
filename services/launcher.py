"""Starts services as separate processes (as IT staff would run them) and waits until each
reports SERVING on the standard health check."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.config import SERVICES, IcsConfig
from services.common.tls import PLAINTEXT, Transport, client_transport, service_transport


def wait_serving(target: str, timeout: float = 30.0, transport: Transport = PLAINTEXT) -> None:
    deadline = time.monotonic() + timeout
    with transport.channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while True:
            try:
                reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=1)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"no service answered on {target} within {timeout:.0f}s")
            time.sleep(0.05)


def service_env(config: IcsConfig, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env["ICS_DATA_DIR"] = str(config.data_dir)
    env["ICS_DEMO"] = "1" if config.demo else "0"
    for name in SERVICES:
        s = config[name]
        env[f"ICS_{name.upper()}_HOST"] = s.host
        env[f"ICS_{name.upper()}_PORT"] = str(s.port)
        env[f"ICS_{name.upper()}_DATABASE_URL"] = s.database_url
        env[f"ICS_{name.upper()}_ADDRESS"] = s.target()
        env[f"ICS_{name.upper()}_REFLECTION"] = "1" if s.reflection else "0"
        if s.templates_dir:
            env[f"ICS_{name.upper()}_TEMPLATES_DIR"] = s.templates_dir
        if s.tls_cert_file:
            env[f"ICS_{name.upper()}_TLS_CERT_FILE"] = s.tls_cert_file
            env[f"ICS_{name.upper()}_TLS_KEY_FILE"] = s.tls_key_file
    for key in ("tls_ca_file", "client_cert_file", "client_key_file"):
        if getattr(config, key):
            env[f"ICS_{key.upper()}"] = getattr(config, key)
    env["ICS_MUTUAL_TLS"] = "1" if config.mutual_tls else "0"
    return env


def health_transport(config: IcsConfig, name: str) -> Transport:
    """The launcher checks health as a front end would; under mutual TLS without a client
    certificate of its own it presents the service's (it runs on the service's host)."""
    transport = client_transport(config)
    if config.mutual_tls and not transport.cert_file:
        return service_transport(config[name])
    return transport


@dataclass
class ServiceProcesses:
    config: IcsConfig
    log_dir: str
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, names=SERVICES) -> None:
        os.makedirs(self.log_dir, exist_ok=True)
        env = service_env(self.config)
        for name in names:
            log = open(os.path.join(self.log_dir, f"{name}.log"), "ab")
            self.procs[name] = subprocess.Popen(
                [sys.executable, "-m", "services.cli", "serve", name], env=env,
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl+C in the TUI must not kill the services mid-write
            )
        for name in names:
            wait_serving(self.config[name].target(), transport=health_transport(self.config, name))

    def stop(self, timeout: float = 10.0) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()
