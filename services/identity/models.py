"""identity's tables. No other service reads them; they ask over gRPC."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.common.db import new_base

Base = new_base()

# The roles and what each may do: services/identity/roles.py.


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), unique=True)
    is_duty: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where the team works from (an area office); "" when not said.
    location: Mapped[str] = mapped_column(String(200), default="", server_default="")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    # Optional work address: alerts e-mails overdue and escalated work to it ("" = none).
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    # "local": the ICS password above; "directory": the council's LDAP / Active Directory checks
    # the password (services/identity/directory.py) and password_hash is unused.
    auth_source: Mapped[str] = mapped_column(String(20), default="local", server_default="local")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Superseded by LoginThrottle (which also covers usernames nobody has); kept for old rows.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Set by an administrator's reset: Login asks for a new password before issuing a token.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    version: Mapped[int] = mapped_column(Integer, default=1)
    roles: Mapped[list["UserRole"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    memberships: Mapped[list["TeamMember"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="TeamMember.position"
    )


class UserRole(Base):
    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)


class TeamMember(Base):
    __tablename__ = "team_members"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    # 0 is the worker's own team: new work they record lands there.
    position: Mapped[int] = mapped_column(Integer, default=0)


class Session(Base):
    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("token_hash"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    hard_expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginThrottle(Base):
    """Wrong passwords per username typed, whether or not such a user exists, so backoff and
    lockout answer alike for both and never reveal which usernames are real."""

    __tablename__ = "login_throttle"
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class IdentityAuditEntry(Base):
    """Append-only and hash-chained like records' audit_log: every password change, reset and
    change to a user's roles, teams or access. Never holds a password or a token."""

    __tablename__ = "identity_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_user: Mapped[int] = mapped_column(Integer)  # 0 = ics admin at the server's console
    actor_username: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
