"""Client request ids (AIP-155): a retried create returns the first result instead of a copy."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from services.common.auth import Principal
from services.common.errors import InvalidArgument
from services.records.models import IdempotencyKey


def earlier_result(session: Session, principal: Principal, request_id: str, method: str) -> str | None:
    """The resource name the first call with this request id made, or None if this is the first."""
    if not request_id:
        return None
    key = session.get(IdempotencyKey, request_id)
    if key is None:
        return None
    if key.user_id != principal.user_id or key.method != method:
        raise InvalidArgument("That request_id was already used for a different request.", {"request_id": "reused"})
    return key.result_name


def remember(session: Session, principal: Principal, request_id: str, method: str, result_name: str) -> None:
    if request_id:
        session.add(IdempotencyKey(request_id=request_id, user_id=principal.user_id, method=method,
                                   result_name=result_name, created_at=datetime.now(timezone.utc)))
