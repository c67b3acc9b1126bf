"""Page tokens: opaque to clients, carrying only a position (never any permission)."""

from __future__ import annotations

import base64
import json

from services.common.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_OFFSET = 2 ** 62


def page_size(requested: int) -> int:
    if requested < 0:
        raise InvalidArgument("page_size cannot be negative.", {"page_size": "must be 0 or more"})
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def decode_offset(token: str) -> int:
    if not token:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["o"]
    except (ValueError, KeyError, TypeError):
        raise InvalidArgument("That page token is not one this service gave out.",
                              {"page_token": "not recognised"}) from None
    # Only an integer this service could have written: not 1e999 (int() overflows), not a
    # float or a bool, and small enough for the database's OFFSET (64-bit).
    if type(offset) is not int or offset < 0 or offset > MAX_OFFSET:
        raise InvalidArgument("That page token is not one this service gave out.",
                              {"page_token": "not recognised"})
    return offset


def next_token(offset: int, size: int, got: int) -> str:
    if got < size:
        return ""
    return base64.urlsafe_b64encode(json.dumps({"o": offset + size}).encode()).decode()
