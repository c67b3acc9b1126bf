"""Tamper tests for every audit chain (records, identity, alerts): editing one row, deleting one,
or putting two in the other order is found by `ics admin audit verify`, which names the first
broken row; put right, the chain verifies again."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import delete, insert, make_url, select, update

from ics.alerts.v1 import alerts_pb2 as apb
from ics.identity.v1 import identity_pb2 as ipb
from ics.records.v1 import records_pb2 as pb
from services.alerts import audit as alerts_audit
from services.alerts.models import AlertsAuditEntry
from services.common.db import Database
from services.identity import audit as identity_audit
from services.identity.models import IdentityAuditEntry
from services.records import audit as records_audit
from services.records.models import AuditEntry
from tests.helpers import call, wait_for

CHAINS = {
    "records": (records_audit, AuditEntry, "detail"),
    "identity": (identity_audit, IdentityAuditEntry, "detail"),
    "alerts": (alerts_audit, AlertsAuditEntry, "detail"),
}


@pytest.fixture(scope="module")
def written(stack, sessions):
    """Rows in all three chains: reads and writes of a child (records), a password reset
    (identity), a look at a child's clocks (alerts)."""
    duty, manager, admin = sessions("duty"), sessions("manager"), sessions("admin")
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Tamper", family_name=f"Chain{uuid.uuid4().hex[:6]}",
                             date_of_birth="2016-06-06", sex=pb.SEX_MALE),
        source=pb.CONTACT_SOURCE_SCHOOL, reason="Worried", confirmed_not_duplicate=True))
    call(manager, "GetPerson", pb.GetPersonRequest(name=reply.person.name))
    call(manager, "BreakGlass", pb.BreakGlassRequest(person=reply.person.name, reason="Testing the chain"))
    listed = call(admin, "ListUsers", ipb.ListUsersRequest(page_size=500), service="identity")
    worker2 = next(u for u in listed.users if u.username == "worker2")
    call(admin, "ResetPassword", ipb.ResetPasswordRequest(name=worker2.name), service="identity")
    call(admin, "ResetPassword", ipb.ResetPasswordRequest(name=worker2.name), service="identity")
    wait_for(lambda: call(duty, "ListPersonClocks", apb.ListPersonClocksRequest(person=reply.person.name),
                          service="alerts").clocks, what="the child's clocks")
    call(duty, "ListPersonClocks", apb.ListPersonClocksRequest(person=reply.person.name), service="alerts")
    return reply


def cli_verify(stack, capsys) -> tuple[int, str]:
    from services.cli import main

    url = make_url(stack.config["records"].database_url)
    if url.get_backend_name() != "sqlite":
        return -1, ""
    code = main(["admin", "audit", "verify", "--data", str(stack.config.data_dir)])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("service", sorted(CHAINS))
def test_edit_delete_and_reorder_are_each_found(stack, written, service, capsys):
    module, model, field = CHAINS[service]
    db = Database(stack.config[service].database_url)
    try:
        count, problem = db.read_sync(module.verify)
        assert problem is None and count >= 2, (service, count, problem)
        rows = db.read_sync(lambda s: [{c.name: getattr(r, c.name) for c in model.__table__.columns}
                                       for r in s.scalars(select(model).order_by(model.id).limit(2))])
        first, second = rows

        # Edited: one field of the first row.
        with db.write_session() as s:
            s.execute(update(model).where(model.id == first["id"]).values({field: first[field] + " (edited)"}))
        assert db.read_sync(module.verify)[1] == f"{module.CHAIN.label} {first['id']} was altered after it was written"
        code, out = cli_verify(stack, capsys)
        assert code in (-1, 1) and (code == -1 or f"{module.CHAIN.label} {first['id']} was altered" in out)
        with db.write_session() as s:
            s.execute(update(model).where(model.id == first["id"]).values({field: first[field]}))
        assert db.read_sync(module.verify)[1] is None

        # Deleted: the first row goes; the second no longer follows anything.
        with db.write_session() as s:
            s.execute(delete(model).where(model.id == first["id"]))
        assert "does not follow the row before it" in db.read_sync(module.verify)[1]
        with db.write_session() as s:
            s.execute(insert(model).values(**first))
        assert db.read_sync(module.verify)[1] is None

        # Reordered: the two rows' contents swapped (ids stay in order).
        body = [c for c in first if c != "id"]
        with db.write_session() as s:
            s.execute(update(model).where(model.id == first["id"]).values({c: second[c] for c in body}))
            s.execute(update(model).where(model.id == second["id"]).values({c: first[c] for c in body}))
        assert db.read_sync(module.verify)[1] == (f"{module.CHAIN.label} {first['id']} does not follow the row "
                                                  "before it (a row was removed or inserted)")
        with db.write_session() as s:
            s.execute(update(model).where(model.id == first["id"]).values({c: first[c] for c in body}))
            s.execute(update(model).where(model.id == second["id"]).values({c: second[c] for c in body}))
        assert db.read_sync(module.verify)[1] is None
        code, out = cli_verify(stack, capsys)
        assert code in (-1, 0) and (code == -1 or "Alerts audit chain intact" in out)
    finally:
        db.dispose()
