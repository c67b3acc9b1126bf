"""identity over gRPC."""

from __future__ import annotations

import asyncio

from ics.identity.v1 import identity_pb2 as pb
from ics.identity.v1 import identity_pb2_grpc
from services.common import paging
from services.common.auth import Principal, caller, current_token
from services.common.config import IcsConfig
from services.common.db import Database
from services.common.errors import InvalidArgument, ResourceExhausted
from services.common.names import make_name, parse_name
from services.identity import audit, roles, store
from services.identity.directory import Directory
from services.identity.models import Team, User

PUBLIC_METHODS = {
    "/ics.identity.v1.IdentityService/Login",
    "/ics.identity.v1.IdentityService/IntrospectToken",
}


def user_to_proto(user: User) -> pb.User:
    return pb.User(
        name=make_name("users", user.id),
        username=user.username,
        display_name=user.display_name,
        email=user.email or "",
        roles=sorted(r.role for r in user.roles),
        team_names=[make_name("teams", m.team_id) for m in sorted(user.memberships, key=lambda m: m.position)],
        active=user.active,
        etag=str(user.version),
        must_change_password=bool(user.must_change_password),
        directory_account=user.auth_source == "directory",
    )


def team_to_proto(team: Team) -> pb.Team:
    return pb.Team(name=make_name("teams", team.id), display_name=team.display_name, is_duty=team.is_duty,
                   location=team.location or "")


def roles_to_proto() -> pb.ListRolesResponse:
    return pb.ListRolesResponse(roles=[
        pb.Role(id=role.id, display_name=role.display_name, description=role.description,
                permissions=[pb.Permission(action=action, scope=scope, description=roles.describe(action, scope))
                             for action, scope in role.permissions.items()])
        for role in roles.ROLE_TABLE])


class LocalTokenVerifier:
    """identity checks its own tokens straight from its database."""

    def __init__(self, db: Database):
        self._db = db

    async def verify(self, token: str, on_behalf_of: str = "") -> Principal:
        return await self._db.read(lambda s: store.introspect(s, token, on_behalf_of))


