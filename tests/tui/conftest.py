"""Fixtures every Textual front-end test shares."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    """Drafts kept on this machine go to a folder of the test's own."""
    monkeypatch.setenv("ICS_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture
def duty(client_factory):
    """A second session for the duty worker, to look at the server directly. Starts each test
    with no contact drafts, so pressing n opens an empty form."""
    client = client_factory("duty")
    for draft in client.list_drafts("contact"):
        client.delete_draft(draft.name)
    return client
