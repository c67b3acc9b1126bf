"""One configuration mechanism for every service and command.

Precedence, lowest first: built-in defaults (SQLite files under the data folder, default ports),
a TOML file (`--config FILE` or ICS_CONFIG), then environment variables such as
ICS_RECORDS_PORT or ICS_IDENTITY_DATABASE_URL. IT staff can run each service on its own host by
setting the `address` of the others.

Example file:

    data_dir = "/var/lib/ics"
    [records]
    port = 50052
    database_url = "postgresql+psycopg://ics@db.internal/ics_records"
    templates_dir = "/etc/ics/templates"   # records only: the council's own template files
    [identity]
    address = "ics-identity.internal:50051"
    [alerts]
    smtp_host = "smtp.council.example.org"  # alerts only: e-mail overdue and stale work; empty = off
    smtp_from = "ics@example.org"

Transport: empty `tls_ca_file` (the default) is plaintext, for the demo and tests. Set it (the
council CA that signs every ICS certificate) and every service serves TLS with its own
`[<service>] tls_cert_file` / `tls_key_file`, and every caller checks the service's certificate
against the CA. `mutual_tls = true` also makes every service demand a certificate signed by the
CA from every caller: services present their own; front ends present `client_cert_file` /
`client_key_file`. See services/common/tls.py and `ics admin make-certs`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Mapping

SERVICES = ("identity", "records", "alerts")
DEFAULT_PORTS = {"identity": 50051, "records": 50052, "alerts": 50053}
DEFAULT_DATA_DIR = Path(".ics-data")


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message says which and why."""


@dataclass
class ServiceSettings:
    name: str
    host: str = "127.0.0.1"
    port: int = 0
    database_url: str = ""
    # Where clients reach this service; defaults to host:port.
    address: str = ""
    # Serve gRPC reflection (demo and development only: it exposes the whole schema).
    reflection: bool = False
    grace_seconds: float = 5.0
    # records only: the council's own template files (<name>/v<N>.yaml), read after the shipped
    # ones; empty means the shipped templates only.
    templates_dir: str = ""
    # records only: the council's retention schedule (TOML, services/records/retention.py); empty
    # means the shipped schedule.
    retention_rules_file: str = ""
    # identity only: sign workers in against the council's directory (LDAP or Active Directory).
    # Empty ldap_url: every account signs in with its ICS password. With it set, accounts marked
    # as directory accounts bind as ldap_user_dn_template with {username} filled in (for Active
    # Directory "{username}@council.example.org" works); ICS still decides their roles and teams.
    ldap_url: str = ""
    ldap_user_dn_template: str = ""
    ldap_start_tls: bool = False
    ldap_ca_file: str = ""
    ldap_timeout_seconds: float = 5.0
    # alerts only: a folder of the council's own rule sets (<name>.toml, read before the shipped
    # ones), a newer gov.uk bank-holidays.json, and the council's closure days (YYYY-MM-DD, comma
    # separated or a list).
    rule_sets_dir: str = ""
    bank_holidays_file: str = ""
    closure_days: str = ""
    # alerts only: e-mail overdue and stale work through the council's SMTP relay. An empty
    # smtp_host means no e-mail. The password (when the relay wants a login) is read from a file,
    # never from this file or the environment.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = ""
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password_file: str = ""
    notify_interval_seconds: float = 300.0
    # TLS: this service's certificate (with its host names) and private key, used both to serve
    # and, as a client certificate, to call the other services. Needed when tls_ca_file is set.
    tls_cert_file: str = ""
    tls_key_file: str = ""
    # Copied from the top level by load_config (not settable per service).
    tls_ca_file: str = ""
    mutual_tls: bool = False

    def target(self) -> str:
        return self.address or f"{self.host}:{self.port}"


@dataclass
class IcsConfig:
    data_dir: Path = DEFAULT_DATA_DIR
    demo: bool = False
    services: dict[str, ServiceSettings] = field(default_factory=dict)
    # identity: how long a token lives without a refresh, and the absolute cap on a session.
    token_ttl_seconds: int = 900
    session_max_seconds: int = 12 * 3600
    # alerts: the rule set it counts with, and the service account it reads events as.
    rule_set: str = "england-current"
    alerts_service_username: str = "svc-alerts"
    alerts_service_password_file: Path | None = None
    # records: the Ed25519 key documents are signed with (made on first start if absent).
    signing_key_file: Path | None = None
    # Transport (services/common/tls.py). Empty tls_ca_file: plaintext. mutual_tls: every service
    # demands a client certificate signed by that CA from every caller. client_cert_file and
    # client_key_file: the certificate a front end (TUI, line mode) presents.
    tls_ca_file: str = ""
    mutual_tls: bool = False
    client_cert_file: str = ""
    client_key_file: str = ""
    # Front ends: lock the screen after this many minutes without a key press (shared thin
    # clients); the worker's password unlocks it and their typing is kept. 0 = never lock.
    idle_lock_minutes: float = 10.0
    # Front ends: where "print or save" sends a document (tui/core/printing.py). The workers reach
    # the TUI over SSH from thin clients, so both are on the TUI host: `printer` is a CUPS queue
    # name (sent with `print_command`, normally lp); `save_folder` is a folder there that saved
    # copies go to (mode 600 files). Either, both or neither; neither: printing is off.
    printer: str = ""
    save_folder: str = ""
    print_command: str = "lp"
    print_format: str = "pdf"   # "pdf", or "text" for a printer or reader that takes plain text only
    # Statutory returns: the council's three-digit DfE local authority number (the CIN census's
    # LEA), and its ONS code (E09000027...), which the SSDA903 validator's postcode rules use.
    la_code: str = ""
    la_ons_code: str = ""

    def __getitem__(self, service: str) -> ServiceSettings:
        return self.services[service]

    @property
    def records_signing_key_file(self) -> Path:
        return self.signing_key_file or self.data_dir / "secrets" / "records-signing.key"

    @property
    def service_password_file(self) -> Path:
        return self.alerts_service_password_file or self.data_dir / "secrets" / "alerts-service.password"


