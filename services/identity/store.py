"""identity's storage logic: plain synchronous functions over one SQLAlchemy session."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from services.common.auth import Principal, token_hash
from services.common.errors import AlreadyExists, InvalidArgument, NotFound, ResourceExhausted, Unauthenticated
from services.identity.models import ROLES, Session, Team, TeamMember, User, UserRole

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
BAD_CREDENTIALS = "That username and password do not match. Check them and try again."

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this when the username is unknown keeps both answers equally slow.
    Made on first use: an argon2 hash at import would slow every command's start."""
    return _hasher.hash(secrets.token_hex(8))


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything identity stores is UTC.
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@dataclass
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


def create_team(db: DbSession, display_name: str, is_duty: bool = False) -> Team:
    if not display_name.strip():
        raise InvalidArgument("A team needs a name.", {"display_name": "required"})
    existing = db.scalar(select(Team).where(Team.display_name == display_name))
    if existing:
        raise AlreadyExists(f"There is already a team called {display_name}.", f"teams/{existing.id}")
    team = Team(display_name=display_name, is_duty=is_duty)
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
) -> User:
    violations = {}
    email = email.strip()
    if problem := email_problem(email):
        violations["email"] = problem
    if not username or not username.replace("-", "").replace(".", "").replace("_", "").isalnum():
        violations["username"] = "letters, digits, '.', '-' or '_' only"
    if not display_name.strip():
        violations["display_name"] = "required"
    if len(password) < 4:
        violations["password"] = "at least 4 characters"
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        violations["roles"] = f"unknown role(s) {', '.join(unknown)}; known: {', '.join(ROLES)}"
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
        password_hash=hash_password(password),
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
        expires_at=_aware(expires_at).timestamp(),
    )


def login(db: DbSession, username: str, password: str, ttl: int, max_age: int) -> IssuedToken:
    if not username or not password:
        raise InvalidArgument("Enter your username and password.", {
            k: "required" for k, v in (("username", username), ("password", password)) if not v})
    user = db.scalar(select(User).where(User.username == username))
    now = now_utc()
    if user is None or not user.active:
        try:
            _hasher.verify(_dummy_hash(), password)
        except VerificationError:
            pass
        raise Unauthenticated(BAD_CREDENTIALS)
    if user.locked_until and _aware(user.locked_until) > now:
        raise ResourceExhausted(
            "This account is locked for a few minutes after too many wrong passwords. "
            f"Try again after {_aware(user.locked_until):%H:%M} UTC, or ask your administrator.")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        # The failure count must survive the error, so it is committed by the caller's
        # transaction before raising: see IdentityServicer.Login.
        return IssuedToken("", now, user)
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
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
    if _aware(session.expires_at) <= now or _aware(session.hard_expires_at) <= now:
        raise Unauthenticated("Your session has expired. Please log in again; your drafts are kept.")
    user = db.get(User, session.user_id)
    if user is None or not user.active:
        raise Unauthenticated("This account has been disabled. Ask your administrator.")
    return session


def introspect(db: DbSession, token: str) -> Principal:
    session = _live_session(db, token)
    return principal_for(db.get(User, session.user_id), session.expires_at)


def refresh(db: DbSession, token: str, ttl: int) -> IssuedToken:
    session = _live_session(db, token)
    session.expires_at = min(now_utc() + timedelta(seconds=ttl), _aware(session.hard_expires_at))
    return IssuedToken(token, _aware(session.expires_at), db.get(User, session.user_id))


def logout(db: DbSession, token: str) -> None:
    _live_session(db, token).revoked = True


def get_user(db: DbSession, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user users/{user_id}.")
    return user


def list_users(db: DbSession, team_id: int | None, offset: int, limit: int) -> list[User]:
    query = select(User).order_by(User.id).offset(offset).limit(limit)
    if team_id is not None:
        query = query.join(TeamMember).where(TeamMember.team_id == team_id)
    return list(db.scalars(query))


def list_teams(db: DbSession, offset: int, limit: int) -> list[Team]:
    return list(db.scalars(select(Team).order_by(Team.id).offset(offset).limit(limit)))
