"""Record-level access as a team uses it, against running services on SQLite and PostgreSQL:
restricting and sealing a record, explicit grants, break-glass with its leaders' alert and review
queue, business support entering data for a worker, the family's "who has seen this record"
report, and the role table identity hands out."""

from __future__ import annotations

import uuid

import pytest

from ics.alerts.v1 import alerts_pb2 as apb
from ics.identity.v1 import identity_pb2 as ipb
from ics.records.v1 import records_pb2 as pb
from services.common.db import Database
from services.records import audit
from tests.helpers import call, wait_for
from tui.core.errors import ServiceError


def child(client, family: str = "") -> pb.Person:
    return call(client, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Robin", family_name=family or f"Access{uuid.uuid4().hex[:8]}", date_of_birth="2014-05-06",
        sex=pb.SEX_FEMALE), confirmed_not_duplicate=True))


def refused(fn, code: str) -> ServiceError:
    with pytest.raises(ServiceError) as exc:
        fn()
    assert exc.value.code == code, exc.value.message
    return exc.value


def restrict(manager, person: pb.Person, level=pb.ACCESS_LEVEL_RESTRICTED, reason="A staff member's own child"):
    current = call(manager, "GetPerson", pb.GetPersonRequest(name=person.name))
    return call(manager, "SetRecordAccess", pb.SetRecordAccessRequest(person=person.name, access_level=level,
                                                                     reason=reason, etag=current.etag))


def user_name(sessions, username: str) -> str:
    return sessions(username).session.user.name


def test_a_restricted_record_answers_not_found_until_granted(sessions):
    duty, worker, manager = sessions("duty"), sessions("worker"), sessions("manager")
    person = child(duty)
    assert call(duty, "GetPerson", pb.GetPersonRequest(name=person.name)).access_level == pb.ACCESS_LEVEL_OPEN
    restricted = restrict(manager, person)
    assert restricted.access_level == pb.ACCESS_LEVEL_RESTRICTED and restricted.restricted

    # The duty worker (front door, scope any) no longer sees it; exactly like a child that does not exist.
    hidden = refused(lambda: call(duty, "GetPerson", pb.GetPersonRequest(name=person.name)), "NOT_FOUND")
    missing = refused(lambda: call(duty, "GetPerson", pb.GetPersonRequest(name="people/987654321")), "NOT_FOUND")
    assert hidden.message.replace(person.name, "X") == missing.message.replace("people/987654321", "X")
    found = call(duty, "SearchPeople", pb.SearchPeopleRequest(query=f"Robin {person.family_name}"))
    assert person.name not in [m.person.name for m in found.matches]
    # The manager who restricted it keeps a grant, so it never becomes unreachable.
    assert call(manager, "GetPerson", pb.GetPersonRequest(name=person.name)).name == person.name

    grant = call(manager, "GrantRecordAccess", pb.GrantRecordAccessRequest(
        person=person.name, user=user_name(sessions, "duty"), reason="Duty worker handling tonight's call", days=1))
    assert grant.kind == pb.GRANT_KIND_GRANT and grant.active and grant.HasField("expire_time")
    assert call(duty, "GetPerson", pb.GetPersonRequest(name=person.name)).name == person.name
    # A grant to one worker opens nothing to another.
    refused(lambda: call(worker, "GetPerson", pb.GetPersonRequest(name=person.name)), "NOT_FOUND")

    listed = call(manager, "ListRecordGrants", pb.ListRecordGrantsRequest(person=person.name))
    assert {g.user for g in listed.grants} == {user_name(sessions, "manager"), user_name(sessions, "duty")}
    call(manager, "RevokeRecordAccess", pb.RevokeRecordAccessRequest(name=grant.name, reason="Call dealt with"))
    refused(lambda: call(duty, "GetPerson", pb.GetPersonRequest(name=person.name)), "NOT_FOUND")
    refused(lambda: call(manager, "RevokeRecordAccess", pb.RevokeRecordAccessRequest(
        name=grant.name, reason="again")), "FAILED_PRECONDITION")


