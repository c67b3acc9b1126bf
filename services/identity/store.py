"""identity's storage logic: plain synchronous functions over one SQLAlchemy session."""

from __future__ import annotations

import dataclasses
import functools
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, or_, select, true, update
from sqlalchemy.orm import Session as DbSession

from services.common.auth import Principal, token_hash
from services.common.dates import as_utc
from services.common.names import parse_name
from services.common.errors import (
    Aborted, AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, ResourceExhausted,
    Unauthenticated,
)
from services.identity import audit
from services.identity.roles import ROLES, permissions_for
from services.identity.models import LoginThrottle, Session, Team, TeamMember, User, UserRole

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
BAD_CREDENTIALS = "That username and password do not match. Check them and try again."
# After each wrong password for a username, its next attempt waits this long (the last figure is
# the cap) before it is checked; a module setting so tests can make it small.
BACKOFF_SECONDS: tuple[float, ...] = (0.5, 1.0, 2.0, 2.0)
TOO_MANY_AT_ONCE = "Another sign-in for this username is already waiting after a wrong password. Wait a moment and try again."
MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this when the username is unknown keeps both answers equally slow.
    Made on first use: an argon2 hash at import would slow every command's start."""
    return _hasher.hash(secrets.token_hex(8))


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@dataclass
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


def create_team(db: DbSession, display_name: str, is_duty: bool = False, location: str = "") -> Team:
    display_name = display_name.strip()
    if not display_name or len(display_name) > 200 or len(location) > 200:
        raise InvalidArgument("A team needs a name (and a location, if given) of at most 200 characters.",
                              {"display_name": "required, at most 200 characters"})
    existing = db.scalar(select(Team).where(Team.display_name == display_name))
    if existing:
        raise AlreadyExists(f"There is already a team called {display_name}.", f"teams/{existing.id}")
    team = Team(display_name=display_name, is_duty=is_duty, location=location.strip())
    db.add(team)
    db.flush()
    return team


def email_problem(email: str) -> str:
    """Why an e-mail address cannot be used, or "" when it can (or is left empty). Plain checks
    only: one @, something either side, a dot in the domain, no spaces."""
    if not email:
        return ""
    local, at, domain = email.rpartition("@")
    if len(email) > 254 or any(c.isspace() for c in email) or not at or not local or "@" in local \
            or "." not in domain.strip(".") or domain.startswith(".") or domain.endswith(".") or ".." in domain:
        return "not an e-mail address like name@example.org"
    return ""


def create_user(
    db: DbSession,
    username: str,
    display_name: str,
    password: str,
    roles: list[str],
    team_ids: list[int],
    email: str = "",
    directory_account: bool = False,
) -> User:
    violations = {}
    email = email.strip()
    if problem := email_problem(email):
        violations["email"] = problem
    if not username or not username.replace("-", "").replace(".", "").replace("_", "").isalnum():
        violations["username"] = "letters, digits, '.', '-' or '_' only"
    if not display_name.strip():
        violations["display_name"] = "required"
    if not directory_account and len(password) < 4:
        violations["password"] = "at least 4 characters"
    if len(username) > 100:
        violations["username"] = "at most 100 characters"
    if len(display_name) > 200:
        violations["display_name"] = "at most 200 characters"
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        violations["roles"] = f"unknown role(s) {', '.join(unknown)}; known: {', '.join(ROLES)}"
    if not roles:
        violations["roles"] = f"at least one of {', '.join(ROLES)}"
    for team_id in team_ids:
        if db.get(Team, team_id) is None:
            violations["teams"] = f"no team teams/{team_id}"
    if violations:
        raise InvalidArgument("The new user could not be created: " + "; ".join(
            f"{k}: {v}" for k, v in violations.items()), violations)
    if db.scalar(select(User).where(User.username == username)):
        raise AlreadyExists(f"The username {username} is already taken.")
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        # A directory account's ICS password is never used; a random hash keeps the column honest.
        password_hash=hash_password(secrets.token_urlsafe(24) if directory_account else password),
        auth_source="directory" if directory_account else "local",
        active=True,
        failed_logins=0,
        version=1,
    )
    user.roles = [UserRole(role=r) for r in dict.fromkeys(roles)]
    user.memberships = [TeamMember(team_id=t, position=i) for i, t in enumerate(dict.fromkeys(team_ids))]
    db.add(user)
    db.flush()
    return user


