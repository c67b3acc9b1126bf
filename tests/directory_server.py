"""A real OpenLDAP directory for tests: `slapd` as the current user on a free loopback port, with a
throwaway slapd.conf and mdb database in a temporary folder, loaded with a few synthetic people.

    with DirectoryServer(tmp_path, people={"alice": "alice-directory-pw"}) as directory:
        directory.url                    # ldap://127.0.0.1:<port>
        directory.dn("alice")            # uid=alice,ou=people,dc=council,dc=example
        directory.stop(); directory.start()   # an outage, and back (same port, same data)

Needs the Debian package slapd (slapd, slapadd); `missing()` says what is absent, for a skip
message. `.ci/run` installs them when it runs as root.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests.helpers import free_port

SUFFIX = "dc=council,dc=example"
PEOPLE = f"ou=people,{SUFFIX}"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "directory-root-secret"
USER_DN_TEMPLATE = "uid={username}," + PEOPLE
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIRS = (Path("/usr/lib/ldap"), Path("/usr/lib64/openldap"), Path("/usr/lib/openldap"))


def _find(program: str) -> str | None:
    return shutil.which(program) or next(
        (str(p) for p in (Path("/usr/sbin") / program, Path("/usr/local/sbin") / program) if p.exists()), None)


def missing() -> str | None:
    """None when slapd can be started here; otherwise why not, naming the Debian package."""
    if _find("slapd") is None or _find("slapadd") is None:
        return "slapd (Debian package slapd) is not installed; run .ci/run as root, or apt-get install slapd ldap-utils"
    for schema in ("core", "cosine", "inetorgperson"):
        if not (SCHEMA_DIR / f"{schema}.schema").exists():
            return f"{SCHEMA_DIR}/{schema}.schema is missing (Debian package slapd)"
    return None


def ssha(password: str) -> str:
    """An RFC 2307 {SSHA} userPassword value, as slappasswd makes."""
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode() + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


class DirectoryServer:
    def __init__(self, folder: Path, people: dict[str, str], extra_ldif: str = "",
                 tls: tuple[Path, Path, Path] | None = None):
        """`people`: uid -> password, each made uid=<uid>,ou=people. `extra_ldif`: more entries.
        `tls`: (ca.pem, server.pem, server.key) to offer StartTLS and ldaps on a second port."""
        self.folder = Path(folder)
        self.port = free_port()
        self.tls_port = free_port() if tls else None
        self.url = f"ldap://127.0.0.1:{self.port}"
        self.ldaps_url = f"ldaps://127.0.0.1:{self.tls_port}" if tls else ""
        self.process: subprocess.Popen | None = None
        self._write_config(tls)
        self._load(people, extra_ldif)

    @staticmethod
    def dn(uid: str) -> str:
        return USER_DN_TEMPLATE.format(username=uid)

    def _write_config(self, tls) -> None:
        data = self.folder / "data"
        data.mkdir(parents=True, exist_ok=True)
        module_dir = next((d for d in MODULE_DIRS if (d / "back_mdb.so").exists() or (d / "back_mdb.la").exists()), None)
        lines = [f"include {SCHEMA_DIR / name}.schema" for name in ("core", "cosine", "inetorgperson")]
        if module_dir is not None:  # Debian builds the backends as modules
            lines += [f"modulepath {module_dir}", "moduleload back_mdb"]
        lines += [
            f"pidfile {self.folder / 'slapd.pid'}",
            f"argsfile {self.folder / 'slapd.args'}",
            "loglevel stats",
            # As lax as a carelessly set up directory: a bind naming a DN with an empty password
            # succeeds (as anonymous), so a test shows ICS never sends one.
            "allow bind_anon_dn",
        ]
        if tls:
            ca, cert, key = tls
            lines += [f"TLSCACertificateFile {ca}", f"TLSCertificateFile {cert}", f"TLSCertificateKeyFile {key}"]
        lines += [
            "database mdb",
            "maxsize 10485760",
            f"suffix \"{SUFFIX}\"",
            f"rootdn \"{ROOT_DN}\"",
            f"rootpw {ssha(ROOT_PASSWORD)}",
            f"directory {data}",
            # Anyone may bind (auth) with a userPassword; only the entry itself reads it.
            "access to attrs=userPassword by self read by anonymous auth by * none",
            "access to * by users read by * none",
        ]
        self.config_file = self.folder / "slapd.conf"
        self.config_file.write_text("\n".join(lines) + "\n")

    def _load(self, people: dict[str, str], extra_ldif: str) -> None:
        entries = [
            f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: council\no: Example Council\n",
            f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n",
        ]
        for uid, password in people.items():
            entries.append(f"dn: {self.dn(uid)}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {uid.title()}\n"
                           f"sn: {uid.title()}\nmail: {uid}@council.example\nuserPassword: {ssha(password)}\n")
        if extra_ldif.strip():
            entries.append(extra_ldif.strip() + "\n")
        ldif = self.folder / "entries.ldif"
        ldif.write_text("\n".join(entries))
        done = subprocess.run([_find("slapadd"), "-q", "-f", str(self.config_file), "-l", str(ldif)],
                              capture_output=True, text=True, timeout=30)
        if done.returncode:
            raise RuntimeError(f"slapadd failed ({done.returncode}): {done.stderr.strip()}")

    def start(self) -> "DirectoryServer":
        urls = self.url + (f" {self.ldaps_url}" if self.ldaps_url else "")
        self.log = open(self.folder / "slapd.log", "ab")
        # -d keeps slapd in the foreground (so it is ours to stop); its log goes to slapd.log.
        self.process = subprocess.Popen([_find("slapd"), "-f", str(self.config_file), "-h", urls, "-d", "stats"],
                                        stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while not self._answers():
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd exited with {self.process.returncode}: "
                                   f"{(self.folder / 'slapd.log').read_text(errors='replace')[-2000:]}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"slapd did not answer on {self.url} within 15 s")
            time.sleep(0.05)
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def pause(self) -> None:
        """Still accepting connections (the kernel does that) but never answering: a hung directory."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is None:
            return
        self.resume()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None
        self.log.close()

    def __enter__(self) -> "DirectoryServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
