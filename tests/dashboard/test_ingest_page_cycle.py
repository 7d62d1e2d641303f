"""The Data page's cycle field (AppTest): shown only when the files name no cycle, defaulting
to the guess; what the person types is the cycle loaded into."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.map.cycles import quarter_of
from tests.support.ingest import store_tables
from tests.support.pages import open_data_page

NO_CYCLE = b"Objective,Key Result,Start,Target,Current\nGrow revenue,Reach 10 customers,0,10,5\n"


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return open_data_page(tmp_path / "page.duckdb", monkeypatch)


def test_a_file_naming_no_cycle_shows_the_guess_and_loads_the_cycle_typed(
    page: AppTest, tmp_path: Path
) -> None:
    page.file_uploader(key="uploads").set_value(("okrs.csv", NO_CYCLE, "text/csv")).run()
    assert not page.exception
    guess = quarter_of(date.today())
    field = page.text_input(key="import_cycle")
    assert field.value == guess
    shown = [str(i.value).replace("\\", "") for i in page.info]  # (markdown escapes)
    assert any(f"no cycle found in the file: loaded into {guess}" in str(s) for s in shown)
    field.set_value("2026-Q1").run()
    assert not page.exception
    page.button(key="load").click().run()
    assert not page.exception
    tables = store_tables(tmp_path / "page.duckdb")
    assert tables["objectives"]["cycle_id"].tolist() == ["2026-Q1"]
    assert tables["cycles"]["cycle_id"].tolist() == ["2026-Q1"]


def test_a_file_naming_its_cycle_shows_no_cycle_field(page: AppTest) -> None:
    body = b"Quarter," + NO_CYCLE.replace(b"\nGrow", b"\n2025-Q3,Grow")
    page.file_uploader(key="uploads").set_value(("okrs.csv", body, "text/csv")).run()
    assert not page.exception
    assert not [t for t in page.text_input if t.key == "import_cycle"]


def test_the_guess_is_the_quarter_of_the_date_in_the_file_name(page: AppTest) -> None:
    upload = ("okrs 2025-08-14.csv", NO_CYCLE, "text/csv")
    page.file_uploader(key="uploads").set_value(upload).run()
    assert not page.exception
    assert page.text_input(key="import_cycle").value == "2025-Q3"
