"""Typed work is never lost: every change is written to a local file at once, and saved to the
server as a draft whenever the front end flushes (on a short timer, on leaving the form, on
SIGHUP). After a dropped link, a crash or an expired session, the worker logs in again and
resumes from whichever copy is newer."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ics.records.v1 import records_pb2 as pb
from tui.core.client import IcsClient
from tui.core.errors import ServiceError


def default_state_dir() -> Path:
    base = os.environ.get("ICS_STATE_DIR") or os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "ics"


@dataclass
class DraftKeeper:
    client: IcsClient
    kind: str
    state_dir: Path = field(default_factory=default_state_dir)
    fields: dict[str, str] = field(default_factory=dict)
    name: str = ""
    etag: str = ""
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    dirty: bool = False
    saved_at: float = 0.0
    last_error: str = ""
    local_error: str = ""  # why the local copy could not be written just now, if it could not
    # Counts changes, so a save that ran while the worker kept typing does not mark the newer
    # typing as saved. The lock keeps the front end's thread and a save worker from writing
    # the local file at the same moment.
    edits: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    # One save at a time: the form's autosave and another flush (an idle lock, a hangup) could
    # otherwise send the same etag twice, and the loser would save a second copy of the draft.
    _saving: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def local_path(self) -> Path:
        user = self.client.session.user.username if self.client.session.user else "anonymous"
        return self.state_dir / "drafts" / user / f"{self.kind}.json"

    def set(self, key: str, value: str) -> None:
        if self.fields.get(key, "") == value:
            return
        self.fields[key] = value
        self.dirty = True
        self.edits += 1
        self._write_local()

    def _write_local(self) -> None:
        # Typing never stops because a file could not be written: the value is in memory, the
        # next change writes the file again, and front ends can show `local_error`.
        with self._lock:
            path = self.local_path
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            try:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                tmp.write_text(json.dumps({"name": self.name, "etag": self.etag, "request_id": self.request_id,
                                           "fields": dict(self.fields), "written_at": time.time(),
                                           "dirty": self.dirty}))
                os.chmod(tmp, 0o600)
                tmp.replace(path)
            except OSError as exc:
                self.local_error = f"{exc.strerror or exc} ({path})"
            else:
                self.local_error = ""

    def flush(self, title: str = "") -> bool:
        """Saves to the server if anything changed. False means it is kept locally only for now."""
        with self._saving:
            return self._flush(title)

    def _flush(self, title: str) -> bool:
        if not self.dirty:
            return True
        snapshot = self.edits
        draft = pb.Draft(name=self.name, kind=self.kind, fields=dict(self.fields), etag=self.etag, title=title)
        try:
            saved = self.client.save_draft(draft, request_id=self.request_id)
        except ServiceError as exc:
            if exc.code == "ABORTED":  # changed elsewhere: keep both by saving ours as a new draft
                self.name, self.etag, self.request_id = "", "", str(uuid.uuid4())
            self.last_error = exc.message
            return False
        self.name, self.etag = saved.name, saved.etag
        self.dirty = self.edits != snapshot  # typing that arrived during the save is not on the server yet
        self.saved_at = time.time()
        self.last_error = ""
        self._write_local()
        return True

    def discard(self) -> None:
        """After the record is saved (records deletes the server draft in the same transaction)."""
        self.fields = {}
        self.name = self.etag = ""
        self.dirty = False
        self.local_path.unlink(missing_ok=True)

    @classmethod
    def resume(cls, client: IcsClient, kind: str, state_dir: Path | None = None) -> "DraftKeeper":
        """The newest unfinished work of this kind: the local copy if it holds unsaved typing,
        otherwise the newest server draft; empty if there is none."""
        keeper = cls(client, kind, state_dir or default_state_dir())
        local = None
        if keeper.local_path.is_file():
            try:
                local = json.loads(keeper.local_path.read_text())
            except (OSError, ValueError):
                local = None
        if local and local.get("fields") and local.get("dirty"):
            keeper.fields = dict(local["fields"])
            keeper.name, keeper.etag = local.get("name", ""), local.get("etag", "")
            keeper.request_id = local.get("request_id") or keeper.request_id
            keeper.dirty = True
            return keeper
        try:
            server = client.list_drafts(kind)
        except ServiceError:
            server = []
        if server:
            newest = server[0]
            keeper.fields = dict(newest.fields)
            keeper.name, keeper.etag = newest.name, newest.etag
        elif local and local.get("fields"):
            keeper.fields = dict(local["fields"])
        return keeper