# Service settings copied from the top-level setting of the same name, never set per service.
_FROM_TOP_LEVEL = ("tls_ca_file", "mutual_tls")
_SERVICE_FIELD_TYPES = {f.name: f.type for f in fields(ServiceSettings)
                        if f.name != "name" and f.name not in _FROM_TOP_LEVEL}
# Settings only one service reads; any other service's section refuses them.
_ONLY_FOR = {"templates_dir": "records", "retention_rules_file": "records",
             "ldap_url": "identity", "ldap_user_dn_template": "identity", "ldap_start_tls": "identity",
             "ldap_ca_file": "identity", "ldap_timeout_seconds": "identity",
             "rule_sets_dir": "alerts", "bank_holidays_file": "alerts",
             "closure_days": "alerts", "smtp_host": "alerts", "smtp_port": "alerts", "smtp_from": "alerts",
             "smtp_starttls": "alerts", "smtp_username": "alerts", "smtp_password_file": "alerts",
             "notify_interval_seconds": "alerts"}
_TOP_LEVEL = {"data_dir", "demo", "token_ttl_seconds", "session_max_seconds", "rule_set",
              "alerts_service_username", "alerts_service_password_file", "signing_key_file",
              "tls_ca_file", "mutual_tls", "client_cert_file", "client_key_file", "idle_lock_minutes",
              "printer", "save_folder", "print_command", "print_format", "la_code", "la_ons_code"}


def _coerce(key: str, value: object, kind: str) -> object:
    if kind == "bool":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            raise ConfigError(f"{key} must be true or false; got {value!r}")
        return word in {"1", "true", "yes", "on"}
    try:
        if kind == "int":
            return int(value)  # type: ignore[arg-type]
        if kind == "float":
            return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        plain = {"int": "a whole number", "float": "a number"}[kind]
        raise ConfigError(f"{key} must be {plain}; got {value!r}") from None
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def load_config(
    data_dir: str | Path | None = None,
    config_file: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    demo: bool = False,
) -> IcsConfig:
    env = os.environ if env is None else env
    config_file = config_file or env.get("ICS_CONFIG")
    doc: dict = {}
    if config_file:
        path = Path(config_file)
        if not path.is_file():
            raise ConfigError(f"The configuration file {path} does not exist.")
        try:
            doc = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"The configuration file {path} is not valid TOML: {exc}") from None
        unknown = set(doc) - _TOP_LEVEL - set(SERVICES)
        if unknown:
            raise ConfigError(f"Unknown setting(s) in {path}: {', '.join(sorted(unknown))}")

    cfg = IcsConfig(demo=demo)
    for key in _TOP_LEVEL:
        value = env.get(f"ICS_{key.upper()}", doc.get(key))
        if value is None:
            continue
        current = getattr(cfg, key)
        if key in {"data_dir", "alerts_service_password_file", "signing_key_file"}:
            setattr(cfg, key, Path(value))
        elif isinstance(current, bool):
            setattr(cfg, key, _coerce(key, value, "bool"))
        elif isinstance(current, int):
            setattr(cfg, key, _coerce(key, value, "int"))
        elif isinstance(current, float):
            setattr(cfg, key, _coerce(key, value, "float"))
        else:
            setattr(cfg, key, str(value))
    if data_dir is not None:
        cfg.data_dir = Path(data_dir)

    for service in SERVICES:
        section = doc.get(service, {})
        unknown = {key for key in section
                   if key not in _SERVICE_FIELD_TYPES or _ONLY_FOR.get(key, service) != service}
        if unknown:
            raise ConfigError(f"Unknown setting(s) for {service}: {', '.join(sorted(unknown))}")
        settings = ServiceSettings(name=service, port=DEFAULT_PORTS[service], reflection=demo)
        for key, kind in _SERVICE_FIELD_TYPES.items():
            if _ONLY_FOR.get(key, service) != service:
                continue
            value = env.get(f"ICS_{service.upper()}_{key.upper()}", section.get(key))
            if value is not None:
                setattr(settings, key, _coerce(f"{service}.{key}", value, str(kind)))
        if not settings.database_url:
            settings.database_url = f"sqlite:///{(cfg.data_dir / f'{service}.db').resolve()}"
        if not 0 <= settings.port <= 65535:
            raise ConfigError(f"{service}.port must be between 0 and 65535; got {settings.port}")
        check_smtp(settings)
        check_ldap(settings)
        for key in _FROM_TOP_LEVEL:
            setattr(settings, key, getattr(cfg, key))
        cfg.services[service] = settings
    check_tls(cfg)
    if cfg.idle_lock_minutes < 0:
        raise ConfigError(f"idle_lock_minutes must be 0 (never lock) or more; got {cfg.idle_lock_minutes}")
    check_output(cfg)
    return cfg


