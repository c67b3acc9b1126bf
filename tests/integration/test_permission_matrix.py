"""Issue 5: the permission matrix, exhaustively, against the running services (both engines).

Every role x action x relationship x restriction, each expected answer written out below in
EXPECTED and derived by hand from the rules as documented (services/identity/roles.py, the
docstrings of services/records/access.py and services/records/grants.py), never computed from
the access code.

The children, built once per module:

- ALLOC  a child held by a team none of the demo users is in ("Matrix outside team"), with an
         open allocation to the role's user, made AFTER the record was restricted: allocating a
         restricted case gives the allocated user a grant (they must be able to open their own
         case), so ALLOC R and S answer as RG and SG.
- TEAM   a child recorded (and referred) by the role's user's own team: duty -> Duty and
         Assessment; worker, senior, leader, support -> Children in Need North; manager, iro ->
         Child Protection. Users in no team (performance, admin, partner) have no TEAM column: --.
- OTHER  a child held by the outside team, no allocation.

and for each, the access levels O (open), R (restricted), S (sealed), RG (restricted with a
grant to the role's user) and SG (sealed with a grant). A helper manager outside the demo teams
("keeper") records the outside children, restricts and seals, allocates and grants, so that the
grant the restricter keeps never lands on a user whose row is being tested.

A grant (or break-glass) opens a restricted or sealed record to find, read and write; deciding,
allocating, restricting, granting and the access report also need the role's scope to reach the
child (their team's, allocated to them, or "any"), so a leader granted another team's record
reads it but cannot unseal it or pass it on.

Entries: OK; NF (NOT_FOUND, whose message must equal that for a child that does not exist, the id
swapped); PD (PERMISSION_DENIED); FD / AB (SearchPeople by exact name and date of birth found the
child / did not); -- (no such relationship for this user).

How each action is asked:
  find      SearchPeople(query="<given> <family>", date_of_birth)
  read      GetPerson
  write     AddChronologyEntry
  decide    DecideReferral (assessment) on a referral of the child kept for this decider alone; a
            refused decision must leave the referral awaiting decision
  allocate  AllocateWorker: the child's own allocated user again (ALLOC) or the keeper (others),
            so no one's relationship changes
  restrict  SetRecordAccess to the level the record already has, with its current etag: OK means
            the caller reached the record with permission to change its access and was answered
            FAILED_PRECONDITION "already <level>" (a real change would hand the caller a kept grant)
  grant     GrantRecordAccess to the keeper, for a day
  report    GetAccessReport
  break_glass  BreakGlass with a reason (done after every other row: it creates grants)
  *_bg      the action again after that break-glass, on the same child
The role "support>worker" is business support with on_behalf_of = the worker: the worker's access,
on the worker's children. The identity admin action (CreateTeam) is in ADMIN_EXPECTED.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from ics.identity.v1 import identity_pb2 as ipb
from ics.records.v1 import records_pb2 as pb
from services.common.dates import today_london
from tui.core.client import IcsClient
from tui.core.errors import ServiceError
from tests.helpers import call

EXPECTED = """
#                                ALLOC (allocated)   TEAM (their team)   OTHER (another team)
# role            action         O  R  S  RG SG      O  R  S  RG SG      O  R  S  RG SG
duty              find           FD FD FD FD FD      FD AB AB FD FD      FD AB AB FD FD
duty              read           OK OK OK OK OK      OK NF NF OK OK      OK NF NF OK OK
duty              write          OK OK OK OK OK      OK NF NF OK OK      OK NF NF OK OK
duty              decide         OK OK OK OK OK      OK NF NF OK OK      NF NF NF NF NF
duty              allocate       PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
duty              restrict       PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
duty              grant          PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
duty              report         PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD

