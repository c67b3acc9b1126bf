"""Who is calling: the principal every handler decides access from.

Every method is denied unless the caller presents a valid token, except the few a service names
as public (login, token introspection, health, reflection). The principal is handed to handlers
in a ContextVar; checks on *which* record is asked for happen in the handlers, because an
interceptor never sees the request.
"""

from __future__ import annotations

import hashlib
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Protocol

import grpc

from ics.common.v1 import common_pb2
from services.common import tls
from services.common.errors import PermissionDenied, Unauthenticated, Unavailable


@dataclass(frozen=True)
class Principal:
    user_name: str
    username: str
    display_name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    team_names: tuple[str, ...] = ()
    expires_at: float = 0.0
    # "child.read:team"...: what identity's role table lets this caller do (services/identity/roles.py).
    permissions: tuple[str, ...] = ()
    # Business support typing on this worker's behalf: (user_name, username, display_name) of the
    # person at the keyboard; the fields above are the worker's.
    entered_by: tuple[str, str, str] | None = None

    @property
    def user_id(self) -> int:
        return int(self.user_name.rsplit("/", 1)[-1])

    @property
    def team_ids(self) -> tuple[int, ...]:
        return tuple(int(t.rsplit("/", 1)[-1]) for t in self.team_names)

    @property
    def primary_team(self) -> str:
        return self.team_names[0] if self.team_names else ""

    def has_any_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def scope(self, action: str) -> str | None:
        """The scope this caller holds `action` at, or None when they may not do it at all."""
        for permission in self.permissions:
            name, _, scope = permission.partition(":")
            if name == action:
                return scope
        return None

    @property
    def at_keyboard(self) -> tuple[int, str, str]:
        """(user id, username, display name) of who is actually typing: business support when
        entered_by is set, else the caller. Audits name this person as the actor."""
        if self.entered_by:
            return int(self.entered_by[0].rsplit("/", 1)[-1]), self.entered_by[1], self.entered_by[2]
        return self.user_id, self.username, self.display_name

    def to_proto(self) -> common_pb2.Principal:
        return common_pb2.Principal(
            user_name=self.user_name,
            username=self.username,
            display_name=self.display_name,
            roles=sorted(self.roles),
            team_names=list(self.team_names),
            expires_at_unix=int(self.expires_at),
            permissions=list(self.permissions),
            entered_by=common_pb2.Actor(user_name=self.entered_by[0], username=self.entered_by[1],
                                        display_name=self.entered_by[2]) if self.entered_by else None,
        )

    @classmethod
    def from_proto(cls, msg: common_pb2.Principal) -> "Principal":
        return cls(
            user_name=msg.user_name,
            username=msg.username,
            display_name=msg.display_name,
            roles=frozenset(msg.roles),
            team_names=tuple(msg.team_names),
            expires_at=float(msg.expires_at_unix),
            permissions=tuple(msg.permissions),
            entered_by=(msg.entered_by.user_name, msg.entered_by.username, msg.entered_by.display_name)
            if msg.HasField("entered_by") else None,
        )

    def actor(self) -> common_pb2.Actor:
        return common_pb2.Actor(
            user_name=self.user_name, username=self.username, display_name=self.display_name
        )


current_principal: ContextVar[Principal | None] = ContextVar("current_principal", default=None)
current_token: ContextVar[str] = ContextVar("current_token", default="")


def caller() -> Principal:
    principal = current_principal.get()
    if principal is None:  # only reachable if a method was wrongly marked public
        raise Unauthenticated("Please log in first.")
    return principal


def token_from_metadata(metadata) -> str:
    for key, value in metadata or ():
        if key == "authorization" and isinstance(value, str) and value.startswith("Bearer "):
            return value[len("Bearer "):].strip()
    return ""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


ON_BEHALF_HEADER = "x-ics-on-behalf-of"


def on_behalf_from_metadata(metadata) -> str:
    for key, value in metadata or ():
        if key == ON_BEHALF_HEADER and isinstance(value, str):
            return value.strip()
    return ""


class TokenVerifier(Protocol):
    async def verify(self, token: str, on_behalf_of: str = "") -> Principal: ...


class IdentityTokenVerifier:
    """Checks tokens with the identity service, caching each answer for a few seconds.

    The cache keeps the common case (a burst of calls from one worker) off the network, while a
    disabled user or a changed role still takes effect within `ttl` seconds everywhere.
    """

    def __init__(self, identity_target: str, ttl: float = 10.0, max_entries: int = 10_000):
        from ics.identity.v1 import identity_pb2, identity_pb2_grpc

        self._pb2 = identity_pb2
        self._grpc = identity_pb2_grpc
        self._target = identity_target
        # Opened at the first check, inside the running service, with its transport (TLS or not;
        # services/common/tls.py).
        self._channel: grpc.aio.Channel | None = None
        self._stub = None
        self._ttl = ttl
        self._max = max_entries
        self._cache: dict[str, tuple[float, Principal]] = {}

    async def verify(self, token: str, on_behalf_of: str = "") -> Principal:
        if not token:
            raise Unauthenticated("Please log in first: this call needs a session token.")
        key = token_hash(token) + "|" + on_behalf_of
        now = time.time()
        hit = self._cache.get(key)
        if hit and hit[0] > now and hit[1].expires_at > now:
            return hit[1]
        if self._stub is None:
            self._channel = tls.aio_channel(self._target)
            self._stub = self._grpc.IdentityServiceStub(self._channel)
        try:
            msg = await self._stub.IntrospectToken(
                self._pb2.IntrospectTokenRequest(access_token=token, on_behalf_of=on_behalf_of), timeout=5
            )
        except grpc.aio.AioRpcError as exc:
            self._cache.pop(key, None)
            if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
                raise Unauthenticated(exc.details() or "Your session has ended; please log in again.")
            if exc.code() in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.INVALID_ARGUMENT,
                              grpc.StatusCode.NOT_FOUND):  # the on-behalf worker was refused
                raise PermissionDenied(exc.details() or "You cannot enter data on that worker's behalf.")
            raise Unavailable("The identity service is not answering, so your session could not be "
                              "checked. Nothing was changed; please try again in a moment.")
        principal = Principal.from_proto(msg)
        if len(self._cache) >= self._max:
            self._cache.clear()
        self._cache[key] = (now + self._ttl, principal)
        return principal

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()


