"""Resource names ("people/42") to ids and back, with a plain error for a malformed name."""

from __future__ import annotations

from services.common.errors import InvalidArgument


# Ids are 64-bit signed integers in every table; a bigger number names nothing.
MAX_ID = 2 ** 63 - 1


def parse_name(name: str, collection: str, field: str = "name") -> int:
    prefix = f"{collection}/"
    digits = name[len(prefix):] if name.startswith(prefix) else ""
    # ASCII digits only: str.isdigit() also accepts "²" (int() then fails) and other scripts'
    # digits; and at most MAX_ID, or the database driver overflows.
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19 or int(digits) > MAX_ID:
        raise InvalidArgument(
            f"{field} should look like {collection}/123; got {name[:100]!r}.",
            {field: f"expected {collection}/<number>"},
        )
    return int(digits)


def make_name(collection: str, ident: int | None) -> str:
    return f"{collection}/{ident}" if ident is not None else ""