class IdentityServicer(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(self, db: Database, config: IcsConfig, directory: Directory | None = None):
        self.db = db
        self.config = config
        # The council directory, when identity.ldap_url is set; None: every account is local.
        self.directory = directory
        self._waiting: set[str] = set()  # usernames with an attempt held back by backoff

    def _login_response(self, issued: store.IssuedToken) -> pb.LoginResponse:
        return pb.LoginResponse(
            access_token=issued.token,
            expires_at_unix=int(issued.expires_at.timestamp()),
            user=user_to_proto(issued.user),
        )

    async def Login(self, request, context):
        username = request.username.strip()
        if username and request.password:
            # Backoff: after a wrong password this username's next attempt is held until its
            # delay has passed, and any further attempt meanwhile is refused outright (no
            # password check), alike for usernames that exist and those that do not.
            wait = await self.db.read(lambda s: store.login_wait(s, username))
            if wait > 0:
                if username in self._waiting:
                    raise ResourceExhausted(store.TOO_MANY_AT_ONCE)
                self._waiting.add(username)
                try:
                    await asyncio.sleep(wait)
                finally:
                    self._waiting.discard(username)

        verdict = None
        if self.directory is not None and username and request.password and \
                await self.db.read(lambda s: store.auth_source(s, username)) == "directory":
            # Asked outside the transaction: a slow directory never holds identity's database.
            verdict = await asyncio.to_thread(self.directory.check_password, username, request.password)

        def work(s):
            issued = store.login(s, username, request.password, self.config.token_ttl_seconds,
                                 self.config.session_max_seconds, request.new_password, verdict)
            return issued if isinstance(issued, store.Refusal) else self._login_response(issued)

        result = await self.db.write(work)
        if isinstance(result, store.Refusal):  # the failure count is committed; now answer
            raise result.error
        return result

    async def Logout(self, request, context):
        token = current_token.get()
        await self.db.write(lambda s: store.logout(s, token))
        return pb.LogoutResponse()

    async def IntrospectToken(self, request, context):
        principal = await self.db.read(lambda s: store.introspect(s, request.access_token, request.on_behalf_of))
        return principal.to_proto()

    async def RefreshSession(self, request, context):
        token = current_token.get()
        return await self.db.write(
            lambda s: self._login_response(store.refresh(s, token, self.config.token_ttl_seconds)))

    async def GetCurrentUser(self, request, context):
        user_id = caller().user_id
        return await self.db.read(lambda s: user_to_proto(store.get_user(s, user_id)))

    async def GetUser(self, request, context):
        who = caller()
        user_id = parse_name(request.name, "users")
        return await self.db.read(lambda s: user_to_proto(store.get_user(s, user_id, who)))

    async def ListUsers(self, request, context):
        size = paging.page_size(request.page_size)
        offset = paging.decode_offset(request.page_token)
        team_id = parse_name(request.team_name, "teams", "team_name") if request.team_name else None
        who = caller()

        def work(s):
            users = store.list_users(s, who, team_id, offset, size)
            return pb.ListUsersResponse(users=[user_to_proto(u) for u in users],
                                        next_page_token=paging.next_token(offset, size, len(users)))

        return await self.db.read(work)

    async def ListTeams(self, request, context):
        size = paging.page_size(request.page_size)
        offset = paging.decode_offset(request.page_token)

        def work(s):
            teams = store.list_teams(s, offset, size)
            return pb.ListTeamsResponse(teams=[team_to_proto(t) for t in teams],
                                        next_page_token=paging.next_token(offset, size, len(teams)))

        return await self.db.read(work)


    async def ChangePassword(self, request, context):
        who, token = caller(), current_token.get()
        result = await self.db.write(lambda s: store.change_password(
            s, who, token, request.current_password, request.new_password))
        if isinstance(result, store.Refusal):
            raise result.error
        return pb.ChangePasswordResponse(other_sessions_ended=result)

    async def ResetPassword(self, request, context):
        who = caller()
        store.require_admin(who, "reset a password")
        user_id = parse_name(request.name, "users")

        def work(s):
            user, chosen = store.reset_password(s, who, store.get_user(s, user_id), request.temporary_password)
            return pb.ResetPasswordResponse(user=user_to_proto(user), temporary_password=chosen)

        return await self.db.write(work)

    async def UpdateUser(self, request, context):
        who = caller()
        store.require_admin(who, "change users")
        user_id = parse_name(request.user.name, "users", "user.name")
        paths = list(request.update_mask.paths)
        if not paths:
            raise InvalidArgument("Say which fields to change in update_mask: roles, team_names, active, "
                                  "display_name or email.", {"update_mask": "required"})
        mapping = {"roles": "roles", "team_names": "team_ids", "active": "active",
                   "display_name": "display_name", "email": "email"}
        unknown = [p for p in paths if p not in mapping]
        if unknown:
            raise InvalidArgument(f"These cannot be changed with UpdateUser: {', '.join(unknown)}.",
                                  {"update_mask": f"unknown field(s) {', '.join(unknown)}"})
        values = {
            "roles": list(request.user.roles),
            "team_ids": [parse_name(t, "teams", "user.team_names") for t in request.user.team_names]
            if "team_names" in paths else [],
            "active": request.user.active,
            "display_name": request.user.display_name,
            "email": request.user.email,
        }
        changes = {mapping[p]: values[mapping[p]] for p in paths}
        return await self.db.write(lambda s: user_to_proto(
            store.update_user(s, who, store.get_user(s, user_id), changes, request.user.etag)))

    async def CreateUser(self, request, context):
        who = caller()
        store.require_admin(who, "create users")
        wanted = request.user
        team_ids = [parse_name(t, "teams", "user.team_names") for t in wanted.team_names]
        directory = wanted.directory_account
        if not directory:
            store.require_usable_password(request.temporary_password, wanted.username, "temporary_password",
                                          "first password")
        elif request.temporary_password:
            raise InvalidArgument("A directory account signs in with the council directory's password; send no "
                                  "temporary_password.", {"temporary_password": "must be empty for a directory account"})

        def work(s):
            user = store.create_user(s, wanted.username.strip(), wanted.display_name.strip(),
                                     request.temporary_password, list(wanted.roles), team_ids,
                                     wanted.email, directory_account=directory)
            user.must_change_password = not directory
            audit.record(s, who, "user.created", f"users/{user.id}",
                               f"roles {', '.join(sorted(set(wanted.roles)))}; teams {', '.join(wanted.team_names) or 'none'}"
                               + ("; directory account" if directory else "; must choose a password at first login"))
            return user_to_proto(user)

        return await self.db.write(work)

    async def CreateTeam(self, request, context):
        who = caller()
        store.require_admin(who, "create teams")

        def work(s):
            team = store.create_team(s, request.team.display_name, request.team.is_duty, request.team.location)
            audit.record(s, who, "team.created", f"teams/{team.id}", team.display_name)
            return team_to_proto(team)

        return await self.db.write(work)

    async def ListRoles(self, request, context):
        return roles_to_proto()