def principal_for(user: User, expires_at: datetime) -> Principal:
    return Principal(
        user_name=f"users/{user.id}",
        username=user.username,
        display_name=user.display_name,
        roles=frozenset(r.role for r in user.roles),
        team_names=tuple(f"teams/{m.team_id}" for m in sorted(user.memberships, key=lambda m: m.position)),
        expires_at=as_utc(expires_at).timestamp(),
        permissions=tuple(f"{action}:{scope}" for action, scope in
                          sorted(permissions_for(r.role for r in user.roles).items())),
    )


def password_problem(password: str, username: str, old_password: str | None = None) -> str:
    """Why a new password cannot be used, or "" when it can: a plain policy, nothing clever."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"at least {MIN_PASSWORD_LENGTH} characters"
    if password.strip().lower() == username.strip().lower():
        return "must not be your username"
    if old_password is not None and password == old_password:
        return "must be different from the current password"
    return ""


def require_usable_password(password: str, username: str, field: str, what: str,
                            old_password: str | None = None) -> None:
    """Refuses (InvalidArgument on `field`) a password `password_problem` finds fault with."""
    if problem := password_problem(password, username, old_password):
        raise InvalidArgument(f"That {what} cannot be used: it {problem}." if problem.startswith("must")
                              else f"That {what} cannot be used: it needs {problem}.", {field: problem})


def refuse_directory_account(user: User) -> None:
    if user.auth_source == "directory":
        raise FailedPrecondition(f"{user.username} signs in with the council directory password, which is changed "
                                 "there (for example with Ctrl+Alt+Del on a council computer), not in ICS.")


@dataclass
class Refusal:
    """An answer that must still commit what the attempt changed (a failure count), so the store
    returns it and the handler raises it after the transaction."""

    error: Exception


class PasswordChangeRequired(InvalidArgument):
    """Login with a temporary password: no token until a new password comes with it."""

    code = FailedPrecondition.code
    reason = "PASSWORD_CHANGE_REQUIRED"


def backoff_after(failures: int) -> float:
    if failures <= 0 or not BACKOFF_SECONDS:
        return 0.0
    return BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS)) - 1]


def _throttle_key(username: str) -> str:
    return username[:100]


def _throttle_row(db: DbSession, username: str, now: datetime) -> LoginThrottle:
    """The username's row, made if absent, locked for this transaction (concurrent attempts queue)."""
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    key = _throttle_key(username)
    db.execute(insert(LoginThrottle).values(username=key, failures=0, last_failure_at=now, next_attempt_at=now)
               .on_conflict_do_nothing())
    return db.scalar(select(LoginThrottle).where(LoginThrottle.username == key).with_for_update()
                     .execution_options(populate_existing=True))


def _record_failure(db: DbSession, username: str) -> None:
    now = now_utc()  # after the (slow) password check: the delay runs from the answer
    row = _throttle_row(db, username, now)
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= MAX_FAILED_LOGINS:
        row.locked_until = now + LOCKOUT
        row.failures = 0
    row.next_attempt_at = now + timedelta(seconds=backoff_after(row.failures))
    # Rows for usernames nobody has tried for a day go, so guessed names do not pile up.
    db.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - timedelta(days=1),
                                           LoginThrottle.username != row.username))


def _clear_failures(db: DbSession, username: str) -> None:
    db.execute(delete(LoginThrottle).where(LoginThrottle.username == _throttle_key(username)))


def _refuse_if_locked(row: LoginThrottle | None, now: datetime) -> None:
    if row is not None and row.locked_until and as_utc(row.locked_until) > now:
        raise ResourceExhausted(
            "This account is locked for a few minutes after too many wrong passwords. "
            f"Try again after {as_utc(row.locked_until):%H:%M} UTC, or ask your administrator.")


def login_wait(db: DbSession, username: str) -> float:
    """Seconds before this username's next attempt may be checked (0 when it may be now). Refuses
    a locked one. Answers alike whether or not the username exists."""
    row = db.get(LoginThrottle, _throttle_key(username))
    now = now_utc()
    _refuse_if_locked(row, now)
    if row is None:
        return 0.0
    return max(0.0, (as_utc(row.next_attempt_at) - now).total_seconds())


