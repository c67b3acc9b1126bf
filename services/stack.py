"""All three services in one process, on a background event loop: for tests, benchmarks and
embedding. Each service still listens on its own port and talks to the others over gRPC, and
any one of them can be stopped and started again (as when alerts is down for maintenance)."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future

from services.common.config import SERVICES, IcsConfig


class ServiceStack:
    def __init__(self, config: IcsConfig):
        self.config = config
        self.runners: dict = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="ics-stack", daemon=True)
        self._thread.start()

    def _run(self, coro, timeout: float = 60.0):
        future: Future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout)

    def start(self, names=SERVICES) -> "ServiceStack":
        for name in names:
            self.start_service(name)
        return self

    def start_service(self, name: str) -> None:
        from services.cli import build_runner

        async def go():
            runner = build_runner(name, self.config)
            await runner.start()
            return runner

        runner = self._run(go())
        # Later services (and clients) find this one where it actually bound.
        self.config[name].port = runner.port
        self.config[name].address = runner.target
        self.runners[name] = runner

    def stop_service(self, name: str) -> None:
        runner = self.runners.pop(name, None)
        if runner is not None:
            self._run(runner.stop())

    def target(self, name: str) -> str:
        return self.config[name].target()

    def targets(self):
        from services.common.tls import client_transport
        from tui.core.client import Targets

        return Targets(self.target("identity"), self.target("records"), self.target("alerts"),
                       client_transport(self.config))

    def stop(self) -> None:
        for name in reversed(list(self.runners)):
            self.stop_service(name)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def __enter__(self) -> "ServiceStack":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def isolated_config(data_dir, database_urls: dict[str, str] | None = None,
                    env: dict[str, str] | None = None) -> IcsConfig:
    """A configuration on free ports (0: the OS picks) that ignores the caller's environment;
    `env` adds settings as environment variables would (e.g. ICS_RECORDS_TLS_CERT_FILE)."""
    from services.common.config import load_config

    settings = {f"ICS_{name.upper()}_PORT": "0" for name in SERVICES}
    for name, url in (database_urls or {}).items():
        settings[f"ICS_{name.upper()}_DATABASE_URL"] = url
    settings.update(env or {})
    return load_config(data_dir=data_dir, env=settings)