def test_only_leaders_and_managers_restrict_and_nothing_changes_when_refused(sessions):
    duty, worker = sessions("duty"), sessions("worker")
    person = child(duty)
    before = call(duty, "GetPerson", pb.GetPersonRequest(name=person.name))
    error = refused(lambda: call(duty, "SetRecordAccess", pb.SetRecordAccessRequest(
        person=person.name, access_level=pb.ACCESS_LEVEL_SEALED, reason="x", etag=before.etag)), "PERMISSION_DENIED")
    assert "restrict" in error.message
    refused(lambda: restrict(sessions("manager"), person, level=pb.ACCESS_LEVEL_UNSPECIFIED), "INVALID_ARGUMENT")
    refused(lambda: restrict(sessions("manager"), person, reason="  "), "INVALID_ARGUMENT")
    after = call(duty, "GetPerson", pb.GetPersonRequest(name=person.name))
    assert (after.etag, after.access_level) == (before.etag, pb.ACCESS_LEVEL_OPEN)
    refused(lambda: call(worker, "GrantRecordAccess", pb.GrantRecordAccessRequest(
        person=person.name, user=user_name(sessions, "worker"), reason="me")), "PERMISSION_DENIED")


def test_break_glass_opens_a_restricted_record_alerts_leaders_and_is_reviewed(sessions):
    duty, worker, leader, manager = sessions("duty"), sessions("worker"), sessions("leader"), sessions("manager")
    person = child(duty)  # held by the duty team (teams/1), whose leader is `leader`
    restrict(manager, person)
    refused(lambda: call(worker, "GetPerson", pb.GetPersonRequest(name=person.name)), "NOT_FOUND")
    refused(lambda: call(worker, "BreakGlass", pb.BreakGlassRequest(person=person.name)), "INVALID_ARGUMENT")

    opened = call(worker, "BreakGlass", pb.BreakGlassRequest(
        person=person.name, reason="Police at the door at 2am; need the safety plan"))
    assert opened.kind == pb.GRANT_KIND_BREAK_GLASS and opened.active
    hours = (opened.expire_time.seconds - opened.grant_time.seconds) / 3600
    assert hours == 8
    assert call(worker, "GetPerson", pb.GetPersonRequest(name=person.name)).name == person.name
    call(worker, "AddChronologyEntry", pb.AddChronologyEntryRequest(person=person.name, entry=pb.ChronologyEntry(
        date="2026-11-20", title="Out of hours visit with police")))
    # Break-glass reads and records; it never lets you manage the record's access.
    refused(lambda: call(worker, "ListRecordGrants", pb.ListRecordGrantsRequest(person=person.name)),
            "PERMISSION_DENIED")

    # The duty team's leaders get an alert naming no child; the worker who broke glass does not.
    def review_alert(client):
        return next((c for c in client.my_alerts(page_size=500) if c.subject == opened.name), None)
    alert = wait_for(lambda: review_alert(leader), what="leader's emergency access alert")
    assert alert.title == "Emergency access review due" and alert.person_display_name == ""
    assert review_alert(worker) is None and review_alert(duty) is None

    queue = call(leader, "ListBreakGlassReviews", pb.ListBreakGlassReviewsRequest())
    waiting = {g.name: g for g in queue.grants}
    assert waiting[opened.name].reason.startswith("Police at the door")
    refused(lambda: call(duty, "ListBreakGlassReviews", pb.ListBreakGlassReviewsRequest()), "PERMISSION_DENIED")
    refused(lambda: call(leader, "ReviewBreakGlass", pb.ReviewBreakGlassRequest(
        name=opened.name, outcome=pb.BREAK_GLASS_OUTCOME_NOT_JUSTIFIED)), "INVALID_ARGUMENT")
    reviewed = call(leader, "ReviewBreakGlass", pb.ReviewBreakGlassRequest(
        name=opened.name, outcome=pb.BREAK_GLASS_OUTCOME_NOT_JUSTIFIED, note="The allocated team was on call"))
    assert reviewed.review_outcome == pb.BREAK_GLASS_OUTCOME_NOT_JUSTIFIED and not reviewed.active
    refused(lambda: call(worker, "GetPerson", pb.GetPersonRequest(name=person.name)), "NOT_FOUND")
    met = wait_for(lambda: (c := next((c for c in leader.my_alerts(include_ended=True, page_size=500)
                                       if c.subject == opened.name), None)) and c.state == apb.CLOCK_STATE_MET and c,
                   what="review alert met")
    assert met.state == apb.CLOCK_STATE_MET
    assert opened.name not in {g.name for g in call(leader, "ListBreakGlassReviews",
                                                      pb.ListBreakGlassReviewsRequest()).grants}


