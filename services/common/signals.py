"""Wakes stream followers when this process commits a change."""

from __future__ import annotations

import asyncio


class EventSignal:
    """Wakes the followers of a stream (records' WatchEvents, alerts' WatchMyAlerts) when this
    process commits a change. Followers also poll every `poll` seconds, for changes other
    instances made to a shared PostgreSQL, and for what changes with the day."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        # Counts notifications, so a follower that read before a change and waits after it is
        # not left waiting for the next one (the change happened while it was reading).
        self.generation = 0

    def notify(self) -> None:
        self.generation += 1
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, poll: float, seen: int | None = None) -> None:
        """Returns at the next notification, or at once if there was one since `seen`, or after `poll`."""
        if seen is not None and seen != self.generation:
            return
        try:
            await asyncio.wait_for(self._event.wait(), poll)
        except asyncio.TimeoutError:
            pass
