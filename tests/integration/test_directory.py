"""Sign-in against the council's directory: a real OpenLDAP slapd on a free loopback port
(tests/directory_server.py) and identity configured with [identity] ldap_url, on SQLite and on
PostgreSQL. A directory account's password is the directory's; its roles and teams stay in ICS."""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
import time
from contextlib import contextmanager, nullcontext
from types import SimpleNamespace

import grpc
import ldap3
import pytest
from google.protobuf import field_mask_pb2
from sqlalchemy import text

from ics.identity.v1 import identity_pb2 as ipb
from services.cli import migrate_all
from services.common.config import ConfigError, load_config
from services.common.db import Database
from services.common.errors import Unavailable
from services.identity import directory as directory_module
from services.identity import store
from services.identity.directory import Directory
from services.stack import ServiceStack, isolated_config
from tests import directory_server
from tests.conftest import fresh_pg_databases
from tests.directory_server import USER_DN_TEMPLATE, DirectoryServer
from tests.helpers import call, free_port
from tui.core.errors import ServiceError, SessionExpired

# Synthetic people. lena is a LOCAL ICS account whose uid also exists in the directory with
# another password; svc sits one level deeper (uid=svc,ou=robots,ou=people), where an unescaped
# username "svc,ou=robots" would reach it.
DIRECTORY_PEOPLE = {uid: f"{uid}-directory-pass" for uid in
                    ("dora", "dan", "cleo", "carl", "dina", "paul", "hugo", "sid", "lena")}
# Local ICS accounts (not directory accounts): lena for signing in, lars to be locked out,
# luke to compare a wrong local password with.
LOCAL_PASSWORDS = {"lena": "lena-ics-password", "lars": "lars-ics-password", "luke": "luke-ics-password"}
SVC_PASSWORD = "svc-directory-pass"
ROBOTS = f"""\
dn: ou=robots,{directory_server.PEOPLE}
objectClass: organizationalUnit
ou: robots

dn: uid=svc,ou=robots,{directory_server.PEOPLE}
objectClass: inetOrgPerson
uid: svc
cn: Service
sn: Service
userPassword: {directory_server.ssha(SVC_PASSWORD)}
"""
TIMEOUT = 2  # [identity] ldap_timeout_seconds for these tests: a hung directory costs this


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    why = directory_server.missing()
    if why:
        pytest.skip(why)
    folder = tmp_path_factory.mktemp("slapd")
    with DirectoryServer(folder, DIRECTORY_PEOPLE, extra_ldif=ROBOTS) as server:
        yield server
    shutil.rmtree(folder, ignore_errors=True)


def ldap_env(server: DirectoryServer) -> dict[str, str]:
    return {"ICS_IDENTITY_LDAP_URL": server.url, "ICS_IDENTITY_LDAP_USER_DN_TEMPLATE": USER_DN_TEMPLATE,
            "ICS_IDENTITY_LDAP_TIMEOUT_SECONDS": str(TIMEOUT)}


@pytest.fixture(scope="module")
def stack(engine_name, slapd, tmp_path_factory):
    """identity alone (records and alerts play no part in signing in), with the directory
    configured, one team, the administrator `admin` (password "demo") and LOCAL_PASSWORDS's local
    accounts; replaces conftest's stack, which takes no per-service settings (and seeds a dozen
    argon2 hashes this module does not need)."""
    data_dir = tmp_path_factory.mktemp(f"ics-directory-{engine_name}")
    with (fresh_pg_databases() if engine_name == "postgresql" else nullcontext()) as urls:
        config = isolated_config(data_dir, urls, env=ldap_env(slapd))
        migrate_all(config, ["identity"])
        db = Database(config["identity"].database_url)

        def seed(s):
            team = store.create_team(s, "Duty and Assessment", True)
            store.create_user(s, "admin", "Ada Admin", "demo", ["admin"], [])
            for username, password in LOCAL_PASSWORDS.items():
                store.create_user(s, username, username.title(), password, ["worker"], [team.id])

        db.write_sync(seed)
        db.dispose()
        running = ServiceStack(config).start(["identity"])
        try:
            yield running
        finally:
            running.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def fast_backoff(monkeypatch):
    monkeypatch.setattr(store, "BACKOFF_SECONDS", (0.1, 0.15))


