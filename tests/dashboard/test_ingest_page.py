"""The Data page where it runs (AppTest): upload → mapping → validation → load → history."""

from __future__ import annotations

import io
import json
import tomllib
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.ingest import CANONICAL_SHEETS, history, kr_scores, store_tables, write_xlsx
from tests.support.pages import frame_with, open_data_page

EXPORT = (
    b"Goal,Metric name,Quarter,Owner,Baseline,Target,Now,Internal ref\n"
    b"Grow revenue,Revenue 100 to 110,2025-Q3,Ann,100,110,106,A-1\n"
    b"Grow revenue,Deals 10 to 20,2025-Q3,Bob,10,20,15,A-2\n"
)
FIELD = "map:export.csv:flat:{}"


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return open_data_page(tmp_path / "page.duckdb", monkeypatch)


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("error", "warning", "success", "info") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def test_upload_map_validate_and_load(page: AppTest, tmp_path: Path) -> None:
    page.file_uploader(key="uploads").set_value(("export.csv", EXPORT, "text/csv")).run()
    assert not page.exception
    assert page.selectbox(key="role:export.csv").value == "flat"
    # "Metric name" is no synonym: the key-result title is unmapped, and that is an error.
    assert page.selectbox(key=FIELD.format("key_results.title")).value == "—"
    assert page.selectbox(key=FIELD.format("key_results.current_value")).value == "—"
    assert (
        "missing required column title (key_results.title)"
        in frame_with(page, "problem")["problem"].tolist()
    )
    assert page.button(key="load").disabled

    page.selectbox(key=FIELD.format("key_results.title")).set_value("Metric name").run()
    page.selectbox(key=FIELD.format("key_results.current_value")).set_value("Now").run()
    assert not page.exception
    assert "Ready to load: 1 cycle, 1 objective, 2 key results." in texts(page)
    assert any("`export.csv: Internal ref`" in m.value for m in page.markdown)

    mapping = tomllib.loads(page.code[0].value)  # what "Download this mapping" gives
    assert mapping["key_results"]["title"] == "Metric name"
    assert mapping["key_results"]["current_value"] == "Now"
    assert mapping["objectives"]["file"] == "export.csv"

    page.button(key="load").click().run()
    assert not page.exception
    db = tmp_path / "page.duckdb"
    krs = store_tables(db)["key_results"].set_index("title")
    assert krs.loc[
        "Deals 10 to 20", ["owner", "start_value", "target_value", "current_value"]
    ].tolist() == ["Bob", 10.0, 20.0, 15.0]
    assert sorted(kr_scores(db).values()) == pytest.approx([0.5, 0.6])
    said = texts(page).replace("\\", "").replace("\u2060", "")  # shown as text, never markup
    assert "Last load — loaded: 1 cycle, 1 objective, 2 key results" in said
    assert history(db)["outcome"].tolist() == ["loaded"]
    words = [m.value.replace("\\", "") for m in page.markdown]  # (markdown escapes)
    shown = [w for w in words if "export.csv: loaded" in w]
    assert shown and "export.csv: loaded (added: 1 cycle" in shown[0]
    assert "2 key results" in shown[0] and "2 check-ins recorded" in shown[0]
    page.button(key="undo").click().run()  # behind the same access rules as loading
    assert not page.exception
    assert store_tables(db)["key_results"].empty
    assert history(db)["outcome"].tolist() == ["undo", "loaded"]


def test_a_file_with_errors_cannot_be_loaded(page: AppTest, tmp_path: Path) -> None:
    sheets = {k: [list(r) for r in v] for k, v in CANONICAL_SHEETS.items()}
    sheets["KeyResults"][2][0] = "K1"  # a duplicate id (a cell that is not a number is set
    content = write_xlsx(tmp_path / "okrs.xlsx", sheets).read_bytes()  # aside: issue 21)
    page.file_uploader(key="uploads").set_value(("okrs.xlsx", content, "application/xlsx")).run()
    problems = frame_with(page, "problem")
    assert problems[["where", "problem"]].values.tolist() == [
        ["okrs.xlsx:KeyResults:3:A (kr_id)", 'duplicate kr_id "K1" (first on row 2)']
    ]
    assert page.button(key="load").disabled
    assert not (tmp_path / "page.duckdb").exists()


