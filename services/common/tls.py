"""Transport security in one place: the server credentials every service listens with, and the
channels every caller (services, front ends, the launcher's health check) opens.

Configuration (services/common/config.py): an empty `tls_ca_file` is plaintext, as in the demo
and tests. With it set, each service serves TLS with its own certificate and checks nothing of
its callers, unless `mutual_tls` is on: then it demands a client certificate signed by the
council CA from every caller. A service calls the others presenting its own certificate; a front
end presents `client_cert_file`. Certificates come from `ics admin make-certs`
(services/certificates.py).

A service's outgoing calls find their transport in the `outgoing` context variable, which
ServiceRunner sets before the service starts: its background tasks and the handlers of its calls
inherit it, so code that opens a channel to another service calls `aio_channel(target)` and needs
no settings of its own. (In the one-process stack, services/stack.py, each service starts in its
own task, so each presents its own certificate.)
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import grpc

from services.common.config import ConfigError, IcsConfig, ServiceSettings


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror}") from None


@dataclass(frozen=True)
class Transport:
    """How a caller reaches ICS services: plaintext (no CA), TLS checking the services'
    certificates against the CA, and presenting a certificate of its own if it has one."""

    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""

    @property
    def secure(self) -> bool:
        return bool(self.ca_file)

    def credentials(self) -> grpc.ChannelCredentials:
        chain = key = None
        if self.cert_file:
            chain = _read(self.cert_file, "the client certificate")
            key = _read(self.key_file, "the client private key")
        return grpc.ssl_channel_credentials(root_certificates=_read(self.ca_file, "the CA certificate (tls_ca_file)"),
                                            private_key=key, certificate_chain=chain)

    def channel(self, target: str, options: Sequence[tuple] = ()) -> grpc.Channel:
        """A synchronous channel (front ends, the launcher)."""
        if not self.secure:
            return grpc.insecure_channel(target, options=options)
        return grpc.secure_channel(target, self.credentials(), options=options)

    def aio_channel(self, target: str, options: Sequence[tuple] = ()) -> grpc.aio.Channel:
        """An asyncio channel (services calling services)."""
        if not self.secure:
            return grpc.aio.insecure_channel(target, options=options)
        return grpc.aio.secure_channel(target, self.credentials(), options=options)


PLAINTEXT = Transport()

outgoing: ContextVar[Transport] = ContextVar("ics_outgoing_transport", default=PLAINTEXT)


def aio_channel(target: str, options: Sequence[tuple] = ()) -> grpc.aio.Channel:
    """A channel from the running service to another, with the service's own transport."""
    return outgoing.get().aio_channel(target, options)


def service_transport(settings: ServiceSettings) -> Transport:
    """A service calling the others: the CA, and its own certificate as its client certificate."""
    if not settings.tls_ca_file:
        return PLAINTEXT
    return Transport(settings.tls_ca_file, settings.tls_cert_file, settings.tls_key_file)


def client_transport(config: IcsConfig) -> Transport:
    """A front end (TUI, line mode, scripts): the CA, and client_cert_file if set."""
    if not config.tls_ca_file:
        return PLAINTEXT
    return Transport(config.tls_ca_file, config.client_cert_file, config.client_key_file)


def server_credentials(settings: ServiceSettings) -> grpc.ServerCredentials | None:
    """None for plaintext; else TLS with the service's certificate, demanding a CA-signed client
    certificate from every caller when mutual_tls is on."""
    if not settings.tls_ca_file:
        return None
    if not (settings.tls_cert_file and settings.tls_key_file):
        raise ConfigError(f"TLS is on (tls_ca_file is set) but {settings.name}.tls_cert_file and "
                          f"{settings.name}.tls_key_file are not: the service needs its certificate and key "
                          "(ics admin make-certs makes them)")
    pair = (_read(settings.tls_key_file, f"{settings.name}.tls_key_file"),
            _read(settings.tls_cert_file, f"{settings.name}.tls_cert_file"))
    ca = _read(settings.tls_ca_file, "the CA certificate (tls_ca_file)") if settings.mutual_tls else None
    return grpc.ssl_server_credentials([pair], root_certificates=ca, require_client_auth=settings.mutual_tls)
