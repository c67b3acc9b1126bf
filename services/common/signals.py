"""Wakes stream followers when this process commits a change."""

from __future__ import annotations

import asyncio


class EventSignal:
    """Wakes the followers of a stream (records' WatchEvents, alerts' WatchMyAlerts) when this
    process commits a change. Followers also poll every `poll` seconds, for changes other
    instances made to a shared PostgreSQL, and for what changes with the day."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, poll: float) -> None:
        try:
            await asyncio.wait_for(self._event.wait(), poll)
        except asyncio.TimeoutError:
            pass
