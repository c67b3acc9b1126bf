"""One configuration mechanism: defaults, then a TOML file, then the environment."""

from __future__ import annotations

import pytest

from services.common.config import ConfigError, load_config


def test_defaults_are_sqlite_files_in_the_data_folder_and_standard_ports(tmp_path):
    cfg = load_config(data_dir=tmp_path, env={})
    assert [cfg[s].port for s in ("identity", "records", "alerts")] == [50051, 50052, 50053]
    assert cfg["records"].database_url == f"sqlite:///{tmp_path.resolve()}/records.db"
    assert not cfg["records"].reflection


def test_file_then_environment_override(tmp_path):
    path = tmp_path / "ics.toml"
    path.write_text('token_ttl_seconds = 60\n[records]\nport = 6000\ndatabase_url = "postgresql+psycopg://x/y"\n'
                    '[alerts]\nport = 6001\n')
    cfg = load_config(config_file=path, env={"ICS_ALERTS_PORT": "7001", "ICS_IDENTITY_ADDRESS": "id.example:1"})
    assert cfg["records"].port == 6000 and cfg["records"].database_url == "postgresql+psycopg://x/y"
    assert cfg["alerts"].port == 7001
    assert cfg["identity"].target() == "id.example:1"
    assert cfg.token_ttl_seconds == 60


@pytest.mark.parametrize("text, message", [
    ("[records]\nport = 'abc'\n", "records.port must be a whole number"),
    ("[records]\nprot = 1\n", "Unknown setting"),
    ("colour = 1\n", "Unknown setting"),
    ("[records\n", "not valid TOML"),
    ("[records]\nport = 70000\n", "between 0 and 65535"),
])
def test_bad_configuration_is_explained(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(config_file=path, env={})


def test_missing_file_is_explained(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(config_file=tmp_path / "nope.toml", env={})


def test_admin_on_an_unmigrated_database_says_what_to_do(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "services.cli", "admin", "--data", str(tmp_path), "create-team",
                             "Duty"], capture_output=True, text=True)
    assert result.returncode == 1 and "ics admin migrate" in result.stderr and "Traceback" not in result.stderr


def test_records_templates_dir_from_file_or_environment(tmp_path):
    assert load_config(data_dir=tmp_path, env={})["records"].templates_dir == ""  # shipped templates only
    path = tmp_path / "ics.toml"
    path.write_text('[records]\ntemplates_dir = "/etc/ics/templates"\n')
    assert load_config(config_file=path, env={})["records"].templates_dir == "/etc/ics/templates"
    cfg = load_config(config_file=path, env={"ICS_RECORDS_TEMPLATES_DIR": "/srv/council/templates"})
    assert cfg["records"].templates_dir == "/srv/council/templates"


def test_templates_dir_belongs_to_records_only(tmp_path):
    path = tmp_path / "ics.toml"
    path.write_text('[alerts]\ntemplates_dir = "/etc/ics/templates"\n')
    with pytest.raises(ConfigError, match="Unknown setting.*for alerts: templates_dir"):
        load_config(config_file=path, env={})
    assert load_config(data_dir=tmp_path, env={"ICS_IDENTITY_TEMPLATES_DIR": "/x"})["identity"].templates_dir == ""


def test_alert_email_is_off_unless_an_smtp_host_is_set(tmp_path):
    alerts = load_config(data_dir=tmp_path, env={})["alerts"]
    assert (alerts.smtp_host, alerts.smtp_port, alerts.smtp_starttls, alerts.notify_interval_seconds) == \
        ("", 25, False, 300)


def test_alert_email_settings_from_file_then_environment(tmp_path):
    path = tmp_path / "ics.toml"
    path.write_text('[alerts]\nsmtp_host = "smtp.council.example.org"\nsmtp_port = 587\n'
                    'smtp_from = "ics@example.org"\nsmtp_starttls = true\nsmtp_username = "ics"\n'
                    'smtp_password_file = "/etc/ics/smtp.password"\nnotify_interval_seconds = 60\n')
    alerts = load_config(config_file=path, env={})["alerts"]
    assert (alerts.smtp_host, alerts.smtp_port, alerts.smtp_from, alerts.smtp_starttls) == \
        ("smtp.council.example.org", 587, "ics@example.org", True)
    assert (alerts.smtp_username, alerts.smtp_password_file, alerts.notify_interval_seconds) == \
        ("ics", "/etc/ics/smtp.password", 60)
    alerts = load_config(config_file=path, env={"ICS_ALERTS_SMTP_STARTTLS": "false", "ICS_ALERTS_SMTP_PORT": "25",
                                                 "ICS_ALERTS_NOTIFY_INTERVAL_SECONDS": "0.5"})["alerts"]
    assert (alerts.smtp_starttls, alerts.smtp_port, alerts.notify_interval_seconds) == (False, 25, 0.5)


def test_alert_email_settings_belong_to_alerts_only(tmp_path):
    path = tmp_path / "ics.toml"
    path.write_text('[records]\nsmtp_host = "smtp.council.example.org"\n')
    with pytest.raises(ConfigError, match="Unknown setting.*for records: smtp_host"):
        load_config(config_file=path, env={})
    assert load_config(data_dir=tmp_path, env={"ICS_IDENTITY_SMTP_HOST": "x"})["identity"].smtp_host == ""


@pytest.mark.parametrize("text, message", [
    ('smtp_host = "smtp.example.org"\n', "smtp_from must be the address"),
    ('smtp_host = "smtp.example.org"\nsmtp_from = "not an address"\n', "smtp_from must be the address"),
    ('smtp_host = "smtp.example.org"\nsmtp_from = "ics@example.org"\nsmtp_port = 0\n',
     "smtp_port must be between 1 and 65535"),
    ('smtp_host = "smtp.example.org"\nsmtp_from = "ics@example.org"\nsmtp_port = "twenty-five"\n',
     "alerts.smtp_port must be a whole number"),
    ('smtp_host = "smtp.example.org"\nsmtp_from = "ics@example.org"\nsmtp_username = "ics"\n',
     "smtp_password_file is needed with smtp_username"),
    ('smtp_host = "smtp.example.org"\nsmtp_from = "ics@example.org"\nnotify_interval_seconds = 0\n',
     "notify_interval_seconds must be more than 0"),
])
def test_bad_alert_email_settings_are_explained(tmp_path, text, message):
    path = tmp_path / "ics.toml"
    path.write_text("[alerts]\n" + text)
    with pytest.raises(ConfigError, match=message):
        load_config(config_file=path, env={})


def test_a_misspelt_yes_or_no_is_refused_not_read_as_no():
    with pytest.raises(ConfigError, match="ICS_ALERTS_SMTP_STARTTLS|smtp_starttls.*true or false"):
        load_config(env={"ICS_ALERTS_SMTP_STARTTLS": "ture"})


def test_the_councils_closure_days_reach_the_calendar_and_a_bad_one_is_explained(tmp_path):
    from datetime import date

    from services.alerts.app import load_rule_set

    path = tmp_path / "ics.toml"
    path.write_text('[alerts]\nclosure_days = ["2026-12-24", "2026-12-31"]\n')
    rule_set = load_rule_set(load_config(config_file=path, env={}))
    assert rule_set.calendar.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 29)
    assert "2 council closure days" in rule_set.calendar.name
    path.write_text('[alerts]\nclosure_days = "2026-12-24, Christmas Eve"\n')
    with pytest.raises(ConfigError, match="'Christmas Eve' is not a date"):
        load_rule_set(load_config(config_file=path, env={}))
