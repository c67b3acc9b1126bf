"""Builds the records service from configuration."""

from __future__ import annotations

from ics.records.v1 import records_pb2, records_pb2_grpc
from services.common.auth import IdentityTokenVerifier
from services.common.config import ConfigError, IcsConfig
from services.common.db import Database
from services.common.server import ServiceRunner
from services.common.signals import EventSignal
from services.records.retention import Schedule
from services.records.service import PUBLIC_METHODS, RecordsServicer
from services.records.signing import Signer
from services.records.template_library import TemplateError, TemplateLibrary


def build(config: IcsConfig) -> ServiceRunner:
    settings = config["records"]
    # The shipped templates, then the council's own folder: a broken file stops start-up, saying
    # which file and why; a changed file is picked up by restarting records alone.
    try:
        library = TemplateLibrary.load(council_dir=settings.templates_dir or None)
    except TemplateError as exc:
        raise ConfigError(f"the templates have faults; records will not start until they are fixed:\n{exc}") from None
    schedule = Schedule.load(settings.retention_rules_file or None)
    signer = Signer.load_or_create(config.records_signing_key_file)
    db = Database(settings.database_url)
    verifier = IdentityTokenVerifier(config["identity"].target())

    servicer = RecordsServicer(db, EventSignal(), library, signer, schedule=schedule)

    def register(server):
        records_pb2_grpc.add_RecordsServiceServicer_to_server(servicer, server)
        return [records_pb2.DESCRIPTOR.services_by_name["RecordsService"].full_name]

    async def on_stop():
        await verifier.close()
        db.dispose()

    return ServiceRunner(settings, verifier, PUBLIC_METHODS, register, on_stop=on_stop, on_draining=servicer.drain)
