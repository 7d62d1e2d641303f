"""The Data page says what it understood of an upload before anything is stored (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.pages import frame_with, open_data_page

UPLOAD = (
    b"Quarter,Team,Objective,Key Result,Target,Current,Reviewed\n"
    b"2026-Q1,Sales,Grow revenue,Close 20 deals,20,5,2026-02-01\n"
    b"2026-Q1,Sales,Grow revenue,Sign 3 partners,3,Blocked,2026-02-02\n"
    b"2026-Q1,Support,Happy customers,NPS above 50,50,40,2026-02-03\n"
)


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return open_data_page(tmp_path / "page.duckdb", monkeypatch)


def test_the_page_shows_what_was_understood_before_loading(page: AppTest) -> None:
    page.file_uploader(key="uploads").set_value(("okrs.csv", UPLOAD, "text/csv")).run()
    assert not page.exception
    assert "What was understood" in [h.value for h in page.subheader]
    markdown = "\n".join(str(m.value) for m in page.markdown)
    assert "**1 cycle, 2 objectives, 3 key results** — 5 to load, 1 set aside" in markdown
    assert "Grow revenue" in markdown and "Close 20 deals" in markdown  # a sample tree
    structure = frame_with(page, "team")
    assert structure.to_dict("records") == [
        {"cycle": "2026-Q1", "team": "Sales", "objectives": 1, "key results": 2},
        {"cycle": "2026-Q1", "team": "Support", "objectives": 1, "key results": 1},
    ]
    fields = frame_with(page, "field")
    fed = dict(zip(fields["field"], fields["column"], strict=True))
    assert fed["Key result: current value"] == "F (Current)"  # the field in words
    warnings = [str(w.value) for w in page.warning]
    assert any("looks like an OKR field" in w and r"Reviewed \(G, date\)" in w
               for w in warnings)  # unused, a date (markdown escaped)  # fmt: skip
    assert not page.button(key="load").disabled  # "Blocked" is set aside, not an error