def test_a_sealed_record_cannot_be_opened_by_break_glass(sessions):
    duty, worker, manager = sessions("duty"), sessions("worker"), sessions("manager")
    person = child(duty)
    restrict(manager, person, level=pb.ACCESS_LEVEL_SEALED, reason="Adoption order granted")
    sealed = refused(lambda: call(worker, "BreakGlass", pb.BreakGlassRequest(person=person.name, reason="urgent")),
                     "NOT_FOUND")
    absent = refused(lambda: call(worker, "BreakGlass", pb.BreakGlassRequest(person="people/987654321",
                                                                           reason="urgent")), "NOT_FOUND")
    assert sealed.message == absent.message
    refused(lambda: call(duty, "GetPerson", pb.GetPersonRequest(name=person.name)), "NOT_FOUND")
    # An explicit grant still opens it.
    call(manager, "GrantRecordAccess", pb.GrantRecordAccessRequest(person=person.name, user=user_name(sessions, "duty"),
                                                                    reason="Post-adoption support request"))
    assert call(duty, "GetPerson", pb.GetPersonRequest(name=person.name)).access_level == pb.ACCESS_LEVEL_SEALED


def test_business_support_records_for_a_worker_and_the_record_shows_both(sessions, client_factory):
    worker = sessions("worker")
    person = child(worker)  # held by the worker's team
    support = client_factory("support")
    # Without naming the worker, business support reaches no child.
    refused(lambda: call(support, "GetPerson", pb.GetPersonRequest(name=person.name)), "PERMISSION_DENIED")
    support.on_behalf_of = worker.session.user.name
    assert call(support, "GetPerson", pb.GetPersonRequest(name=person.name)).name == person.name
    entry = call(support, "AddChronologyEntry", pb.AddChronologyEntryRequest(person=person.name, entry=pb.ChronologyEntry(
        date="2026-11-19", title="Phone call from school, typed up from the worker's notes")))
    assert (entry.recorded_by, entry.entered_by) == ("Wes Worker", "Bea Support")
    shown = call(worker, "GetChronology", pb.GetChronologyRequest(person=person.name))
    typed = next(e for e in shown.entries if e.source == entry.source)
    assert (typed.recorded_by, typed.entered_by) == ("Wes Worker", "Bea Support")
    # Business support cannot decide or allocate, even for a worker who could.
    refused(lambda: call(support, "SetRecordAccess", pb.SetRecordAccessRequest(
        person=person.name, access_level=pb.ACCESS_LEVEL_RESTRICTED, reason="x", etag="1")), "PERMISSION_DENIED")
    # Only for a colleague in their own team.
    support.on_behalf_of = sessions("worker2").session.user.name
    refused(lambda: call(support, "GetPerson", pb.GetPersonRequest(name=person.name)), "PERMISSION_DENIED")
    support.on_behalf_of = "users/not-a-number"
    refused(lambda: call(support, "GetPerson", pb.GetPersonRequest(name=person.name)), "PERMISSION_DENIED")
    # A worker cannot pretend to be support.
    pretender = client_factory("worker2")
    pretender.on_behalf_of = worker.session.user.name
    refused(lambda: call(pretender, "GetPerson", pb.GetPersonRequest(name=person.name)), "PERMISSION_DENIED")