def auth_source(db: DbSession, username: str) -> str:
    """"directory" when this username signs in against the council directory, else "local"
    (also for names nobody has, so the answer reveals nothing)."""
    return db.scalar(select(User.auth_source).where(User.username == username, User.active.is_(True))) or "local"


def login(db: DbSession, username: str, password: str, ttl: int, max_age: int,
          new_password: str = "", directory_verdict: bool | None = None) -> IssuedToken | Refusal:
    """`directory_verdict`: the council directory's answer for a directory account, asked before
    this transaction (services/identity/directory.py); None for local accounts."""
    if not username or not password:
        raise InvalidArgument("Enter your username and password.", {
            k: "required" for k, v in (("username", username), ("password", password)) if not v})
    now = now_utc()
    _refuse_if_locked(db.get(LoginThrottle, _throttle_key(username)), now)
    user = db.scalar(select(User).where(User.username == username))
    if user is not None and user.active and user.auth_source == "directory":
        matched = bool(directory_verdict)
    else:
        try:
            # An unknown or disabled user is checked against a dummy hash: both answers equally slow.
            _hasher.verify(user.password_hash if user is not None and user.active else _dummy_hash(), password)
            matched = user is not None and user.active
        except (VerificationError, InvalidHashError):
            matched = False
    if not matched:
        _record_failure(db, username)
        return Refusal(Unauthenticated(BAD_CREDENTIALS))
    _clear_failures(db, username)
    user.failed_logins = 0
    user.locked_until = None
    if user.must_change_password:
        if not new_password:
            return Refusal(PasswordChangeRequired(
                "Your password was reset by an administrator. Choose a new password to continue.",
                {"new_password": f"choose a new password of at least {MIN_PASSWORD_LENGTH} characters"}))
        require_usable_password(new_password, username, "new_password", "new password", password)
        user.password_hash = hash_password(new_password)
        user.must_change_password = False
        user.version += 1
        audit.record(db, principal_for(user, now), "password.changed", f"users/{user.id}",
                     "new password chosen at login after an administrator's reset")
    elif _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(seconds=ttl)
    db.add(Session(
        token_hash=token_hash(token),
        user_id=user.id,
        created_at=now,
        expires_at=expires,
        hard_expires_at=now + timedelta(seconds=max_age),
        revoked=False,
    ))
    return IssuedToken(token, expires, user)


def _live_session(db: DbSession, token: str) -> Session:
    if not token:
        raise Unauthenticated("Please log in first: this call needs a session token.")
    session = db.scalar(select(Session).where(Session.token_hash == token_hash(token)))
    now = now_utc()
    if session is None:
        raise Unauthenticated("That session is not recognised. Please log in again.")
    if session.revoked:
        raise Unauthenticated("You have logged out of that session. Please log in again.")
    if as_utc(session.expires_at) <= now or as_utc(session.hard_expires_at) <= now:
        raise Unauthenticated("Your session has expired. Please log in again; your drafts are kept.")
    user = db.get(User, session.user_id)
    if user is None or not user.active:
        raise Unauthenticated("This account has been disabled. Ask your administrator.")
    return session


def introspect(db: DbSession, token: str, on_behalf_of: str = "") -> Principal:
    session = _live_session(db, token)
    principal = principal_for(db.get(User, session.user_id), session.expires_at)
    return acting_for(db, principal, on_behalf_of) if on_behalf_of else principal


def acting_for(db: DbSession, support: Principal, worker_name: str) -> Principal:
    """Business support entering data for a worker: the worker's identity and access, narrowed to
    the actions support's role may do on someone's behalf, with support named as entered_by so
    records can show both and audit who was at the keyboard."""
    delegable = [p.partition(":")[0] for p in support.permissions if p.endswith(":on_behalf")]
    if not delegable:
        raise PermissionDenied("Your role does not enter data on other workers' behalf.")
    try:
        worker_id = parse_name(worker_name, "users", "on_behalf_of")
    except InvalidArgument:
        raise InvalidArgument(f"{worker_name[:60]!r} is not a worker; name them as users/<number>.",
                              {"on_behalf_of": "users/<number>"}) from None
    worker = db.get(User, worker_id)
    if worker is None or not worker.active or worker.id == support.user_id \
            or not {m.team_id for m in worker.memberships} & set(support.team_ids):
        raise PermissionDenied("You can enter data only for an active colleague in one of your own teams.")
    for_worker = principal_for(worker, datetime.fromtimestamp(support.expires_at, timezone.utc))
    permissions = []
    for action in delegable:
        scope = for_worker.scope(action)
        if scope and scope != "on_behalf":
            permissions.append(f"{action}:{scope}")
    return dataclasses.replace(for_worker, permissions=tuple(permissions),
                               entered_by=(support.user_name, support.username, support.display_name))


