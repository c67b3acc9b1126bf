"""Builds the alerts service from configuration."""

from __future__ import annotations

from ics.alerts.v1 import alerts_pb2, alerts_pb2_grpc
from services.alerts import rules
from services.alerts.feed import RecordsFeed
from services.alerts.service import PUBLIC_METHODS, AlertsServicer
from services.common.auth import IdentityTokenVerifier
from services.common.config import IcsConfig
from services.common.db import Database
from services.common.server import ServiceRunner


def build(config: IcsConfig) -> ServiceRunner:
    settings = config["alerts"]
    db = Database(settings.database_url)
    rule_set = rules.load(config.rule_set)
    verifier = IdentityTokenVerifier(config["identity"].target())
    feed = RecordsFeed(db, rule_set, config["identity"].target(), config["records"].target(),
                       config.alerts_service_username, config.service_password_file)

    def register(server):
        alerts_pb2_grpc.add_AlertsServiceServicer_to_server(AlertsServicer(db, rule_set, feed), server)
        return [alerts_pb2.DESCRIPTOR.services_by_name["AlertsService"].full_name]

    async def on_start():
        feed.start()

    async def on_stop():
        await feed.stop()
        await verifier.close()
        db.dispose()

    return ServiceRunner(settings, verifier, PUBLIC_METHODS, register, on_start=on_start, on_stop=on_stop)
