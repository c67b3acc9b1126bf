"""The role table: what each role may do, as resource.action and a scope.

identity owns this table and hands each caller's permissions to records and alerts inside the
principal, so the other services decide access from permissions and relationships and never from
role names. A scope says which children an action reaches:

- any        every child whose record is open (restricted and sealed records still need a grant)
- team       children the caller's teams hold or have a referral for, and children allocated to them
- allocated  only children allocated to the caller
- granted    only children someone has explicitly granted the caller (partner agencies)
- on_behalf  only while entering data for a named worker, with that worker's access

An explicit grant on a record (services/records/grants.py) opens it to anyone whose role has the
action at some scope; a role without the action never gets it from a grant.
"""

from __future__ import annotations

from dataclasses import dataclass

SCOPES = ("any", "team", "allocated", "granted", "on_behalf")

ACTIONS: dict[str, str] = {
    "child.find": "search for a child, to tell whether they are already known",
    "child.read": "open a child's record",
    "child.write": "record contacts, chronology entries, documents and details on a child's record",
    "review.write": "write and sign review and conference records",
    "referral.decide": "decide what happens to a referral",
    "case.allocate": "allocate a case to a worker",
    "child.merge": "merge two records of the same child, or undo a merge",
    "carers.manage": "add and change carers on the carers register",
    "reference.manage": "add relationship types and other reference lists",
    "document.approve": "approve, or return, work a practitioner has submitted",
    "record.restrict": "restrict or seal a record, and grant or revoke access to it",
    "record.break_glass": "open a restricted record in an emergency, giving a reason",
    "access.review": "review emergency access and read who has seen a record",
    "work.oversee": "see their teams' timescales, overdue work and timeliness, and change any of those clocks",
    "retention.manage": "place legal holds and dispose of records past their retention date",
    "returns.export": "produce statutory returns and figures, without opening records",
    "reports.read": "read management reports: counts of work, timeliness, recording quality, demand and equality",
    "reports.cases": "see which children and which pieces of work a management report counts",
    "users.admin": "create and change users and teams",
    "users.read": "look up colleagues' names, teams and work e-mail addresses",
    "events.read": "read the stream of changes (ICS services only)",
}

SCOPE_WORDS = {
    "any": "any child whose record is open",
    "team": "children their team holds or has allocated to them",
    "allocated": "children allocated to them",
    "granted": "children they have been granted",
    "on_behalf": "while entering data for a worker in their team, with that worker's access",
}
# For users.read, "team" means members of the caller's own teams.


@dataclass(frozen=True)
class Role:
    id: str
    display_name: str
    description: str
    permissions: dict[str, str]  # action -> scope


_FRONT_LINE = {"child.find": "team", "child.read": "team", "child.write": "team", "record.break_glass": "any",
               "users.read": "team"}

ROLE_TABLE: tuple[Role, ...] = (
    Role("duty", "Duty social worker",
         "Takes contacts and referrals for any child at the front door.",
         {"child.find": "any", "child.read": "any", "child.write": "any", "referral.decide": "team",
          "record.break_glass": "any", "users.read": "team"}),
    Role("worker", "Social worker",
         "Works the cases their team holds or that are allocated to them.",
         dict(_FRONT_LINE)),
    Role("senior", "Senior practitioner",
         "A social worker who may also decide referrals and approve their team's work.",
         {**_FRONT_LINE, "referral.decide": "team", "document.approve": "team"}),
    Role("leader", "Team leader",
         "Manages a team: allocates, approves, restricts records and reviews emergency access.",
         {"child.find": "any", "child.read": "any", "child.write": "team", "referral.decide": "team",
          "case.allocate": "team", "document.approve": "team", "record.restrict": "team",
          "child.merge": "team", "carers.manage": "any",
          "record.break_glass": "any", "access.review": "team", "users.read": "team", "work.oversee": "team",
          "reports.read": "team", "reports.cases": "team"}),
    Role("manager", "Manager",
         "Service manager across teams; also answers for retention and legal holds.",
         {"child.find": "any", "child.read": "any", "child.write": "any", "referral.decide": "any",
          "case.allocate": "any", "document.approve": "any", "record.restrict": "any",
          "child.merge": "any", "carers.manage": "any", "reference.manage": "any",
          "record.break_glass": "any", "access.review": "any", "retention.manage": "any",
          "returns.export": "any", "users.read": "any", "work.oversee": "any",
          "reports.read": "any", "reports.cases": "any"}),
    Role("iro", "Reviewing officer",
         "Independent reviewing officer: reads records and writes the reviews and conferences they chair.",
         {"child.find": "any", "child.read": "any", "review.write": "any", "users.read": "team"}),
    Role("support", "Business support",
         "Enters data on a named worker's behalf; the record shows both of them.",
         {"child.find": "on_behalf", "child.read": "on_behalf", "child.write": "on_behalf",
          "users.read": "team"}),
    Role("performance", "Performance officer",
         "Produces statutory returns and figures; opens no child's record.",
         {"returns.export": "any", "reports.read": "any", "users.read": "any"}),
    Role("performance_cases", "Performance officer with case lists",
         "A performance officer a manager has also let see which children and pieces of work the reports "
         "count, to chase data quality; still opens no child's record.",
         {"returns.export": "any", "reports.read": "any", "reports.cases": "any", "users.read": "any"}),
    Role("admin", "IT administrator",
         "Looks after accounts and teams; sees no child's record.",
         {"users.admin": "any", "users.read": "any", "carers.manage": "any", "reference.manage": "any"}),
    Role("partner", "Partner-agency reader",
         "A named professional from another agency: reads only records shared with them.",
         {"child.read": "granted"}),
    Role("service", "ICS service account",
         "Another ICS service (alerts) reading the change stream.",
         {"events.read": "any", "users.read": "any"}),
)

ROLES: dict[str, Role] = {role.id: role for role in ROLE_TABLE}
_BREADTH = {scope: rank for rank, scope in enumerate(("any", "team", "allocated", "granted", "on_behalf"))}


def permissions_for(role_ids) -> dict[str, str]:
    """The union of the roles' permissions; where two roles give one action, the wider scope wins."""
    merged: dict[str, str] = {}
    for role_id in role_ids:
        role = ROLES.get(role_id)
        if role is None:
            continue
        for action, scope in role.permissions.items():
            if action not in merged or _BREADTH[scope] < _BREADTH[merged[action]]:
                merged[action] = scope
    return merged


def describe(action: str, scope: str) -> str:
    return f"{ACTIONS[action]}: {SCOPE_WORDS[scope]}"


def _check_table() -> None:
    for role in ROLE_TABLE:
        for action, scope in role.permissions.items():
            assert action in ACTIONS and scope in SCOPES, (role.id, action, scope)


_check_table()
