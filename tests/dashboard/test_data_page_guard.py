"""The Data page never destroys silently (AppTest): the downloadable template uploaded onto
the demo company would remove its 2026-Q1 objectives; the page says so first, names them,
and loads only once the person confirms; after a load it shows what was loaded."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.sections.import_template import template_bytes
from tests.support.ingest import history
from tests.support.pages import open_data_page

COUNTED = ("objectives", "key_results", "check_ins")
REMOVAL = "Remove 8 objectives, 24 key results and 299 check-ins"
# A new cycle for a stored team: nothing stored is removed or overwritten.
NEW_CYCLE = (
    b"Objective,Key Result,Quarter,Team,Start,Target,Current\n"
    b"Grow the partner channel,Sign 12 partners,2027-Q1,Sales,0,12,3\n"
)


def counts(db: Path) -> dict[str, int]:
    """Rows of the store's tables, read from the DuckDB file itself."""
    with duckdb.connect(str(db), read_only=True) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}


@pytest.fixture
def demo_copy(demo_store: Path, tmp_path: Path) -> Path:
    """A copy of the demo company's store that a test may write."""
    return Path(shutil.copy(demo_store, tmp_path / "demo.duckdb"))


@pytest.fixture
def page(demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return open_data_page(demo_copy, monkeypatch)


def upload_template(page: AppTest) -> None:
    """The template exactly as its download button gives it, uploaded back."""
    content = template_bytes()
    assert content is not None, "data/okr_template.xlsx is part of the repository"
    page.file_uploader(key="uploads").set_value(
        ("okr_template.xlsx", content, "application/vnd.ms-excel")
    ).run()
    assert not page.exception


def shown_in_order(page: AppTest) -> list[str]:
    """The main area's texts (headings, messages), top to bottom."""
    kinds = ("subheader", "error", "warning", "info", "success", "markdown", "caption")
    return [str(el.value) for el in page.main if getattr(el, "type", "") in kinds]


def test_the_template_onto_the_demo_says_what_it_removes_first_and_waits(
    page: AppTest, demo_copy: Path
) -> None:
    before = counts(demo_copy)
    upload_template(page)
    said = [s.replace("\\", "") for s in shown_in_order(page)]  # (markdown escapes)
    first = next(i for i, s in enumerate(said) if "Loading would remove" in s)
    assert first < said.index("Column mapping"), said[:5]  # at the top, before the mapping
    warning = said[first]
    assert (
        "Loading would remove 8 objectives, 24 key results and 299 check-ins already in the "
        "store." in warning
    )
    assert "Cycle 2026-Q1: remove 8 objectives, 24 key results and 299 check-ins." in warning
    assert (
        "Objectives removed: “Delight customers at every touchpoint”, “Grow profitably into new "
        "markets”, “Keep the customers we have”, “Make Acme a great place to do your best "
        "work”, “Make expert help profitable” and 3 more." in warning
    )
    box = page.checkbox(key=f"confirm_load:{REMOVAL}")
    assert box.label == REMOVAL and box.value is False
    assert page.button(key="load").disabled

    page.date_input(key="as_of").set_value(date(2026, 3, 31)).run()  # anything but confirming
    assert not page.exception
    assert page.button(key="load").disabled
    assert counts(demo_copy) == before
    assert history(demo_copy)["outcome"].tolist() == ["loaded"]  # the demo's own load only


def test_confirmed_the_template_loads_and_the_page_shows_what_was_loaded(
    page: AppTest, demo_copy: Path
) -> None:
    before = counts(demo_copy)
    upload_template(page)
    page.checkbox(key=f"confirm_load:{REMOVAL}").check().run()
    assert not page.button(key="load").disabled
    page.button(key="load").click().run()
    assert not page.exception
    assert counts(demo_copy) == {
        "objectives": before["objectives"] - 8 + 3,
        "key_results": before["key_results"] - 24 + 8,
        "check_ins": before["check_ins"] - 299 + 14,
    }
    for shown in (page, page.run()):  # as loaded, and on any later run with the same file
        assert not shown.exception
        headings = [h.value for h in shown.subheader]
        assert "Loaded" in headings and "Column mapping" not in headings  # no stale preview
        assert not [b for b in shown.button if b.key == "load"]  # no Load until a new file
        assert not [c for c in shown.checkbox if c.key.startswith("confirm_load")]
        version = int(history(demo_copy)["import_id"].max())
        success = [str(s.value).replace("\\", "") for s in shown.success]
        assert any(
            f"Loaded as version #{version}: 1 cycle, 3 teams, 3 objectives, 8 key results, "
            "14 check-ins." in s
            for s in success
        ), success
        per_cycle = next(d.value for d in shown.dataframe if "check-ins" in d.value.columns)
        assert per_cycle.to_dict("records") == [
            {"cycle": "2026-Q1", "objectives": 3, "key results": 8, "check-ins": 14}
        ]
        captions = " ".join(str(c.value) for c in shown.caption)
        assert f"Undo import #{version}" in captions and f"okr-health undo {version}" in captions


def test_a_load_that_only_adds_needs_no_confirmation(page: AppTest, demo_copy: Path) -> None:
    before = counts(demo_copy)
    page.file_uploader(key="uploads").set_value(("partners.csv", NEW_CYCLE, "text/csv")).run()
    assert not page.exception
    assert not [c for c in page.checkbox if c.key.startswith("confirm_load")]
    assert not any("Loading would" in str(e.value) for e in page.error)
    page.button(key="load").click().run()  # one click
    assert not page.exception
    assert counts(demo_copy) == {
        "objectives": before["objectives"] + 1,
        "key_results": before["key_results"] + 1,
        "check_ins": before["check_ins"] + 1,  # its current value, the first check-in
    }


def test_the_mapping_choices_read_as_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = open_data_page(tmp_path / "empty.duckdb", monkeypatch)
    page.file_uploader(key="uploads").set_value(("partners.csv", NEW_CYCLE, "text/csv")).run()
    assert not page.exception
    labels = [s.label.replace("\\", "") for s in page.selectbox if s.key.startswith("map:")]
    assert "Objective: parent key result" in labels
    assert "Key result: title *" in labels and "Check-in: date" in labels
    assert not [label for label in labels if "_" in label or "." in label], labels
    fields = next(d.value for d in page.dataframe if "field" in d.value.columns)
    assert "Objective: title" in fields["field"].tolist()


def test_dated_today_is_said_only_when_no_date_is_known(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dated = "Changed values will be dated today, the day of the import."
    page = open_data_page(tmp_path / "empty.duckdb", monkeypatch)
    page.file_uploader(key="uploads").set_value(("partners.csv", NEW_CYCLE, "text/csv")).run()
    assert dated in [c.value for c in page.caption]  # no date anywhere: today
    named = ("partners 2027-01-15.csv", NEW_CYCLE, "text/csv")  # a date in the file's name
    page.file_uploader(key="uploads").set_value(named).run()
    assert not page.exception
    assert dated not in [c.value for c in page.caption]
    rows = NEW_CYCLE.replace(b"Current\n", b"Current,Last updated\n").replace(
        b",3\n", b",3,2027-01-20\n"
    )  # each value dated by its row
    page.file_uploader(key="uploads").set_value(("partners.csv", rows, "text/csv")).run()
    assert not page.exception
    assert dated not in [c.value for c in page.caption]
