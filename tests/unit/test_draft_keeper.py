"""DraftKeeper keeps typing whatever happens to the local file or to a save in flight."""

from __future__ import annotations

from types import SimpleNamespace

from ics.records.v1 import records_pb2 as pb
from tui.core.drafts import DraftKeeper


class SlowServer:
    """Stands in for the records service: the worker types while a save is on its way."""

    def __init__(self, keeper_ref):
        self.keeper_ref = keeper_ref
        self.session = SimpleNamespace(user=SimpleNamespace(username="duty"))

    def save_draft(self, draft, request_id=""):
        self.keeper_ref[0].set("reason", "typed during the save")
        return pb.Draft(name="drafts/1", etag="2", kind=draft.kind, fields=draft.fields)


def test_typing_during_a_save_stays_unsaved(tmp_path):
    ref = []
    keeper = DraftKeeper(SlowServer(ref), "contact", tmp_path)
    ref.append(keeper)
    keeper.set("reason", "first words")
    assert keeper.flush("Contact") is True
    assert keeper.dirty and keeper.fields["reason"] == "typed during the save"


def test_an_unwritable_local_file_never_stops_typing(tmp_path):
    blocked = tmp_path / "state"
    blocked.write_text("a file where the folder should be")
    keeper = DraftKeeper(SlowServer([]), "contact", blocked)
    keeper.set("reason", "still here")
    assert keeper.fields["reason"] == "still here" and keeper.dirty
    assert keeper.local_error
