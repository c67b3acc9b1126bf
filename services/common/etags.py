"""Optimistic concurrency: a change names the version (etag) it was made against."""

from __future__ import annotations

from services.common.errors import Aborted, InvalidArgument

MISSING = "Send the etag of the version you are changing, so no one's work is overwritten."


def refuse_stale(sent: str, version: int, stale: str) -> None:
    """Abort with `stale` when the etag sent is not the row's current version."""
    if sent != str(version):
        raise Aborted(stale)


def require_etag(sent: str, version: int, stale: str, missing: str = MISSING, field: str = "etag") -> None:
    """An etag must be sent (else InvalidArgument on `field`) and must match the current version."""
    if not sent:
        raise InvalidArgument(missing, {field: "required"})
    refuse_stale(sent, version, stale)
