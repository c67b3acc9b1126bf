"""identity over gRPC."""

from __future__ import annotations

from ics.identity.v1 import identity_pb2 as pb
from ics.identity.v1 import identity_pb2_grpc
from services.common import paging
from services.common.auth import Principal, caller, current_token
from services.common.config import IcsConfig
from services.common.db import Database
from services.common.errors import Unauthenticated
from services.common.names import make_name, parse_name
from services.identity import store
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
    )


def team_to_proto(team: Team) -> pb.Team:
    return pb.Team(name=make_name("teams", team.id), display_name=team.display_name, is_duty=team.is_duty)


class LocalTokenVerifier:
    """identity checks its own tokens straight from its database."""

    def __init__(self, db: Database):
        self._db = db

    async def verify(self, token: str) -> Principal:
        return await self._db.read(lambda s: store.introspect(s, token))


class IdentityServicer(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(self, db: Database, config: IcsConfig):
        self.db = db
        self.config = config

    def _login_response(self, issued: store.IssuedToken) -> pb.LoginResponse:
        return pb.LoginResponse(
            access_token=issued.token,
            expires_at_unix=int(issued.expires_at.timestamp()),
            user=user_to_proto(issued.user),
        )

    async def Login(self, request, context):
        def work(s):
            issued = store.login(s, request.username.strip(), request.password,
                                 self.config.token_ttl_seconds, self.config.session_max_seconds)
            return issued if not issued.token else self._login_response(issued)

        result = await self.db.write(work)
        if isinstance(result, store.IssuedToken):  # wrong password: failure count now committed
            raise Unauthenticated(store.BAD_CREDENTIALS)
        return result

    async def Logout(self, request, context):
        token = current_token.get()
        await self.db.write(lambda s: store.logout(s, token))
        return pb.LogoutResponse()

    async def IntrospectToken(self, request, context):
        principal = await self.db.read(lambda s: store.introspect(s, request.access_token))
        return principal.to_proto()

    async def RefreshSession(self, request, context):
        token = current_token.get()
        return await self.db.write(
            lambda s: self._login_response(store.refresh(s, token, self.config.token_ttl_seconds)))

    async def GetCurrentUser(self, request, context):
        user_id = caller().user_id
        return await self.db.read(lambda s: user_to_proto(store.get_user(s, user_id)))

    async def GetUser(self, request, context):
        user_id = parse_name(request.name, "users")
        return await self.db.read(lambda s: user_to_proto(store.get_user(s, user_id)))

    async def ListUsers(self, request, context):
        size = paging.page_size(request.page_size)
        offset = paging.decode_offset(request.page_token)
        team_id = parse_name(request.team_name, "teams", "team_name") if request.team_name else None

        def work(s):
            users = store.list_users(s, team_id, offset, size)
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


