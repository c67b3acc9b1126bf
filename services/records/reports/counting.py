"""What every records report counts, decided once: the version of a record in force (a record
replaced by a completed new version is history, as the statutory returns treat it), work
recorded in ICS (not a past return brought in by `ics admin import`), and the children a team
holds (the same rule the access decision uses: services/records/access.py held_by)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, not_, select
from sqlalchemy.orm import aliased

from ics.records.v1 import records_pb2 as pb
from services.common.reports import Ask
from services.records import access
from services.records.models import Document
from services.records.template_library import TemplateLibrary

_later = aliased(Document)


def in_force() -> ColumnElement[bool]:
    """Not replaced by a completed later version of itself."""
    return not_(exists(select(_later.id).where(and_(
        _later.supersedes_id == Document.id, _later.state == pb.DOCUMENT_STATE_COMPLETED))).correlate(Document))


def recorded_here(library: TemplateLibrary) -> ColumnElement[bool]:
    """Not a record of a past statutory return (template kind "migration"): imported, not worked."""
    imported = sorted({t.name for t in library.all_versions() if t.kind == "migration"})
    return Document.template_id.not_in(imported) if imported else Document.id.is_not(None)


def held(ask: Ask) -> ColumnElement[bool] | None:
    """The children the ask's teams hold (Person must be in the query), or None for every team."""
    return None if ask.team_ids is None else access.held_by(ask.team_ids)


def worked(library: TemplateLibrary) -> ColumnElement[bool]:
    """A document a report counts: in force and recorded here."""
    return and_(in_force(), recorded_here(library))