def _identity(client, method: str, request):
    return call(client, method, request, service="identity")


def _raw_login(client_factory, username: str, password: str) -> tuple[str, str]:
    """Login straight through the stub: (status code name, details) exactly as identity answers
    (the client core words an UNAVAILABLE its own way)."""
    stub = client_factory().identity
    try:
        reply = stub.Login(ipb.LoginRequest(username=username, password=password), timeout=30)
    except grpc.RpcError as exc:
        return exc.code().name, exc.details()
    return "OK", reply.access_token


def _create_directory_user(admin, username: str, roles=("worker",), teams=("teams/1",)) -> ipb.User:
    return _identity(admin, "CreateUser", ipb.CreateUserRequest(user=ipb.User(
        username=username, display_name=username.title(), roles=list(roles), team_names=list(teams),
        directory_account=True)))


def _directory_user(admin, username: str) -> ipb.User:
    """The ICS directory account `username`, made if this stack has none yet (each test stands
    alone: under -n 2 the module's tests are shared between workers, each with its own stack)."""
    try:
        return _create_directory_user(admin, username)
    except ServiceError as exc:
        assert exc.code == "ALREADY_EXISTS", exc
        users = _identity(admin, "ListUsers", ipb.ListUsersRequest(page_size=500)).users
        return next(u for u in users if u.username == username)


def _binds(server: DirectoryServer, uid: str) -> int:
    """How many simple binds as `uid` the directory has seen (its stats log)."""
    return (server.folder / "slapd.log").read_text(errors="replace").count(f'BIND dn="{server.dn(uid)}" method=128')


def _directory(server: DirectoryServer, url: str = "", start_tls: bool = False, ca_file: str = "") -> Directory:
    return Directory(SimpleNamespace(name="identity", ldap_url=url or server.url, ldap_user_dn_template=USER_DN_TEMPLATE,
                                     ldap_start_tls=start_tls, ldap_ca_file=ca_file, ldap_timeout_seconds=TIMEOUT))


@contextmanager
def _directory_down(server: DirectoryServer):
    server.stop()
    try:
        yield
    finally:
        server.start()


def test_a_directory_account_signs_in_with_the_directory_password_and_keeps_its_ics_roles(
        stack, slapd, client_factory, sessions, fast_backoff):
    admin = sessions("admin")
    created = _create_directory_user(admin, "dora", roles=("worker", "leader"))
    assert created.directory_account and not created.must_change_password
    dora = client_factory("dora", DIRECTORY_PEOPLE["dora"])
    assert dora.session.token and dora.session.user.directory_account
    principal = _identity(admin, "IntrospectToken", ipb.IntrospectTokenRequest(access_token=dora.session.token))
    assert principal.username == "dora"
    assert sorted(principal.roles) == ["leader", "worker"] and list(principal.team_names) == ["teams/1"]

    # A wrong directory password is refused exactly as a wrong local one, or an unknown name.
    refused = {who: _raw_login(client_factory, who, "not-the-password")
               for who in ("dora", "luke", "nobody-has-this-name")}
    assert set(refused.values()) == {("UNAUTHENTICATED", store.BAD_CREDENTIALS)}, refused
    client_factory("dora", DIRECTORY_PEOPLE["dora"])  # and the right one still works after it


def test_wrong_directory_passwords_back_off_and_lock_like_local_ones(stack, slapd, client_factory, sessions,
                                                                       fast_backoff):
    _directory_user(sessions("admin"), "dan")
    answers = {}
    for username, right in (("dan", DIRECTORY_PEOPLE["dan"]), ("lars", LOCAL_PASSWORDS["lars"])):
        seen = []
        for attempt in range(5):
            started = time.monotonic()
            code, message = _raw_login(client_factory, username, "wrong guess")
            seen.append((code, message, time.monotonic() - started >= 0.08 * (attempt > 0)))
        code, message = _raw_login(client_factory, username, right)
        seen.append((code, message.split(" Try again")[0], True))
        answers[username] = seen
    assert answers["dan"] == answers["lars"]
    assert [code for code, _, _ in answers["dan"]] == ["UNAUTHENTICATED"] * 5 + ["RESOURCE_EXHAUSTED"]
    assert all(waited for _, _, waited in answers["dan"]), "an attempt after a wrong password was not held back"
    assert "locked" in answers["dan"][-1][1]
    # While locked, guesses never reach the directory (nor count towards its own lockout policy).
    before = _binds(slapd, "dan")
    for _ in range(3):
        assert _raw_login(client_factory, "dan", "another guess")[0] == "RESOURCE_EXHAUSTED"
    time.sleep(0.2)
    assert _binds(slapd, "dan") == before


