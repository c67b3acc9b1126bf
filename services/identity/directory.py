"""Sign-in against the council's directory (LDAP or Active Directory) with ldap3.

ICS keeps deciding who a directory account is and what they may do (roles, teams); the directory
only says whether the password is right, by a simple bind as the user. An empty password is never
sent: LDAP treats a bind with no password as anonymous and says yes.
"""

from __future__ import annotations

import logging
import math
import ssl

import ldap3
from ldap3.core import exceptions as ldap_errors
from ldap3.utils.dn import escape_rdn

from services.common.config import ConfigError, ServiceSettings
from services.common.errors import Unavailable

log = logging.getLogger(__name__)

UNREACHABLE = ("The council directory is not answering, so your password could not be checked. "
               "Nothing was changed; try again in a moment, or tell IT if it goes on.")


class Directory:
    def __init__(self, settings: ServiceSettings):
        self.url = settings.ldap_url
        self.user_dn_template = settings.ldap_user_dn_template
        self.start_tls = settings.ldap_start_tls
        self.timeout = settings.ldap_timeout_seconds
        self.tls = None
        if settings.ldap_ca_file or self.url.startswith("ldaps://") or self.start_tls:
            try:
                self.tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=settings.ldap_ca_file or None)
            except ldap_errors.LDAPSSLConfigurationError:
                # ldap3 says only "invalid CA public key file"; say which setting and file.
                raise ConfigError(f"{settings.name}.ldap_ca_file {settings.ldap_ca_file} is not a readable file of "
                                  "PEM CA certificates (the CA that signed the directory's certificate)") from None

    def _server(self) -> ldap3.Server:
        # A new Server for each check: ldap3's Server remembers an address that failed and will
        # not try it again for several seconds, so one shared Server kept refusing sign-ins after
        # the directory was back (and is not meant to be shared between threads).
        return ldap3.Server(self.url, connect_timeout=self.timeout, tls=self.tls, get_info=ldap3.NONE)

    def user_dn(self, username: str) -> str:
        # Escaped, so a username like "x,ou=admins" cannot name another entry.
        return self.user_dn_template.format(username=escape_rdn(username))

    def check_password(self, username: str, password: str) -> bool:
        """True when the directory accepts the password; False when it refuses it. Raises
        Unavailable when the directory cannot be reached (never treated as a wrong password, so
        an outage does not lock anyone out)."""
        if not username or not password:
            return False
        connection = ldap3.Connection(self._server(), user=self.user_dn(username), password=password,
                                      # whole seconds: ldap3 packs it into SO_RCVTIMEO as an
                                      # integer and fails with struct.error on a float like 5.0
                                      receive_timeout=max(1, math.ceil(self.timeout)), raise_exceptions=False)
        try:
            connection.open()
            if self.start_tls:
                connection.start_tls()
            return bool(connection.bind())
        except (ldap_errors.LDAPSocketOpenError, ldap_errors.LDAPSocketReceiveError,
                ldap_errors.LDAPStartTLSError, ldap_errors.LDAPSessionTerminatedByServerError,
                ldap_errors.LDAPCommunicationError) as exc:
            log.warning("directory %s not reachable: %s", self.url, type(exc).__name__)
            raise Unavailable(UNREACHABLE) from None
        finally:
            try:
                connection.unbind()
            except ldap_errors.LDAPException:
                pass


def directory_from(settings: ServiceSettings) -> Directory | None:
    return Directory(settings) if settings.ldap_url else None