def check_output(cfg: IcsConfig) -> None:
    """The print and save settings make sense; whether the printer and folder are really there
    is found when a worker prints or saves, and said to them in words."""
    if cfg.printer and any(c.isspace() or c in "/#" for c in cfg.printer):
        raise ConfigError(f"printer must be a CUPS printer name (no spaces, / or #), like \"duty-office\"; "
                          f"got {cfg.printer!r}")
    if cfg.printer and not cfg.print_command.strip():
        raise ConfigError("print_command must name the command that prints (normally lp) when printer is set")
    if cfg.print_format not in ("pdf", "text"):
        raise ConfigError(f"print_format must be \"pdf\" or \"text\"; got {cfg.print_format!r}")
    if cfg.save_folder and not Path(cfg.save_folder).is_absolute():
        raise ConfigError(f"save_folder must be a full path on this server, like \"/srv/ics/prints\"; "
                          f"got {cfg.save_folder!r}")


def check_tls(cfg: IcsConfig) -> None:
    """The TLS settings make sense together. Whether the files exist and hold what they should is
    checked when they are read (services/common/tls.py), by the process that needs them."""
    if cfg.mutual_tls and not cfg.tls_ca_file:
        raise ConfigError("mutual_tls needs tls_ca_file: the council CA that signs every ICS certificate")
    pairs = [("client_cert_file", "client_key_file", cfg.client_cert_file, cfg.client_key_file)]
    pairs += [(f"{s.name}.tls_cert_file", f"{s.name}.tls_key_file", s.tls_cert_file, s.tls_key_file)
              for s in cfg.services.values()]
    for cert_key, key_key, cert, key in pairs:
        if bool(cert) != bool(key):
            raise ConfigError(f"{cert_key} and {key_key} go together: set both (a certificate and its private "
                              "key) or neither")
        if cert and not cfg.tls_ca_file:
            raise ConfigError(f"{cert_key} is set but tls_ca_file is empty, so TLS is off; set tls_ca_file to the "
                              "council CA certificate (or remove the certificate settings)")


def check_smtp(settings: ServiceSettings) -> None:
    """The e-mail settings make sense together; only checked when e-mail is on (smtp_host set)."""
    if not settings.smtp_host:
        return
    where = settings.name
    if not 1 <= settings.smtp_port <= 65535:
        raise ConfigError(f"{where}.smtp_port must be between 1 and 65535; got {settings.smtp_port}")
    sender = settings.smtp_from
    if not sender or "@" not in sender or any(c.isspace() for c in sender):
        raise ConfigError(f"{where}.smtp_from must be the address e-mail is sent from, like ics@example.org, "
                          f"when smtp_host is set; got {sender!r}")
    if settings.smtp_username and not settings.smtp_password_file:
        raise ConfigError(f"{where}.smtp_password_file is needed with smtp_username: the relay's password is "
                          "read from that file")
    if settings.notify_interval_seconds <= 0:
        raise ConfigError(f"{where}.notify_interval_seconds must be more than 0; "
                          f"got {settings.notify_interval_seconds}")


def check_ldap(settings: ServiceSettings) -> None:
    """The directory settings make sense together; only checked when sign-in by directory is on."""
    if not settings.ldap_url:
        return
    where = settings.name
    if not settings.ldap_url.startswith(("ldap://", "ldaps://")):
        raise ConfigError(f"{where}.ldap_url must start with ldap:// or ldaps://; got {settings.ldap_url!r}")
    if "{username}" not in settings.ldap_user_dn_template:
        raise ConfigError(f"{where}.ldap_user_dn_template must contain {{username}}, like "
                          f"\"uid={{username}},ou=people,dc=council,dc=example\"; got {settings.ldap_user_dn_template!r}")
    if settings.ldap_timeout_seconds <= 0:
        raise ConfigError(f"{where}.ldap_timeout_seconds must be more than 0; got {settings.ldap_timeout_seconds}")
