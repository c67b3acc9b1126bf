"""What the alerts service's background tasks share: signing in as the alerts service account,
and being started with the service and cancelled when it stops."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ics.identity.v1 import identity_pb2, identity_pb2_grpc

IDENTITY_TIMEOUT_SECONDS = 10.0


class ServiceAccount:
    """The alerts service signs in to identity like any other caller (its password in a file)."""

    def __init__(self, username: str, password_file: Path):
        self.username = username
        self.password_file = password_file

    async def login(self, channel) -> str:
        try:
            password = self.password_file.read_text().strip()
        except OSError as exc:
            raise RuntimeError(f"cannot read the alerts service password file {self.password_file}: "
                               f"{exc.strerror}") from None
        stub = identity_pb2_grpc.IdentityServiceStub(channel)
        reply = await stub.Login(identity_pb2.LoginRequest(username=self.username, password=password),
                                 timeout=IDENTITY_TIMEOUT_SECONDS)
        return reply.access_token


class BackgroundTask:
    """Runs `_run` from the service's start until its stop."""

    name = "background"
    _task: asyncio.Task | None = None

    async def _run(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
