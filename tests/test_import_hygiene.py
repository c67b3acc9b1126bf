"""The client core and the line mode never load Textual or Rich (tui.md §2): a screen-reader
user's terminal must never see their escape sequences, and the core stays usable without them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_core_and_line_mode_import_neither_textual_nor_rich():
    code = (
        "import sys\n"
        "import tui.core.client, tui.core.drafts, tui.core.errors, tui.core.forms, tui.core.text\n"
        "import tui.core.reports, tui.core.report_cli\n"
        "import tui.line.main, tui.line.contact, tui.line.console, tui.line.walk\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"loaded: {result.stdout.strip()}"
