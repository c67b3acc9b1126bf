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
from services.common.errors import Unauthenticated, Unavailable


@dataclass(frozen=True)
class Principal:
    user_name: str
    username: str
    display_name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    team_names: tuple[str, ...] = ()
    expires_at: float = 0.0

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

    def to_proto(self) -> common_pb2.Principal:
        return common_pb2.Principal(
            user_name=self.user_name,
            username=self.username,
            display_name=self.display_name,
            roles=sorted(self.roles),
            team_names=list(self.team_names),
            expires_at_unix=int(self.expires_at),
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


class TokenVerifier(Protocol):
    async def verify(self, token: str) -> Principal: ...


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

    async def verify(self, token: str) -> Principal:
        if not token:
            raise Unauthenticated("Please log in first: this call needs a session token.")
        key = token_hash(token)
        now = time.time()
        hit = self._cache.get(key)
        if hit and hit[0] > now and hit[1].expires_at > now:
            return hit[1]
        if self._stub is None:
            self._channel = tls.aio_channel(self._target)
            self._stub = self._grpc.IdentityServiceStub(self._channel)
        try:
            msg = await self._stub.IntrospectToken(
                self._pb2.IntrospectTokenRequest(access_token=token), timeout=5
            )
        except grpc.aio.AioRpcError as exc:
            self._cache.pop(key, None)
            if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
                raise Unauthenticated(exc.details() or "Your session has ended; please log in again.")
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


