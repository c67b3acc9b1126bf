"""Attachments (R-VOICE): a child's drawing, symbols, a recording, a signed and scanned copy —
kept with how it was obtained, a description in words, and its SHA-256."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.errors import NotFound
from services.common.names import make_name, parse_name
from services.records import access, audit, documents, outbox, people
from services.records.models import Attachment

KINDS = ("drawing", "symbols", "audio", "scan", "photo", "other")
PROVENANCE = ("direct", "via_parent", "worker_interpretation")
MAX_BYTES = 10 * 1024 * 1024


def to_proto(row: Attachment, with_content: bool) -> pb.Attachment:
    msg = pb.Attachment(
        name=make_name("attachments", row.id), document=make_name("documents", row.document_id), filename=row.filename,
        media_type=row.media_type, kind=row.kind, provenance=row.provenance, description=row.description,
        sha256=row.sha256, size_bytes=row.size_bytes, content=row.content if with_content else b"",
    )
    msg.added_by.user_name = make_name("users", row.added_by_user)
    msg.added_by.display_name = row.added_by_name
    return msg


def add(session: Session, principal: Principal, wanted: pb.Attachment) -> pb.Attachment:
    access.require_write(principal, "attach files")
    violations = {}
    if wanted.kind not in KINDS:
        violations["attachment.kind"] = f"one of {', '.join(KINDS)}"
    if wanted.provenance not in PROVENANCE:
        violations["attachment.provenance"] = "direct (from the child), via_parent, or worker_interpretation"
    if not wanted.description.strip():
        violations["attachment.description"] = "required: say in words what it shows or says"
    if not wanted.content:
        violations["attachment.content"] = "the file is empty"
    elif len(wanted.content) > MAX_BYTES:
        violations["attachment.content"] = "10 MB at most"
    if not wanted.filename.strip():
        violations["attachment.filename"] = "required"
    people.raise_if_invalid(violations, "The attachment")
    document = documents.visible_document(session, principal, parse_name(wanted.document, "documents",
                                                                         "attachment.document"), for_update=True)
    row = Attachment(
        document_id=document.id, filename=wanted.filename.strip()[:255],
        media_type=wanted.media_type.strip() or "application/octet-stream", kind=wanted.kind,
        provenance=wanted.provenance, description=wanted.description.strip(),
        sha256=hashlib.sha256(wanted.content).hexdigest(), size_bytes=len(wanted.content), content=wanted.content,
        added_by_user=principal.user_id, added_by_name=principal.display_name, created_at=datetime.now(timezone.utc))
    session.add(row)
    session.flush()
    name = make_name("attachments", row.id)
    outbox.append(session, principal, "attachment.added", name, document.person_id,
                  {"attachment": name, "document": make_name("documents", document.id), "kind": row.kind,
                   "sha256": row.sha256})
    audit.record(session, principal, "attach", name, [document.person_id], detail=row.sha256)
    return to_proto(row, with_content=False)


def get(session: Session, principal: Principal, attachment_id: int) -> pb.Attachment:
    access.require_read(principal, "open attachments")
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound(f"No attachment attachments/{attachment_id} is known to you.")
    try:
        document = documents.visible_document(session, principal, row.document_id)
    except NotFound:
        raise NotFound(f"No attachment attachments/{attachment_id} is known to you.") from None
    audit.record(session, principal, "read", make_name("attachments", attachment_id), [document.person_id])
    return to_proto(row, with_content=True)