def refresh(db: DbSession, token: str, ttl: int) -> IssuedToken:
    session = _live_session(db, token)
    session.expires_at = min(now_utc() + timedelta(seconds=ttl), as_utc(session.hard_expires_at))
    return IssuedToken(token, as_utc(session.expires_at), db.get(User, session.user_id))


def logout(db: DbSession, token: str) -> None:
    _live_session(db, token).revoked = True


def get_user(db: DbSession, user_id: int, principal: Principal | None = None) -> User:
    """`principal` None: identity itself (its own checks, ics admin). Otherwise a user the caller
    may not look up answers exactly as one that does not exist."""
    query = select(User).where(User.id == user_id)
    if principal is not None:
        query = query.where(users_visible_to(principal))
    user = db.scalar(query)
    if user is None:
        raise NotFound(f"There is no user users/{user_id}.")
    return user


def users_visible_to(principal: Principal):
    """Colleagues a caller may look up: everyone with users.read at scope any, else members of the
    caller's own teams (and themselves); nobody for a role without users.read."""
    scope = principal.scope("users.read")
    if scope == "any":
        return true()
    if scope == "team":
        return or_(User.id == principal.user_id, User.id.in_(
            select(TeamMember.user_id).where(TeamMember.team_id.in_(principal.team_ids))))
    return User.id == principal.user_id


def list_users(db: DbSession, principal: Principal, team_id: int | None, offset: int, limit: int) -> list[User]:
    query = select(User).where(users_visible_to(principal)).order_by(User.id).offset(offset).limit(limit)
    if team_id is not None:
        query = query.where(User.id.in_(select(TeamMember.user_id).where(TeamMember.team_id == team_id)))
    return list(db.scalars(query))


def list_teams(db: DbSession, offset: int, limit: int) -> list[Team]:
    return list(db.scalars(select(Team).order_by(Team.id).offset(offset).limit(limit)))


def _revoke_sessions(db: DbSession, user_id: int, keep_token: str = "") -> int:
    query = update(Session).where(Session.user_id == user_id, Session.revoked.is_(False))
    if keep_token:
        query = query.where(Session.token_hash != token_hash(keep_token))
    return db.execute(query.values(revoked=True)).rowcount or 0


def require_admin(principal: Principal, doing: str) -> None:
    if principal.scope("users.admin") != "any":
        raise PermissionDenied(f"Only an IT administrator can {doing}.")


def user_by_username(db: DbSession, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"There is no user called {username}.")
    return user


def change_password(db: DbSession, principal: Principal, token: str, current: str, new: str) -> int | Refusal:
    """The caller's own password. Returns how many other sessions were ended."""
    user = get_user(db, principal.user_id)
    refuse_directory_account(user)
    missing = {k: "required" for k, v in (("current_password", current), ("new_password", new)) if not v}
    if missing:
        raise InvalidArgument("Enter your current password and the new one.", missing)
    now = now_utc()
    _refuse_if_locked(db.get(LoginThrottle, _throttle_key(user.username)), now)
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        _record_failure(db, user.username)  # a borrowed session cannot guess for ever
        return Refusal(InvalidArgument("Your current password is not right, so nothing was changed.",
                                       {"current_password": "does not match"}))
    require_usable_password(new, user.username, "new_password", "new password", current)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.version += 1
    ended = _revoke_sessions(db, user.id, keep_token=token)
    audit.record(db, principal, "password.changed", f"users/{user.id}",
                 f"changed by the user; {ended} other session(s) ended")
    return ended