worker            find           FD FD FD FD FD      FD AB AB FD FD      AB AB AB FD FD
worker            read           OK OK OK OK OK      OK NF NF OK OK      NF NF NF OK OK
worker            write          OK OK OK OK OK      OK NF NF OK OK      NF NF NF OK OK
worker            decide         PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
worker            allocate       PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
worker            restrict       PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
worker            grant          PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
worker            report         PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD

senior            find           FD FD FD FD FD      FD AB AB FD FD      AB AB AB FD FD
senior            read           OK OK OK OK OK      OK NF NF OK OK      NF NF NF OK OK
senior            write          OK OK OK OK OK      OK NF NF OK OK      NF NF NF OK OK
senior            decide         OK OK OK OK OK      OK NF NF OK OK      NF NF NF NF NF
senior            allocate       PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
senior            restrict       PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
senior            grant          PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
senior            report         PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD

leader            find           FD FD FD FD FD      FD AB AB FD FD      FD AB AB FD FD
leader            read           OK OK OK OK OK      OK NF NF OK OK      OK NF NF OK OK
leader            write          OK OK OK OK OK      OK NF NF OK OK      NF NF NF OK OK
leader            decide         OK OK OK OK OK      OK NF NF OK OK      NF NF NF NF NF
leader            allocate       OK OK OK OK OK      OK NF NF OK OK      NF NF NF NF NF
leader            restrict       OK OK OK OK OK      OK NF NF OK OK      NF NF NF NF NF
leader            grant          OK OK OK OK OK      OK NF NF OK OK      NF NF NF NF NF
leader            report         OK OK OK OK OK      OK NF NF OK OK      NF NF NF NF NF

manager           find           FD FD FD FD FD      FD AB AB FD FD      FD AB AB FD FD
manager           read           OK OK OK OK OK      OK NF NF OK OK      OK NF NF OK OK
manager           write          OK OK OK OK OK      OK NF NF OK OK      OK NF NF OK OK
manager           decide         OK OK OK OK OK      OK NF NF OK OK      OK NF NF OK OK
manager           allocate       OK OK OK OK OK      OK NF NF OK OK      OK NF NF OK OK
manager           restrict       OK OK OK OK OK      OK NF NF OK OK      OK NF NF OK OK
manager           grant          OK OK OK OK OK      OK NF NF OK OK      OK NF NF OK OK
manager           report         OK OK OK OK OK      OK NF NF OK OK      OK NF NF OK OK

iro               find           FD FD FD FD FD      FD AB AB FD FD      FD AB AB FD FD
iro               read           OK OK OK OK OK      OK NF NF OK OK      OK NF NF OK OK
iro               write          PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
iro               decide         PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
iro               allocate       PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
iro               restrict       PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
iro               grant          PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
iro               report         PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD

support           find           PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
support           read           PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
support           write          PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
support           decide         PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
support           allocate       PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
support           restrict       PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
support           grant          PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
support           report         PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
support>worker    find           FD FD FD FD FD      FD AB AB FD FD      AB AB AB FD FD
support>worker    read           OK OK OK OK OK      OK NF NF OK OK      NF NF NF OK OK
support>worker    write          OK OK OK OK OK      OK NF NF OK OK      NF NF NF OK OK

performance       find           PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
performance       read           PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
performance       write          PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
performance       decide         PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
performance       allocate       PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
performance       restrict       PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
performance       grant          PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
performance       report         PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD

admin             find           PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
admin             read           PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
admin             write          PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
admin             decide         PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
admin             allocate       PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
admin             restrict       PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
admin             grant          PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
admin             report         PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD

partner           find           PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
partner           read           NF OK OK OK OK      -- -- -- -- --      NF NF NF OK OK
partner           write          PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
partner           decide         PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
partner           allocate       PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
partner           restrict       PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
partner           grant          PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
partner           report         PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD

