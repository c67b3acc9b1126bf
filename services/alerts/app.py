"""Builds the alerts service from configuration."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ics.alerts.v1 import alerts_pb2, alerts_pb2_grpc
from services.alerts import rules
from services.alerts.calendar import CalendarError
from services.alerts.feed import RecordsFeed
from services.alerts.notify import Notifier
from services.alerts.service import PUBLIC_METHODS, AlertsServicer
from services.common.auth import IdentityTokenVerifier
from services.common.config import ConfigError, IcsConfig, check_smtp
from services.common.db import Database
from services.common.server import ServiceRunner
from services.common.signals import EventSignal


def closure_days(text: str) -> frozenset[date]:
    days = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            days.add(date.fromisoformat(part))
        except ValueError:
            raise ConfigError(f"closure_days: {part!r} is not a date as YYYY-MM-DD") from None
    return frozenset(days)


def load_rule_set(config: IcsConfig) -> rules.RuleSet:
    """The council's rule set and calendar; a fault in either stops start-up, saying which."""
    settings = config["alerts"]
    try:
        rule_set = rules.load(config.rule_set, closure_days(settings.closure_days),
                              Path(settings.rule_sets_dir) if settings.rule_sets_dir else None,
                              settings.bank_holidays_file)
        rule_set.calendar.snapshot  # read the bank holidays now, not at the first clock
    except (rules.RuleSetError, CalendarError) as exc:
        raise ConfigError(str(exc)) from None
    return rule_set


def build(config: IcsConfig) -> ServiceRunner:
    settings = config["alerts"]
    rule_set = load_rule_set(config)
    db = Database(settings.database_url)
    verifier = IdentityTokenVerifier(config["identity"].target())
    signal = EventSignal()
    feed = RecordsFeed(db, rule_set, config["identity"].target(), config["records"].target(),
                       config.alerts_service_username, config.service_password_file, signal)
    servicer = AlertsServicer(db, rule_set, feed, signal, config["records"].target(), verifier)
    notifier = None
    if settings.smtp_host:  # e-mail of overdue and stale work is optional
        check_smtp(settings)
        if settings.smtp_username and not Path(settings.smtp_password_file).is_file():
            raise ConfigError(f"alerts.smtp_password_file {settings.smtp_password_file} does not exist; it holds the "
                              "SMTP relay's password")
        notifier = Notifier(db, rule_set, settings, config["identity"].target(), config.alerts_service_username,
                            config.service_password_file, ready=lambda: feed.connected)

    def register(server):
        alerts_pb2_grpc.add_AlertsServiceServicer_to_server(servicer, server)
        return [alerts_pb2.DESCRIPTOR.services_by_name["AlertsService"].full_name]

    async def on_start():
        feed.start()
        if notifier:
            notifier.start()

    async def on_stop():
        if notifier:
            await notifier.stop()
        await feed.stop()
        await servicer.close()
        await verifier.close()
        db.dispose()

    return ServiceRunner(settings, verifier, PUBLIC_METHODS, register, on_start=on_start, on_stop=on_stop,
                         on_draining=servicer.drain)
