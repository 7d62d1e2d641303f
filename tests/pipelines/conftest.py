"""The reader's own tests read text files in the test process.

The Data page's settings parse CSV, JSON and YAML in a child process (about a second each
to start pandas there): hundreds of reads here would spend minutes on that alone. What the
readers return is the same either way, which tests/security/test_security_upload_child.py
holds, with the child's memory cap and its refusal.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _text_read_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKR_HEALTH_ISOLATE_TEXT", "0")