def test_who_has_seen_this_record_is_a_report_a_family_can_be_given(sessions, client_factory, stack):
    worker, leader, manager = sessions("worker"), sessions("leader"), sessions("manager")
    person = child(worker)
    call(worker, "GetChronology", pb.GetChronologyRequest(person=person.name))
    support = client_factory("support")
    support.on_behalf_of = worker.session.user.name
    call(support, "GetPerson", pb.GetPersonRequest(name=person.name))
    restrict(manager, person)
    outsider = sessions("worker2")
    call(outsider, "BreakGlass", pb.BreakGlassRequest(person=person.name, reason="Sibling placed with my carer tonight"))
    call(outsider, "GetPerson", pb.GetPersonRequest(name=person.name))

    refused(lambda: call(worker, "GetAccessReport", pb.GetAccessReportRequest(person=person.name)),
            "PERMISSION_DENIED")
    report = call(manager, "GetAccessReport", pb.GetAccessReportRequest(person=person.name))
    said = [(line.who, line.what, line.on_behalf_of, line.reason) for line in report.lines]
    assert ("Wes Worker", "added to the record", "", "") in said
    assert ("Wes Worker", "looked at the chronology", "", "") in said
    assert ("Bea Support", "opened the record", "Wes Worker", "") in said
    assert ("Morgan Manager", "restricted the record", "", "A staff member's own child") in said
    assert ("Tom Okafor", "opened the record", "", "Sibling placed with my carer tonight") in said
    assert "Bea Support, for Wes Worker, opened the record" in report.text
    assert "giving the reason: Sibling placed with my carer tonight" in report.text
    assert report.text.startswith(f"Who has seen or changed the record of {report.person_display_name}")
    # Other children's looks are not in it.
    other = child(worker)
    call(worker, "GetPerson", pb.GetPersonRequest(name=other.name))
    again = call(manager, "GetAccessReport", pb.GetAccessReportRequest(person=person.name))
    assert len(again.lines) == len(report.lines) + 1  # only the first report itself was added

    db = Database(stack.config["records"].database_url)
    try:
        count, problem = db.read_sync(audit.verify)
    finally:
        db.dispose()
    assert problem is None and count > 0


def test_roles_are_listed_with_their_permissions_and_colleagues_are_narrowed(sessions):
    worker, admin, partner = sessions("worker"), sessions("admin"), sessions("partner")
    roles = {r.id: r for r in call(worker, "ListRoles", ipb.ListRolesRequest(), service="identity").roles}
    assert set(roles) >= {"duty", "worker", "senior", "leader", "manager", "iro", "support", "performance", "admin",
                          "partner"}
    assert {(p.action, p.scope) for p in roles["partner"].permissions} == {("child.read", "granted")}
    assert "child.read" not in {p.action for p in roles["admin"].permissions}
    everyone = {u.username for u in call(admin, "ListUsers", ipb.ListUsersRequest(page_size=500),
                                         service="identity").users}
    colleagues = {u.username for u in call(worker, "ListUsers", ipb.ListUsersRequest(page_size=500),
                                           service="identity").users}
    assert {"worker", "leader", "senior", "support"} <= colleagues and "worker2" not in colleagues
    assert colleagues < everyone
    assert {u.username for u in call(partner, "ListUsers", ipb.ListUsersRequest(page_size=500),
                                     service="identity").users} == {"partner"}
    hidden = call(admin, "ListUsers", ipb.ListUsersRequest(page_size=500), service="identity")
    worker2 = next(u for u in hidden.users if u.username == "worker2")
    refused(lambda: call(worker, "GetUser", ipb.GetUserRequest(name=worker2.name), service="identity"), "NOT_FOUND")


def test_an_administrator_creates_teams_and_users_who_must_choose_a_password(sessions, client_factory):
    admin, worker = sessions("admin"), sessions("worker")
    name = f"Fostering {uuid.uuid4().hex[:6]}"
    team = call(admin, "CreateTeam", ipb.CreateTeamRequest(team=ipb.Team(display_name=name, location="South office")),
                service="identity")
    assert team.location == "South office"
    refused(lambda: call(worker, "CreateTeam", ipb.CreateTeamRequest(team=ipb.Team(display_name="Mine")),
                         service="identity"), "PERMISSION_DENIED")
    username = f"new{uuid.uuid4().hex[:6]}"
    refused(lambda: call(admin, "CreateUser", ipb.CreateUserRequest(user=ipb.User(
        username=username, display_name="New Worker", roles=["worker"], team_names=[team.name]),
        temporary_password="short"), service="identity"), "INVALID_ARGUMENT")
    refused(lambda: call(admin, "CreateUser", ipb.CreateUserRequest(user=ipb.User(
        username=username, display_name="New Worker", roles=["wizard"], team_names=[team.name]),
        temporary_password="a-long-first-password"), service="identity"), "INVALID_ARGUMENT")
    made = call(admin, "CreateUser", ipb.CreateUserRequest(user=ipb.User(
        username=username, display_name="New Worker", roles=["worker"], team_names=[team.name]),
        temporary_password="a-long-first-password"), service="identity")
    assert made.must_change_password and made.team_names == [team.name]
    newcomer = client_factory()
    refused(lambda: newcomer.login(username, "a-long-first-password"), "FAILED_PRECONDITION")
    newcomer.login(username, "a-long-first-password", new_password="my-own-new-password")
    assert newcomer.session.user.username == username