# Break-glass, after every row above: opens open and restricted records whatever the
# relationship; a sealed one answers NOT_FOUND, granted or not.
duty              break_glass    OK OK NF OK NF      OK OK NF OK NF      OK OK NF OK NF
worker            break_glass    OK OK NF OK NF      OK OK NF OK NF      OK OK NF OK NF
senior            break_glass    OK OK NF OK NF      OK OK NF OK NF      OK OK NF OK NF
leader            break_glass    OK OK NF OK NF      OK OK NF OK NF      OK OK NF OK NF
manager           break_glass    OK OK NF OK NF      OK OK NF OK NF      OK OK NF OK NF
iro               break_glass    PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
support           break_glass    PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
performance       break_glass    PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
admin             break_glass    PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
partner           break_glass    PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD

# After that break-glass: its grant opens find, read and write (for a role with the action at
# some scope), never managing access.
duty              find_bg        FD FD FD FD FD      FD FD AB FD FD      FD FD AB FD FD
duty              read_bg        OK OK OK OK OK      OK OK NF OK OK      OK OK NF OK OK
duty              write_bg       OK OK OK OK OK      OK OK NF OK OK      OK OK NF OK OK
duty              restrict_bg    PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
worker            find_bg        FD FD FD FD FD      FD FD AB FD FD      FD FD AB FD FD
worker            read_bg        OK OK OK OK OK      OK OK NF OK OK      OK OK NF OK OK
worker            write_bg       OK OK OK OK OK      OK OK NF OK OK      OK OK NF OK OK
worker            restrict_bg    PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
senior            find_bg        FD FD FD FD FD      FD FD AB FD FD      FD FD AB FD FD
senior            read_bg        OK OK OK OK OK      OK OK NF OK OK      OK OK NF OK OK
senior            write_bg       OK OK OK OK OK      OK OK NF OK OK      OK OK NF OK OK
senior            restrict_bg    PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
leader            find_bg        FD FD FD FD FD      FD FD AB FD FD      FD FD AB FD FD
leader            read_bg        OK OK OK OK OK      OK OK NF OK OK      OK OK NF OK OK
leader            write_bg       OK OK OK OK OK      OK OK NF OK OK      OK OK NF OK OK
leader            restrict_bg    OK OK OK OK OK      OK NF NF OK OK      NF NF NF NF NF
manager           find_bg        FD FD FD FD FD      FD FD AB FD FD      FD FD AB FD FD
manager           read_bg        OK OK OK OK OK      OK OK NF OK OK      OK OK NF OK OK
manager           write_bg       OK OK OK OK OK      OK OK NF OK OK      OK OK NF OK OK
manager           restrict_bg    OK OK OK OK OK      OK NF NF OK OK      OK NF NF OK OK
iro               find_bg        FD FD FD FD FD      FD AB AB FD FD      FD AB AB FD FD
iro               read_bg        OK OK OK OK OK      OK NF NF OK OK      OK NF NF OK OK
iro               write_bg       PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
iro               restrict_bg    PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
support           find_bg        PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
support           read_bg        PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
support           write_bg       PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
support           restrict_bg    PD PD PD PD PD      PD PD PD PD PD      PD PD PD PD PD
performance       find_bg        PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
performance       read_bg        PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
performance       write_bg       PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
performance       restrict_bg    PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
admin             find_bg        PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
admin             read_bg        PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
admin             write_bg       PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
admin             restrict_bg    PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
partner           find_bg        PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
partner           read_bg        NF OK OK OK OK      -- -- -- -- --      NF NF NF OK OK
partner           write_bg       PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
partner           restrict_bg    PD PD PD PD PD      -- -- -- -- --      PD PD PD PD PD
"""

# users.admin (identity CreateTeam): the IT administrator only.
ADMIN_EXPECTED = {"duty": "PD", "worker": "PD", "senior": "PD", "leader": "PD", "manager": "PD", "iro": "PD",
                  "support": "PD", "performance": "PD", "admin": "OK", "partner": "PD"}

LEVELS = ("O", "R", "S", "RG", "SG")
RELATIONSHIPS = ("ALLOC", "TEAM", "OTHER")
COLUMNS = tuple(f"{r}.{lvl}" for r in RELATIONSHIPS for lvl in LEVELS)
ROLE_USERS = {"duty": "duty", "worker": "worker", "senior": "senior", "leader": "leader", "manager": "manager",
              "iro": "iro", "support": "support", "performance": "perf", "admin": "admin", "partner": "partner"}
# The team each role's user holds TEAM children through (by position in demo_data.TEAMS); None: in no team.
TEAM_OF = {"duty": 0, "worker": 1, "senior": 1, "leader": 1, "support": 1, "manager": 2, "iro": 2,
           "performance": None, "admin": None, "partner": None}
TEAM_NAMES = ("Duty and Assessment", "Children in Need North", "Child Protection")
TEAM_RECORDERS = ("duty", "worker", "worker2")  # who records each demo team's children
DECIDERS = ("duty", "senior", "leader", "manager")  # roles with referral.decide: own referral each
MAIN_ACTIONS = ("find", "read", "write", "decide", "allocate", "restrict", "grant", "report")
BG_ACTIONS = ("find_bg", "read_bg", "write_bg", "restrict_bg")
LEVEL_PROTO = {"R": pb.ACCESS_LEVEL_RESTRICTED, "S": pb.ACCESS_LEVEL_SEALED, "RG": pb.ACCESS_LEVEL_RESTRICTED,
               "SG": pb.ACCESS_LEVEL_SEALED, "O": pb.ACCESS_LEVEL_OPEN}
FAKE_PERSON, FAKE_REFERRAL = "people/999999999", "referrals/999999999"
CODES = {"NOT_FOUND": "NF", "PERMISSION_DENIED": "PD"}


def parse_table(text: str) -> dict[tuple[str, str], dict[str, str]]:
    table = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        role, action, *cells = line.split()
        assert len(cells) == len(COLUMNS), line
        assert (role, action) not in table, line
        table[(role, action)] = dict(zip(COLUMNS, cells))
    return table


@dataclass
class Child:
    name: str
    given: str
    family: str
    dob: str
    level: str
    base_referral: str  # refused decisions are tried on this one
    referrals: dict[str, str] = field(default_factory=dict)  # decider role -> a referral kept for them
    etag: str = ""


@dataclass
class World:
    keeper: IcsClient
    keeper_user: str
    users: dict[str, str]  # username -> users/N
    team_children: list[dict[str, Child]]  # by demo team position, then level
    other: dict[str, Child]
    alloc: dict[str, dict[str, Child]]  # role -> level -> child
    setup_seconds: float = 0.0

    def child(self, role: str, column: str) -> Child | None:
        relationship, level = column.split(".")
        base_role = "worker" if role == "support>worker" else role
        if relationship == "ALLOC":
            return self.alloc[base_role][level]
        if relationship == "OTHER":
            return self.other[level]
        team = TEAM_OF[base_role]
        return None if team is None else self.team_children[team][level]


def _password() -> str:
    return f"Matrix-{uuid.uuid4().hex}"


@pytest.fixture(scope="module")
def world(stack, sessions):
    started = time.monotonic()
    admin = sessions("admin")
    outside = call(admin, "CreateTeam", ipb.CreateTeamRequest(team=ipb.Team(display_name="Matrix outside team")),
                   service="identity")
    temporary, chosen = _password(), _password()
    call(admin, "CreateUser", ipb.CreateUserRequest(user=ipb.User(
        username="matrix-keeper", display_name="Kit Keeper", roles=["manager"], team_names=[outside.name]),
        temporary_password=temporary), service="identity")
    keeper = IcsClient(stack.targets())
    keeper.login("matrix-keeper", temporary, new_password=chosen)
    teams = {t.display_name: t.name for t in call(admin, "ListTeams", ipb.ListTeamsRequest(page_size=500),
                                                  service="identity").teams}
    assert all(name in teams for name in TEAM_NAMES), teams
    users = {u: sessions(u).session.user.name for u in set(ROLE_USERS.values()) | set(TEAM_RECORDERS)}
    # The teams a TEAM child is held by are the demo teams, in the order demo_data seeds them.
    for role, team in TEAM_OF.items():
        expected_teams = set(sessions(ROLE_USERS[role]).session.user.team_names)
        assert (team is None) == (not expected_teams), role
        if team is not None:
            assert teams[TEAM_NAMES[team]] in expected_teams, (role, expected_teams)
        assert outside.name not in expected_teams

    counter = iter(range(10_000))
    today = today_london()

    def new_child(recorder: IcsClient, level: str, deciders) -> Child:
        n = next(counter)
        family = f"Mx{uuid.uuid4().hex[:10]}"
        dob = (date(2010, 1, 1) + timedelta(days=3 * n)).isoformat()
        reply = recorder.record_contact(pb.RecordContactRequest(
            new_person=pb.Person(given_name="Matrixchild", family_name=family, date_of_birth=dob,
                                 sex=pb.SEX_FEMALE, postcode="ZZ9 9ZZ"),
            source=pb.CONTACT_SOURCE_SCHOOL, reason="Matrix: school concern", confirmed_not_duplicate=True))
        child = Child(reply.person.name, "Matrixchild", family, dob, level, reply.referral.name)
        for decider in deciders:
            again = recorder.record_contact(pb.RecordContactRequest(
                person=child.name, source=pb.CONTACT_SOURCE_POLICE, reason=f"Matrix: for {decider} to decide"))
            child.referrals[decider] = again.referral.name
        return child

    team_children = []
    for position, recorder in enumerate(TEAM_RECORDERS):
        deciders = [r for r in DECIDERS if TEAM_OF[r] == position]
        team_children.append({lvl: new_child(sessions(recorder), lvl, deciders) for lvl in LEVELS})
    other = {lvl: new_child(keeper, lvl, DECIDERS) for lvl in LEVELS}
    alloc = {role: {lvl: new_child(keeper, lvl, [role] if role in DECIDERS else []) for lvl in LEVELS}
             for role in ROLE_USERS}

    everyone = [c for group in (*team_children, other, *alloc.values()) for c in group.values()]
    for child in everyone:  # restrict and seal, as the keeper (who keeps a grant: irrelevant)
        if child.level != "O":
            etag = keeper.get_person(child.name).etag
            call(keeper, "SetRecordAccess", pb.SetRecordAccessRequest(
                person=child.name, access_level=LEVEL_PROTO[child.level], reason="Matrix: staff member's child",
                etag=etag))
    for role, children in alloc.items():  # allocated after restriction: no kept grant for them
        for child in children.values():
            call(keeper, "AllocateWorker", pb.AllocateWorkerRequest(allocation=pb.Allocation(
                person=child.name, worker=users[ROLE_USERS[role]], worker_display_name=role,
                reason="Matrix: allocated")))

    def grant(child: Child, roles) -> None:
        for role in roles:
            call(keeper, "GrantRecordAccess", pb.GrantRecordAccessRequest(
                person=child.name, user=users[ROLE_USERS[role]], reason="Matrix: needs to know",
                request_id=str(uuid.uuid4())))

    for level in ("RG", "SG"):
        for position, children in enumerate(team_children):
            grant(children[level], [r for r, t in TEAM_OF.items() if t == position])
        grant(other[level], ROLE_USERS)
        for role, children in alloc.items():
            grant(children[level], [role])
    for child in everyone:
        child.etag = keeper.get_person(child.name).etag
    made = World(keeper, keeper.session.user.name, users, team_children, other, alloc,
                 time.monotonic() - started)
    yield made
    keeper.close()


def _outcome(fn) -> tuple[str, str]:
    try:
        fn()
        return "OK", ""
    except ServiceError as exc:
        return CODES.get(exc.code, exc.code), exc.message


class Prober:
    def __init__(self, world: World):
        self.world = world
        self.reason = "Matrix check"

    def run(self, client: IcsClient, role: str, action: str, child: Child) -> tuple[str, str]:
        action = action.removesuffix("_bg")
        w = self.world
        if action == "find":
            try:
                reply = call(client, "SearchPeople", pb.SearchPeopleRequest(
                    query=f"{child.given} {child.family}", date_of_birth=child.dob, page_size=100))
            except ServiceError as exc:
                return CODES.get(exc.code, exc.code), exc.message
            return ("FD" if any(m.person.name == child.name for m in reply.matches) else "AB"), ""
        if action == "read":
            return _outcome(lambda: call(client, "GetPerson", pb.GetPersonRequest(name=child.name)))
        if action == "write":
            return _outcome(lambda: call(client, "AddChronologyEntry", pb.AddChronologyEntryRequest(
                person=child.name, entry=pb.ChronologyEntry(date=today_london().isoformat(), title=self.reason))))
        if action == "decide":
            referral = child.referrals.get(role, child.base_referral)
            return _outcome(lambda: call(client, "DecideReferral", pb.DecideReferralRequest(
                name=referral, decision=pb.REFERRAL_DECISION_ASSESSMENT, reason=self.reason)))
        if action == "allocate":
            mine = child is w.alloc.get(role, {}).get(child.level)
            target = w.users[ROLE_USERS[role]] if mine else w.keeper_user
            return _outcome(lambda: call(client, "AllocateWorker", pb.AllocateWorkerRequest(allocation=pb.Allocation(
                person=child.name, worker=target, worker_display_name="Matrix", reason=self.reason))))
        if action == "restrict":
            try:
                call(client, "SetRecordAccess", pb.SetRecordAccessRequest(
                    person=child.name, access_level=LEVEL_PROTO[child.level], reason=self.reason, etag=child.etag))
                return "CHANGED", "the access level changed (it was asked for the level it already had)"
            except ServiceError as exc:
                if exc.code == "FAILED_PRECONDITION" and "already" in exc.message:
                    return "OK", ""
                return CODES.get(exc.code, exc.code), exc.message
        if action == "grant":
            return _outcome(lambda: call(client, "GrantRecordAccess", pb.GrantRecordAccessRequest(
                person=child.name, user=w.keeper_user, reason=self.reason, days=1, request_id=str(uuid.uuid4()))))
        if action == "report":
            return _outcome(lambda: call(client, "GetAccessReport", pb.GetAccessReportRequest(person=child.name)))
        if action == "break_glass":
            return _outcome(lambda: call(client, "BreakGlass", pb.BreakGlassRequest(
                person=child.name, reason="Matrix: police at the door, child missing")))
        raise AssertionError(action)


def _fake(child: Child) -> Child:
    return Child(FAKE_PERSON, child.given, child.family, child.dob, child.level, FAKE_REFERRAL,
                 {k: FAKE_REFERRAL for k in child.referrals}, child.etag)


def _render(table: dict[tuple[str, str], dict[str, str]], rows) -> str:
    lines = [f"{'role':17} {'action':14} " + "  ".join(
        " ".join(f"{lvl:2}" for lvl in LEVELS) for _ in RELATIONSHIPS) + "   (ALLOC | TEAM | OTHER)"]
    for key in rows:
        cells = table[key]
        lines.append(f"{key[0]:17} {key[1]:14} " + "  ".join(
            " ".join(f"{cells[f'{r}.{lvl}']:2}" for lvl in LEVELS) for r in RELATIONSHIPS))
    return "\n".join(lines)


def test_permission_matrix(engine_name, stack, sessions, world):
    expected = parse_table(EXPECTED)
    rows = list(expected)
    assert {r for r, _ in rows} == set(ROLE_USERS) | {"support>worker"}
    for role in ROLE_USERS:
        assert all((role, a) in expected for a in (*MAIN_ACTIONS, "break_glass", *BG_ACTIONS)), role
    prober = Prober(world)
    got: dict[tuple[str, str], dict[str, str]] = {key: {} for key in rows}
    mismatches, wrong_messages = [], []
    refused_decisions: set[str] = set()
    started = time.monotonic()

    def client_for(role: str) -> IcsClient:
        if role == "support>worker":
            client = sessions("support")
            client.on_behalf_of = world.users["worker"]
            return client
        client = sessions(ROLE_USERS[role])
        client.on_behalf_of = ""
        return client

    def check(role: str, action: str) -> None:
        client = client_for(role)
        absent: dict[str, tuple[str, str]] = {}
        try:
            for column in COLUMNS:
                want = expected[(role, action)][column]
                child = world.child(role, column)
                if child is None:
                    assert want == "--", (role, action, column)
                    got[(role, action)][column] = "--"
                    continue
                answer, message = prober.run(client, role, action, child)
                got[(role, action)][column] = answer
                if answer != want:
                    mismatches.append(f"{role:15} {action:12} {column:9} expected {want} got {answer}"
                                      + (f": {message}" if message else ""))
                if action.removesuffix("_bg") == "decide" and answer != "OK":
                    refused_decisions.add(child.referrals.get(role, child.base_referral))
                if answer == "NF":
                    # Must read exactly as for a child that does not exist.
                    if action not in absent:
                        absent[action] = prober.run(client, role, action, _fake(child))
                    code, reference = absent[action]
                    referral = child.referrals.get(role, child.base_referral)
                    swapped = message.replace(referral, FAKE_REFERRAL).replace(child.name, FAKE_PERSON)
                    if code != "NF" or swapped != reference:
                        wrong_messages.append(f"{role} {action} {column}: {message!r} (as {swapped!r}) vs "
                                              f"{code} {reference!r} for a child that does not exist")
        finally:
            client.on_behalf_of = ""

    for role, action in rows:
        if action in MAIN_ACTIONS:
            check(role, action)
    admin_got = {}
    for role, want in ADMIN_EXPECTED.items():
        admin_got[role], message = _outcome(lambda r=role: call(client_for(r), "CreateTeam", ipb.CreateTeamRequest(
            team=ipb.Team(display_name=f"Matrix team by {r}")), service="identity"))
        if admin_got[role] != want:
            mismatches.append(f"{role:15} {'admin':12} {'-':9} expected {want} got {admin_got[role]}: {message}")
    for role, action in rows:  # break-glass last: it hands out grants
        if action == "break_glass":
            check(role, action)
    for role, action in rows:
        if action in BG_ACTIONS:
            check(role, action)

    # A refused decision changed nothing: each referral tried and refused still awaits a decision.
    for name in sorted(refused_decisions):
        referral = world.keeper.get_referral(name)
        if referral.state != pb.REFERRAL_STATE_AWAITING_DECISION:
            mismatches.append(f"refused decision on {name} changed it: state {referral.state}")

    cells = sum(1 for key in rows for c in COLUMNS if expected[key][c] != "--") + len(ADMIN_EXPECTED)
    seconds = time.monotonic() - started
    print(f"\n[{engine_name}] permission matrix: {len(rows)} rows, {cells} cells; "
          f"setup {world.setup_seconds:.1f}s, checks {seconds:.1f}s")
    report = []
    if mismatches:
        report += [f"{len(mismatches)} cells differ from EXPECTED:", *mismatches, "",
                   "What the services answered:", _render(got, rows)]
    if wrong_messages:
        report += ["", f"{len(wrong_messages)} NOT_FOUND answers do not read like a child that does not exist:",
                   *wrong_messages]
    assert not report, "\n".join(report)
