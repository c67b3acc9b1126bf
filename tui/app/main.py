"""`ics tui` and `ics demo` start the Textual front end here."""

from __future__ import annotations

from tui.app.app import IcsApp
from tui.core.client import Targets


def run(targets: Targets, large: bool = False) -> int:
    app = IcsApp(targets, large=large)
    try:
        app.run()
    finally:
        app.client.close()
    return app.return_code or 0
