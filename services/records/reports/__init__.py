"""Management reports on the records this service holds (SPEC §6): one module a report, each
exposing SPEC, a services.common.reports.Spec whose build(session, ask, library) returns a
Report. Timeliness and work with no end are the alerts service's (services/alerts/reports.py).

Every report counts honestly: work still open is counted as open, never dropped; a blank is
told apart from "not known", "not applicable" and "declined"; a share with nothing to divide is
blank, not 0%.
"""

from __future__ import annotations

from importlib import import_module

from sqlalchemy.orm import Session

from services.common import reports as common
from services.records import audit

MODULES = ("quality", "equality", "time_spent", "decisions", "demand")


def specs() -> dict[str, common.Spec]:
    found = [import_module(f"{__name__}.{name}").SPEC for name in MODULES]
    return {spec.name: spec for spec in found}


def build(session: Session, principal, request, library, today) -> tuple[common.Spec, common.Ask, common.Report]:
    """Computes the report (in a read transaction: a report never holds up a worker's save)."""
    spec = common.find(specs(), request.name)
    ask = common.ask_for(principal, request, today)
    return spec, ask, spec.build(session, ask, library)


def audited(session: Session, principal, spec: common.Spec, ask: common.Ask, report: common.Report):
    """One audit row naming every child the caller will see listed; then the answer."""
    audit.record(session, principal, "report", f"reports/{spec.name}", common.people_shown(report, ask),
                 detail=f"{spec.title}, {ask.since.isoformat()} to {ask.until.isoformat()}")
    return common.to_proto(report, ask, "records")