def reset_password(db: DbSession, actor: Principal, user: User, temporary: str = "") -> tuple[User, str]:
    """An administrator's reset: a temporary password (chosen here when none is given, and
    returned) the user must replace at their next login; every session ends, any lockout lifts."""
    require_admin(actor, "reset a password")
    refuse_directory_account(user)
    chosen = ""
    if not temporary:
        temporary = chosen = secrets.token_urlsafe(12)
    require_usable_password(temporary, user.username, "temporary_password", "temporary password")
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    user.version += 1
    _clear_failures(db, user.username)
    ended = _revoke_sessions(db, user.id)
    audit.record(db, actor, "password.reset", f"users/{user.id}",
                 f"temporary password set, to be changed at next login; {ended} session(s) ended")
    db.flush()
    return user, chosen


UPDATABLE = ("roles", "team_ids", "active", "display_name", "email")


def update_user(db: DbSession, actor: Principal, user: User, changes: dict, etag: str | None) -> User:
    """An administrator's change to roles, teams, active, display name or e-mail. `etag` None is
    the console (ics admin), which has no copy to be stale."""
    require_admin(actor, "change users")
    if etag is not None:
        if not etag:
            raise InvalidArgument("Send the user's etag, so no one's change is overwritten.", {"etag": "required"})
        if etag != str(user.version):
            raise Aborted(f"Someone else changed {user.username} since you read it. Reload and try again.")
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise InvalidArgument(f"These cannot be changed here: {', '.join(sorted(unknown))}.",
                              {k: "not updatable" for k in unknown})
    violations: dict[str, str] = {}
    if "roles" in changes:
        bad = [r for r in changes["roles"] if r not in ROLES]
        if bad:
            violations["roles"] = f"unknown role(s) {', '.join(bad)}; known: {', '.join(ROLES)}"
    if "team_ids" in changes:
        for team_id in changes["team_ids"]:
            if db.get(Team, team_id) is None:
                violations["team_names"] = f"no team teams/{team_id}"
    if "display_name" in changes and not str(changes["display_name"]).strip():
        violations["display_name"] = "required"
    if "email" in changes and (problem := email_problem(str(changes["email"]).strip())):
        violations["email"] = problem
    if violations:
        raise InvalidArgument(f"{user.username} could not be changed: " + "; ".join(
            f"{k}: {v}" for k, v in violations.items()), violations)
    if actor.user_id == user.id and (changes.get("active", True) is False
                                     or ("roles" in changes and "admin" not in changes["roles"])):
        raise FailedPrecondition("You cannot disable your own account or take away your own admin role; "
                                 "ask another administrator.")
    said = []
    if "roles" in changes:
        before, after = sorted(r.role for r in user.roles), sorted(dict.fromkeys(changes["roles"]))
        if before != after:
            user.roles.clear()
            db.flush()
            user.roles.extend(UserRole(role=r) for r in after)
            said.append(f"roles {', '.join(before) or 'none'} -> {', '.join(after) or 'none'}")
    if "team_ids" in changes:
        before = [m.team_id for m in sorted(user.memberships, key=lambda m: m.position)]
        after = list(dict.fromkeys(changes["team_ids"]))
        if before != after:
            user.memberships.clear()
            db.flush()
            user.memberships.extend(TeamMember(team_id=t, position=i) for i, t in enumerate(after))
            said.append(f"teams {', '.join(f'teams/{t}' for t in before) or 'none'} -> "
                        f"{', '.join(f'teams/{t}' for t in after) or 'none'}")
    if "display_name" in changes and changes["display_name"].strip() != user.display_name:
        said.append(f"display name {user.display_name!r} -> {changes['display_name'].strip()!r}")
        user.display_name = changes["display_name"].strip()
    if "email" in changes and changes["email"].strip() != (user.email or ""):
        said.append(f"e-mail {user.email or 'none'} -> {changes['email'].strip() or 'none'}")
        user.email = changes["email"].strip()
    action = "user.updated"
    if "active" in changes and bool(changes["active"]) != user.active:
        user.active = bool(changes["active"])
        if user.active:
            action = "user.enabled"
            said.append("enabled")
        else:
            action = "user.disabled"
            said.append(f"disabled; {_revoke_sessions(db, user.id)} session(s) ended")
    if said:
        user.version += 1
        audit.record(db, actor, action, f"users/{user.id}", "; ".join(said))
    db.flush()
    return user
