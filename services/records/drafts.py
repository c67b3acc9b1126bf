"""Drafts: typed work saved on the server as it is typed, owned by the worker who typed it."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.errors import Aborted, InvalidArgument, NotFound
from services.common.names import make_name, parse_name
from services.records import idempotency
from services.records.models import Draft

MAX_DRAFT_BYTES = 1_000_000


def to_proto(draft: Draft) -> pb.Draft:
    msg = pb.Draft(name=make_name("drafts", draft.id), kind=draft.kind, subject=draft.subject,
                   fields=json.loads(draft.fields_json), etag=str(draft.version), title=draft.title)
    msg.update_time.FromDatetime(draft.updated_at)
    return msg


def _own(session: Session, principal: Principal, draft_id: int) -> Draft:
    draft = session.get(Draft, draft_id)
    if draft is None or draft.owner_user != principal.user_id:
        raise NotFound(f"No draft drafts/{draft_id} of yours was found.")
    return draft


def save(session: Session, principal: Principal, request: pb.SaveDraftRequest) -> Draft:
    incoming = request.draft
    if not incoming.kind.strip():
        raise InvalidArgument("A draft needs a kind, e.g. 'contact'.", {"draft.kind": "required"})
    body = json.dumps(dict(incoming.fields), sort_keys=True)
    if len(body.encode()) > MAX_DRAFT_BYTES:
        raise InvalidArgument("This draft is over 1 MB; save part of it as a record first.",
                              {"draft.fields": "too large"})
    now = datetime.now(timezone.utc)
    # An existing draft: named, or made by an earlier try of this same first save.
    existing = incoming.name or idempotency.earlier_result(session, principal, request.request_id, "SaveDraft")
    if existing:
        draft = _own(session, principal, parse_name(existing, "drafts", "draft.name"))
        if incoming.name and incoming.etag and incoming.etag != str(draft.version):
            raise Aborted("This draft was changed from another session since you opened it. "
                          "Reopen it to see the newer text.")
        draft.fields_json = body
        draft.title = incoming.title[:300]
        if incoming.name:
            draft.subject = incoming.subject
        draft.version += 1
        draft.updated_at = now
        return draft
    draft = Draft(owner_user=principal.user_id, kind=incoming.kind.strip(), subject=incoming.subject,
                  title=incoming.title[:300], fields_json=body, version=1, created_at=now, updated_at=now)
    session.add(draft)
    session.flush()
    idempotency.remember(session, principal, request.request_id, "SaveDraft", make_name("drafts", draft.id))
    return draft


def get(session: Session, principal: Principal, draft_id: int) -> Draft:
    return _own(session, principal, draft_id)


def list_mine(session: Session, principal: Principal, kind: str, limit: int) -> list[Draft]:
    query = select(Draft).where(Draft.owner_user == principal.user_id)
    if kind:
        query = query.where(Draft.kind == kind)
    return list(session.scalars(query.order_by(Draft.updated_at.desc()).limit(limit)))


def delete(session: Session, principal: Principal, draft_id: int, missing_ok: bool = False) -> None:
    try:
        session.delete(_own(session, principal, draft_id))
    except NotFound:
        if not missing_ok:
            raise
