"""Builds the identity service from configuration."""

from __future__ import annotations

from ics.identity.v1 import identity_pb2, identity_pb2_grpc
from services.common.config import IcsConfig
from services.common.db import Database
from services.common.server import ServiceRunner
from services.identity.directory import directory_from
from services.identity.service import PUBLIC_METHODS, IdentityServicer, LocalTokenVerifier


def build(config: IcsConfig) -> ServiceRunner:
    settings = config["identity"]
    db = Database(settings.database_url)

    def register(server):
        identity_pb2_grpc.add_IdentityServiceServicer_to_server(IdentityServicer(db, config, directory_from(settings)), server)
        return [identity_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name]

    async def on_stop():
        db.dispose()

    return ServiceRunner(settings, LocalTokenVerifier(db), PUBLIC_METHODS, register, on_stop=on_stop)