def test_a_viva_goals_export_zip_is_recognised_and_loads(page: AppTest, tmp_path: Path) -> None:
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "tools" / "viva_goals_org_export"
    archive = next(fixture.glob("*.zip"))
    page.file_uploader(key="uploads").set_value(
        (archive.name, archive.read_bytes(), "application/zip")
    ).run()
    assert not page.exception
    shown = texts(page).replace("\\", "")  # Markdown escapes, as the reader does not see them
    assert "Recognised as a Viva Goals organisation export" in shown
    assert "2 projects not scored (not key results)" in shown
    assert "Ready to load: 4 cycles, 6 teams, 5 objectives, 11 key results, 22 check-ins." in shown
    page.button(key="load").click().run()
    assert not page.exception
    db = tmp_path / "page.duckdb"
    assert history(db)["outcome"].tolist() == ["loaded"]
    assert kr_scores(db)["4200213"] == pytest.approx(1.0)  # Stay Below, on the right side


def test_a_broken_zip_record_is_shown_located_on_the_page(page: AppTest) -> None:
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "tools" / "viva_goals_org_export"
    source = zipfile.ZipFile(next(fixture.glob("*.zip")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name.startswith("objectives_"):
                records = json.loads(data)
                for record in records[1:4]:
                    record["Title"] = ""  # the same problem on three records: grouped by 13a
                data = json.dumps(records).encode()
            target.writestr(name, data)
    upload = ("Organization_x.zip", out.getvalue(), "application/zip")
    page.file_uploader(key="uploads").set_value(upload).run()
    assert not page.exception
    assert "Recognised as a Viva Goals organisation export" in texts(page)
    problems = frame_with(page, "problem")
    located = problems[problems["severity"] == "error"]["where"].tolist()
    assert any(w.startswith("Organization_x.zip/objectives_export_file_") for w in located), located
    assert page.button(key="load").disabled


def test_loading_shows_each_stage_in_a_status_box(page: AppTest) -> None:
    page.file_uploader(key="uploads").set_value(("export.csv", EXPORT, "text/csv")).run()
    page.selectbox(key=FIELD.format("key_results.title")).set_value("Metric name").run()
    page.selectbox(key=FIELD.format("key_results.current_value")).set_value("Now").run()
    page.button(key="load").click().run()
    assert not page.exception
    (status,) = page.status
    assert status.label == "Loaded: 1 cycle, 1 objective, 2 key results"
    assert status.state == "complete"
    said = [m.value for m in status.markdown]
    assert [s.split("**")[1] for s in said] == ["read", "check", "load", "compute the report"]
    assert said[0].endswith("1 file read")
    (bar,) = status.get("progress")
    assert bar.value == 100 and bar.proto.text == "done"


def test_import_history_reads_in_words(page: AppTest) -> None:
    page.file_uploader(key="uploads").set_value(("export.csv", EXPORT, "text/csv")).run()
    page.selectbox(key=FIELD.format("key_results.title")).set_value("Metric name").run()
    page.selectbox(key=FIELD.format("key_results.current_value")).set_value("Now").run()
    page.button(key="load").click().run()
    shown = "\n".join(m.value for m in page.markdown).replace("\\", "")
    line = next(t for t in shown.splitlines() if "export.csv: loaded" in t)
    assert "#1" in line and "added: 1 cycle, 1 objective, 2 key results" in line, line
    assert "{" not in line and "hash" not in line


def test_the_values_as_of_field_takes_the_date_a_title_row_states(page: AppTest) -> None:
    titled = b"Sales OKRs - As of 5 Oct 2026\n\n" + EXPORT
    page.file_uploader(key="uploads").set_value(("export.csv", titled, "text/csv")).run()
    page.selectbox(key=FIELD.format("key_results.title")).set_value("Metric name").run()
    page.selectbox(key=FIELD.format("key_results.current_value")).set_value("Now").run()
    assert not page.exception
    assert str(page.date_input(key="as_of").value) == "2026-10-05"
    page.button(key="load").click().run()
    shown = "\n".join(m.value for m in page.markdown).replace("\\", "")
    assert "2 check-ins recorded dated 05 Oct 2026" in shown, shown
