"""`ics admin make-certs`: the council CA and every certificate ICS's TLS needs.

    ics admin make-certs --out /etc/ics/tls --host ics1.council.internal --client thin-client-01

makes, in the folder given:
- `ca.pem`, `ca.key`: the council CA (EC P-256, ten years). Every service and caller trusts
  `ca.pem`; keep `ca.key` offline once the certificates are made.
- `<service>.pem`, `<service>.key` for identity, records and alerts (EC P-256, two years): for
  serving, and as the client certificate a service presents when it calls another. The names
  in them are localhost, 127.0.0.1, `<service>` and every `--host` given.
- `client-<name>.pem`, `client-<name>.key` for each `--client` (a TUI host), for mutual TLS.

With `--ca DIR` it signs with the existing council CA in DIR (`ca.pem`, `ca.key`) instead of
making a new one: how certificates are renewed, or a TUI host added, without touching the rest.

Private keys are written mode 600. It prints the configuration keys to set.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from services.common.config import SERVICES

DEFAULT_HOSTS = ("localhost", "127.0.0.1")
CA_DAYS = 3650
LEAF_DAYS = 730


@dataclass
class MadeCertificates:
    out_dir: Path
    ca_cert: Path
    ca_key: Path | None  # None when signed with an existing CA (its key stays where it is)
    services: dict[str, tuple[Path, Path]] = field(default_factory=dict)  # name -> (cert, key)
    clients: dict[str, tuple[Path, Path]] = field(default_factory=dict)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ICS"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _san(hosts: Iterable[str]) -> x509.SubjectAlternativeName:
    names: list[x509.GeneralName] = []
    for host in dict.fromkeys(hosts):  # in order, once each
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return x509.SubjectAlternativeName(names)


def _leaf(common_name: str, ca_cert: x509.Certificate, ca_key: CertificateIssuerPrivateKeyTypes,
          hosts: Iterable[str] | None, now: datetime.datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    usages = [ExtendedKeyUsageOID.CLIENT_AUTH] + ([ExtendedKeyUsageOID.SERVER_AUTH] if hosts is not None else [])
    builder = (x509.CertificateBuilder()
               .subject_name(_name(common_name)).issuer_name(ca_cert.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=LEAF_DAYS))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=False, content_commitment=False,
                                            data_encipherment=False, key_agreement=True, key_cert_sign=False,
                                            crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False))
    if hosts is not None:
        builder = builder.add_extension(_san(hosts), critical=False)
    return builder.sign(ca_key, hashes.SHA256()), key


def _load_ca(ca_dir: Path) -> tuple[x509.Certificate, CertificateIssuerPrivateKeyTypes]:
    try:
        cert = x509.load_pem_x509_certificate((ca_dir / "ca.pem").read_bytes())
        key = serialization.load_pem_private_key((ca_dir / "ca.key").read_bytes(), password=None)
    except OSError as exc:
        raise ValueError(f"cannot read the council CA in {ca_dir}: {exc.strerror} ({exc.filename})") from None
    if key.public_key() != cert.public_key():
        raise ValueError(f"{ca_dir / 'ca.key'} is not the key of {ca_dir / 'ca.pem'}")
    return cert, key


def make_certificates(out_dir: str | Path, hostnames: Iterable[str] = (), services: Iterable[str] = SERVICES,
                      clients: Iterable[str] = (), ca_name: str = "ICS council CA",
                      ca_dir: str | Path | None = None) -> MadeCertificates:
    """A certificate per service (its names: localhost, 127.0.0.1, the service's name and
    `hostnames`) and one per named client, written to `out_dir` (made if absent), signed by a
    new CA, or by the existing one in `ca_dir` (ca.pem, ca.key)."""
    clients = list(clients)
    for client in clients:
        if not client or "/" in client or client.startswith("."):
            raise ValueError(f"a client name must be a plain name like thin-client-01; got {client!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    if ca_dir is not None:
        ca_cert, ca_key = _load_ca(Path(ca_dir))
        made = MadeCertificates(out, out / "ca.pem", None)
        _write_cert(made.ca_cert, ca_cert)
        return _make_leaves(made, ca_cert, ca_key, hostnames, services, clients, now)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (x509.CertificateBuilder()
               .subject_name(_name(ca_name)).issuer_name(_name(ca_name))
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, key_encipherment=False, content_commitment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                            crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    made = MadeCertificates(out, out / "ca.pem", out / "ca.key")
    _write_cert(made.ca_cert, ca_cert)
    _write_key(made.ca_key, ca_key)
    return _make_leaves(made, ca_cert, ca_key, hostnames, services, clients, now)


def _make_leaves(made: MadeCertificates, ca_cert, ca_key, hostnames, services, clients, now) -> MadeCertificates:
    out = made.out_dir
    hostnames = list(hostnames)
    for service in services:
        cert, key = _leaf(service, ca_cert, ca_key, [*DEFAULT_HOSTS, service, *hostnames], now)
        paths = (out / f"{service}.pem", out / f"{service}.key")
        _write_cert(paths[0], cert)
        _write_key(paths[1], key)
        made.services[service] = paths
    for client in clients:
        cert, key = _leaf(client, ca_cert, ca_key, None, now)
        paths = (out / f"client-{client}.pem", out / f"client-{client}.key")
        _write_cert(paths[0], cert)
        _write_key(paths[1], key)
        made.clients[client] = paths
    return made


def describe(made: MadeCertificates) -> str:
    """What was made and the configuration keys to set, for the person running the command."""
    lines = [f"Made in {made.out_dir}:"]
    if made.ca_key:
        lines += [f"  council CA: {made.ca_cert} (its key {made.ca_key}: keep it offline once you are done)"]
    else:
        lines += [f"  signed by the existing council CA (a copy of its certificate: {made.ca_cert})"]
    lines += [f"  {name}: {cert}, {key}" for name, (cert, key) in made.services.items()]
    lines += [f"  client {name}: {cert}, {key}" for name, (cert, key) in made.clients.items()]
    lines += ["", "Set in ics.toml on every host (or ICS_TLS_CA_FILE, ICS_MUTUAL_TLS):",
              f'  tls_ca_file = "{made.ca_cert}"',
              "  mutual_tls = true            # every caller must present a certificate signed by the CA"]
    for name, (cert, key) in made.clients.items():
        lines += [f"  # on the TUI host {name} only, its own client certificate:",
                  f'  client_cert_file = "{cert}"', f'  client_key_file = "{key}"']
    for name, (cert, key) in made.services.items():
        lines += [f"  [{name}]", f'  tls_cert_file = "{cert}"', f'  tls_key_file = "{key}"']
    lines += ["Copy the files each host needs (ca.pem everywhere; a service's or client's own .pem and .key "
              "to its host only, mode 600, readable by the ics user) and restart the services."]
    return "\n".join(lines)


def add_make_certs_parser(admin_subparsers) -> None:
    """Adds `ics admin make-certs` to the `ics admin` subcommands (services/cli.py)."""
    parser = admin_subparsers.add_parser("make-certs", help="the council CA and the TLS certificates for every "
                                                            "service and TUI host")
    parser.add_argument("--out", required=True, help="folder to write the CA, certificates and keys to")
    parser.add_argument("--host", action="append", default=[], metavar="H",
                        help="a host name or address the services are reached by (repeat; localhost and "
                             "127.0.0.1 are always included)")
    parser.add_argument("--client", action="append", default=[], metavar="NAME",
                        help="make a client certificate for a TUI host (repeat)")
    parser.add_argument("--ca", metavar="DIR", help="sign with the existing council CA in DIR (ca.pem, ca.key) "
                                                    "instead of making a new one: to renew, or add a TUI host")
    parser.add_argument("--clients-only", action="store_true",
                        help="with --ca: make only the --client certificates, no service certificates")
    parser.set_defaults(func=cmd_make_certs)


def cmd_make_certs(args) -> int:
    out = Path(args.out)
    if any((out / name).exists() for name in ("ca.pem", "ca.key", *(f"{s}.key" for s in SERVICES))):
        print(f"{out} already holds ICS certificates: choose a new folder, so certificates in use are never "
              "replaced by accident.", flush=True)
        return 1
    if args.clients_only and not args.ca:
        print("--clients-only needs --ca: client certificates must be signed by the CA the services trust.",
              flush=True)
        return 1
    try:
        made = make_certificates(out, args.host, () if args.clients_only else SERVICES, args.client,
                                 ca_dir=args.ca)
    except ValueError as exc:
        print(str(exc), flush=True)
        return 1
    print(describe(made), flush=True)
    return 0
