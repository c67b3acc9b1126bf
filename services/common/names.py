"""Resource names ("people/42") to ids and back, with a plain error for a malformed name."""

from __future__ import annotations

from services.common.errors import InvalidArgument


def parse_name(name: str, collection: str, field: str = "name") -> int:
    prefix = f"{collection}/"
    if not name.startswith(prefix) or not name[len(prefix):].isdigit():
        raise InvalidArgument(
            f"{field} should look like {collection}/123; got {name!r}.",
            {field: f"expected {collection}/<number>"},
        )
    return int(name[len(prefix):])


def make_name(collection: str, ident: int | None) -> str:
    return f"{collection}/{ident}" if ident is not None else ""
