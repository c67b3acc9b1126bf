"""Page tokens: opaque to clients, carrying only a position (never any permission)."""

from __future__ import annotations

import base64
import json

from services.common.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def page_size(requested: int) -> int:
    if requested < 0:
        raise InvalidArgument("page_size cannot be negative.", {"page_size": "must be 0 or more"})
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def decode_offset(token: str) -> int:
    if not token:
        return 0
    try:
        offset = int(json.loads(base64.urlsafe_b64decode(token.encode()))["o"])
    except (ValueError, KeyError, TypeError):
        raise InvalidArgument("That page token is not one this service gave out.",
                              {"page_token": "not recognised"}) from None
    if offset < 0:
        raise InvalidArgument("That page token is not one this service gave out.",
                              {"page_token": "not recognised"})
    return offset


def next_token(offset: int, size: int, got: int) -> str:
    if got < size:
        return ""
    return base64.urlsafe_b64encode(json.dumps({"o": offset + size}).encode()).decode()
