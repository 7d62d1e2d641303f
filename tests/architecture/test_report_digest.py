"""The demo company's health report, frame by frame, as it was before the layout changed.

`tests/data/demo_report_digest.json` was taken at commit f6e675c (before `pipelines/` became
stage packages) with `report_digest` below; a refactoring that changes any number, column or
dtype of any frame fails here and names the frame. A change meant to alter the report
updates the file in the same commit, with the reason in its message.
"""

from __future__ import annotations

import json
from pathlib import Path

from metrics.report import analyse
from pipelines.store.connection import open_store
from pipelines.store.dataset import read_dataset
from reporting.digest import report_digest

DIGEST = Path(__file__).resolve().parents[1] / "data" / "demo_report_digest.json"


def test_demo_report_is_unchanged_frame_by_frame(demo_store: Path) -> None:
    with open_store(demo_store, read_only=True) as conn:
        report = analyse(read_dataset(conn))
    expected = json.loads(DIGEST.read_text())
    actual = report_digest(report)
    changed = sorted(k for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k))
    assert changed == []