def test_the_ics_password_column_is_never_used_for_a_directory_account(stack, slapd, client_factory, monkeypatch,
                                                                        fast_backoff):
    # Made with `ics admin create-user --directory`, which asks for no password.
    from services.cli import main

    monkeypatch.setenv("ICS_IDENTITY_DATABASE_URL", stack.config["identity"].database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    monkeypatch.setattr("getpass.getpass", lambda *a: pytest.fail("asked for a password for a directory account"))
    assert main(["admin", "create-user", "cleo", "--directory", "--role", "worker", "--team", "1",
                 "--data", str(stack.config.data_dir)]) == 0
    db = Database(stack.config["identity"].database_url)
    try:
        # Whatever the column holds (here a known local-style password, as if the account had
        # once been local), only the directory's password signs cleo in.
        db.write_sync(lambda s: s.execute(text("UPDATE users SET password_hash = :h WHERE username = 'cleo'"),
                                          {"h": store.hash_password("cleo-local-password")}))
        assert db.read_sync(lambda s: s.scalar(text("SELECT auth_source FROM users WHERE username = 'cleo'"))) \
            == "directory"
    finally:
        db.dispose()
    assert _raw_login(client_factory, "cleo", "cleo-local-password") == ("UNAUTHENTICATED", store.BAD_CREDENTIALS)
    assert client_factory("cleo", DIRECTORY_PEOPLE["cleo"]).session.token


def test_a_local_account_signs_in_with_its_ics_password_and_never_asks_the_directory(
        stack, slapd, client_factory, fast_backoff):
    assert client_factory("admin", "demo").session.token
    before = _binds(slapd, "lena")
    # lena is in the directory too, with another password: ICS does not ask it for her.
    assert _raw_login(client_factory, "lena", DIRECTORY_PEOPLE["lena"]) == ("UNAUTHENTICATED", store.BAD_CREDENTIALS)
    assert client_factory("lena", LOCAL_PASSWORDS["lena"]).session.token
    assert _binds(slapd, "lena") == before == 0


def test_an_empty_password_never_reaches_the_directory(stack, slapd, client_factory, sessions):
    _directory_user(sessions("admin"), "dina")
    if shutil.which("ldapwhoami"):
        # This directory is as lax as a careless one: a DN with an empty password binds, as
        # anonymous. So a Login must not pass such a bind on.
        lax = subprocess.run(["ldapwhoami", "-x", "-H", slapd.url, "-D", slapd.dn("dina"), "-w", ""],
                             capture_output=True, text=True, timeout=10)
        assert lax.returncode == 0 and "anonymous" in lax.stdout, lax
    before = _binds(slapd, "dina")
    with pytest.raises(ServiceError) as exc:
        client_factory().login("dina", "")
    assert exc.value.code == "INVALID_ARGUMENT" and exc.value.violations == {"password": "required"}
    assert _directory(slapd).check_password("dina", "") is False
    time.sleep(0.2)  # a bind, had there been one, would be in the log by now
    assert _binds(slapd, "dina") == before
    assert client_factory("dina", DIRECTORY_PEOPLE["dina"]).session.token


@pytest.mark.parametrize("username", [
    "svc,ou=robots",                                   # would bind as uid=svc,ou=robots,ou=people,...
    "*", "sid)(uid=*", "sid,ou=people", "uid=sid,ou=people,dc=council,dc=example",
    "sid\\2c", "#sid", "sid+cn=x", "sid;", "<sid>",
])
def test_ldap_special_characters_in_a_username_cannot_sign_in_as_someone_else(
        stack, slapd, client_factory, sessions, username, fast_backoff):
    _directory_user(sessions("admin"), "sid")
    password = SVC_PASSWORD if username.startswith("svc") else DIRECTORY_PEOPLE["sid"]
    assert _raw_login(client_factory, username, password) == ("UNAUTHENTICATED", store.BAD_CREDENTIALS)
    # Even asked directly, the directory check escapes the name into one RDN value...
    assert _directory(slapd).check_password(username, password) is False
    with pytest.raises(ServiceError) as exc:  # ...and ICS will not make such an account
        _create_directory_user(sessions("admin"), username)
    assert exc.value.code == "INVALID_ARGUMENT"


def test_escaping_is_what_stops_a_username_naming_another_entry(slapd):
    entry = f"uid=svc,ou=robots,{directory_server.PEOPLE}"
    raw = ldap3.Connection(ldap3.Server(slapd.url, get_info=ldap3.NONE), user=entry, password=SVC_PASSWORD)
    assert raw.bind(), "the deeper entry exists and its password is right"
    raw.unbind()
    assert USER_DN_TEMPLATE.format(username="svc,ou=robots") == entry  # unescaped, it would be reached
    directory = _directory(slapd)
    assert directory.user_dn("svc,ou=robots") == f"uid=svc\\,ou\\=robots,{directory_server.PEOPLE}"
    assert directory.check_password("svc,ou=robots", SVC_PASSWORD) is False
    assert directory.check_password("dora\x00", DIRECTORY_PEOPLE["dora"]) is False


def test_directory_down_answers_unavailable_and_locks_no_one_out(stack, slapd, client_factory, sessions,
                                                                  fast_backoff):
    _directory_user(sessions("admin"), "paul")
    with _directory_down(slapd):
        for _ in range(store.MAX_FAILED_LOGINS + 2):  # more than enough to lock, were they counted
            assert _raw_login(client_factory, "paul", DIRECTORY_PEOPLE["paul"]) == \
                ("UNAVAILABLE", directory_module.UNREACHABLE)
        assert "ldap" not in directory_module.UNREACHABLE.lower() and "directory" in directory_module.UNREACHABLE
        assert client_factory("admin", "demo").session.token  # local accounts carry on meanwhile
    # Back: signs in at once (nothing was counted against paul, and no stale "down" is remembered).
    started = time.monotonic()
    assert client_factory("paul", DIRECTORY_PEOPLE["paul"]).session.token
    assert time.monotonic() - started < 1.5


def test_a_hung_directory_times_out_without_holding_up_other_sign_ins(stack, slapd, client_factory, sessions,
                                                                      fast_backoff):
    _directory_user(sessions("admin"), "hugo")
    answer = {}

    def hugo_signs_in():
        started = time.monotonic()
        answer["hugo"] = _raw_login(client_factory, "hugo", DIRECTORY_PEOPLE["hugo"]), time.monotonic() - started

    slapd.pause()
    try:
        waiting = threading.Thread(target=hugo_signs_in)
        waiting.start()
        time.sleep(0.3)
        started = time.monotonic()
        assert client_factory("lena", LOCAL_PASSWORDS["lena"]).session.token
        local_took = time.monotonic() - started
        waiting.join(TIMEOUT + 10)
    finally:
        slapd.resume()
    (result, took) = answer["hugo"]
    assert result == ("UNAVAILABLE", directory_module.UNREACHABLE)
    assert TIMEOUT - 0.5 <= took <= TIMEOUT + 3, took
    assert local_took < TIMEOUT - 0.5, f"a local sign-in waited {local_took:.1f}s behind the directory"
    assert client_factory("hugo", DIRECTORY_PEOPLE["hugo"]).session.token


def test_a_directory_account_changes_its_password_in_the_directory_not_in_ics(stack, slapd, client_factory,
                                                                               sessions):
    admin = sessions("admin")
    _directory_user(admin, "carl")
    carl = client_factory("carl", DIRECTORY_PEOPLE["carl"])
    with pytest.raises(ServiceError) as exc:
        _identity(carl, "ChangePassword", ipb.ChangePasswordRequest(current_password=DIRECTORY_PEOPLE["carl"],
                                                                    new_password="a-brand-new-password"))
    assert exc.value.code == "FAILED_PRECONDITION" and "directory" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        _identity(admin, "ResetPassword", ipb.ResetPasswordRequest(name=carl.session.user.name))
    assert exc.value.code == "FAILED_PRECONDITION" and "directory" in exc.value.message
    with pytest.raises(ServiceError) as exc:  # nor is one given a first ICS password
        _identity(admin, "CreateUser", ipb.CreateUserRequest(
            user=ipb.User(username="carl2", display_name="Carl Two", roles=["worker"], directory_account=True),
            temporary_password="a-temporary-password"))
    assert exc.value.code == "INVALID_ARGUMENT" and "temporary_password" in exc.value.violations
    assert client_factory("carl", DIRECTORY_PEOPLE["carl"]).session.token  # the directory password still works


def test_disabling_a_directory_account_in_ics_refuses_it_though_the_directory_says_yes(
        stack, slapd, client_factory, sessions, fast_backoff):
    admin = sessions("admin")
    user = _directory_user(admin, "vera")
    _add_person(slapd, "vera", "vera-directory-pass")  # the directory learns of her after ICS, as may happen
    vera = client_factory("vera", "vera-directory-pass")
    _identity(admin, "UpdateUser", ipb.UpdateUserRequest(
        user=ipb.User(name=user.name, etag=user.etag, active=False),
        update_mask=field_mask_pb2.FieldMask(paths=["active"])))
    with pytest.raises(SessionExpired):
        _identity(vera, "GetCurrentUser", ipb.GetCurrentUserRequest())  # her session ended at once
    before = _binds(slapd, "vera")
    assert _raw_login(client_factory, "vera", "vera-directory-pass") == ("UNAUTHENTICATED", store.BAD_CREDENTIALS)
    assert _directory(slapd).check_password("vera", "vera-directory-pass") is True  # the directory would say yes
    assert _binds(slapd, "vera") == before + 1  # that one bind was ours just now; Login asked nothing
    user = _identity(admin, "GetUser", ipb.GetUserRequest(name=user.name))
    _identity(admin, "UpdateUser", ipb.UpdateUserRequest(
        user=ipb.User(name=user.name, etag=user.etag, active=True),
        update_mask=field_mask_pb2.FieldMask(paths=["active"])))
    assert client_factory("vera", "vera-directory-pass").session.token


def _add_person(server: DirectoryServer, uid: str, password: str) -> None:
    admin = ldap3.Connection(ldap3.Server(server.url, get_info=ldap3.NONE), user=directory_server.ROOT_DN,
                             password=directory_server.ROOT_PASSWORD, auto_bind=True)
    try:
        admin.add(server.dn(uid), ["inetOrgPerson"], {"uid": uid, "cn": uid.title(), "sn": uid.title(),
                                                      "userPassword": directory_server.ssha(password)})
        assert admin.result["description"] in ("success", "entryAlreadyExists"), admin.result
    finally:
        admin.unbind()


# -- StartTLS and ldaps, against the directory check itself -------------------------------------

@pytest.fixture(scope="module")
def tls_slapd(tmp_path_factory):
    why = directory_server.missing()
    if why:
        pytest.skip(why)
    import datetime

    from services.certificates import _leaf, _load_ca, _write_cert, _write_key, make_certificates

    folder = tmp_path_factory.mktemp("slapd-tls")
    council = folder / "council"
    make_certificates(council, services=["directory"])  # names localhost and 127.0.0.1
    make_certificates(folder / "elsewhere", services=["other"])
    # Signed by the council CA, but for another host than the one ICS is told to call.
    ca_cert, ca_key = _load_ca(council)
    cert, key = _leaf("dc9", ca_cert, ca_key, ["dc9.council.example"], datetime.datetime.now(datetime.timezone.utc))
    _write_cert(council / "dc9.pem", cert)
    _write_key(council / "dc9.key", key)
    people = {"tess": "tess-directory-pass"}
    with DirectoryServer(folder / "server", people, tls=(council / "ca.pem", council / "directory.pem",
                                                         council / "directory.key")) as server, \
            DirectoryServer(folder / "misnamed", people, tls=(council / "ca.pem", council / "dc9.pem",
                                                              council / "dc9.key")) as misnamed:
        server.council_ca, server.other_ca = str(council / "ca.pem"), str(folder / "elsewhere" / "ca.pem")
        server.misnamed = misnamed
        yield server
    shutil.rmtree(folder, ignore_errors=True)


def test_start_tls_and_ldaps_check_the_directory_certificate_and_its_name(tls_slapd):
    for url, start_tls in ((tls_slapd.url, True), (tls_slapd.ldaps_url, False)):
        trusted = _directory(tls_slapd, url, start_tls, tls_slapd.council_ca)
        assert trusted.check_password("tess", "tess-directory-pass") is True
        assert trusted.check_password("tess", "wrong") is False
        before = _binds(tls_slapd, "tess")
        with pytest.raises(Unavailable):  # a directory the council CA did not sign gets no password
            _directory(tls_slapd, url, start_tls, tls_slapd.other_ca).check_password("tess", "tess-directory-pass")
        time.sleep(0.1)
        assert _binds(tls_slapd, "tess") == before
    misnamed = tls_slapd.misnamed  # the council's CA signed it, but for dc9.council.example
    for url, start_tls in ((misnamed.url, True), (misnamed.ldaps_url, False)):
        with pytest.raises(Unavailable):
            _directory(misnamed, url, start_tls, tls_slapd.council_ca).check_password("tess", "tess-directory-pass")
    time.sleep(0.1)
    assert _binds(misnamed, "tess") == 0


def test_start_tls_refused_by_the_directory_sends_no_password_in_clear(slapd, tls_slapd):
    before = _binds(slapd, "dora")
    with pytest.raises(Unavailable):  # slapd here offers no TLS at all
        _directory(slapd, start_tls=True, ca_file=tls_slapd.council_ca).check_password("dora", DIRECTORY_PEOPLE["dora"])
    time.sleep(0.1)
    assert _binds(slapd, "dora") == before


# -- configuration --------------------------------------------------------------------------------

@pytest.mark.parametrize("settings, words", [
    ({"ICS_IDENTITY_LDAP_USER_DN_TEMPLATE": "uid=someone,ou=people,dc=council,dc=example"},
     "identity.ldap_user_dn_template must contain {username}"),
    ({}, "identity.ldap_user_dn_template must contain {username}"),
    ({"ICS_IDENTITY_LDAP_URL": "http://dc1.council.example", "ICS_IDENTITY_LDAP_USER_DN_TEMPLATE": "{username}@c.org"},
     "identity.ldap_url must start with ldap:// or ldaps://"),
    ({"ICS_IDENTITY_LDAP_USER_DN_TEMPLATE": "{username}@council.example.org", "ICS_IDENTITY_LDAP_TIMEOUT_SECONDS": "0"},
     "identity.ldap_timeout_seconds must be more than 0"),
])
def test_directory_settings_that_cannot_work_stop_start_up_with_a_plain_message(tmp_path, settings, words):
    env = {"ICS_IDENTITY_LDAP_URL": f"ldap://127.0.0.1:{free_port()}", **settings}
    with pytest.raises(ConfigError) as exc:
        load_config(data_dir=tmp_path, env=env)
    assert words in str(exc.value)


def test_directory_settings_load_from_toml_and_belong_to_identity_only(tmp_path):
    from services.certificates import make_certificates

    ca = make_certificates(tmp_path / "ad", services=[]).ca_cert
    good = tmp_path / "ics.toml"
    good.write_text('[identity]\nldap_url = "ldaps://dc1.council.example.org"\n'
                    'ldap_user_dn_template = "{username}@council.example.org"\n'
                    f'ldap_ca_file = "{ca}"\nldap_timeout_seconds = 3\n')
    settings = load_config(data_dir=tmp_path, config_file=good, env={})["identity"]
    assert (settings.ldap_url, settings.ldap_timeout_seconds) == ("ldaps://dc1.council.example.org", 3.0)
    assert Directory(settings).user_dn("sokafor") == "sokafor@council.example.org"  # Active Directory style
    settings.ldap_ca_file = str(tmp_path / "no-such-ca.pem")
    with pytest.raises(ConfigError) as exc:  # a plain message at start-up, not an ldap3 traceback
        Directory(settings)
    assert f"identity.ldap_ca_file {tmp_path / 'no-such-ca.pem'} is not a readable file" in str(exc.value)
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[records]\nldap_url = "ldap://dc1.council.example.org"\n')
    with pytest.raises(ConfigError) as exc:
        load_config(data_dir=tmp_path, config_file=wrong, env={})
    assert "Unknown setting(s) for records: ldap_url" in str(exc.value)
