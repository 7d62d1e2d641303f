"""Zip exports and JSON files: read whole after the archive checks, or refused with the file
inside the archive named, and nothing written."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from pipelines.ingest import ingest_paths
from pipelines.read.archives import check_archive, flatten
from pipelines.read.sources import Document
from pipelines.settings import operator_settings
from pipelines.store.connection import open_store

VIVA = Path(__file__).parents[1] / "fixtures" / "tools" / "viva_goals_org_export"


def write_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def stored_rows(db: Path) -> int:
    if not db.exists():
        return 0
    with open_store(db, read_only=True) as conn:
        tables = ("objectives", "key_results", "check_ins")
        return sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)


def viva_entries() -> dict[str, bytes]:
    archive = zipfile.ZipFile(next(VIVA.glob("*.zip")))
    return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({f"f{i}.json": b"[]" for i in range(30)}, "the archive holds 30 files, over the limit"),
        ({"inner.zip": b"PK\x03\x04", "a.json": b"[]"}, "inner.zip: an archive inside"),
        ({"bomb.json": b"[" + b" " * (8 * 1024 * 1024) + b"]"}, "bomb.json: expands"),
    ],
    ids=["too-many-entries", "nested-zip", "ratio-bomb"],
)
def test_hostile_archive_is_refused_located_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entries: dict[str, bytes], message: str
):
    monkeypatch.setenv("OKR_HEALTH_MAX_ZIP_ENTRIES", "20")
    db = tmp_path / "okr.duckdb"
    first = ingest_paths([next(VIVA.glob("*.zip"))], db)
    assert first.ok
    before = stored_rows(db)
    hostile = write_zip(tmp_path / "Organization_CompleteData_1_2.zip", entries)
    report = ingest_paths([hostile], db)
    assert not report.ok and report.outcome == "rejected"
    texts = [str(p) for p in report.problems]
    assert any(t.startswith("Organization_CompleteData_1_2.zip") and message in t for t in texts), (
        texts
    )
    assert stored_rows(db) == before


def test_a_broken_record_is_located_by_file_in_archive_and_record(tmp_path: Path):
    entries = viva_entries()
    name = next(n for n in entries if n.startswith("objectives_"))
    records = json.loads(entries[name])
    records[1]["Title"] = ""  # record 2, an objective, without a title
    entries[name] = json.dumps(records).encode()
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([write_zip(tmp_path / "Organization_x.zip", entries)], db)
    assert not report.ok
    located = [str(p) for p in report.problems if p.is_error]
    assert any(t.startswith(f"Organization_x.zip/{name}:record 2:") for t in located), located
    assert stored_rows(db) == 0


def test_the_folder_of_the_exports_json_files_loads_like_the_zip(tmp_path: Path):
    folder = tmp_path / "export"
    folder.mkdir()
    for name, data in viva_entries().items():
        (folder / name).write_bytes(data)
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([folder], db)
    assert report.ok, [str(p) for p in report.problems]
    assert "Recognised as a Viva Goals organisation export" in report.headline
    assert report.rows["key_results"] == 11


def test_json_in_general_is_flattened_to_columns():
    document = Document(
        "goals.json",
        [{"ID": 1, "Outcome": {"Target": 5, "Unit": {"Name": "%"}},
          "Owner": [{"Name": "A"}, {"Name": "B"}], "Tags": ["x", "y"]}],
    )  # fmt: skip
    table = flatten(document)
    assert table.headers == ["ID", "Outcome.Target", "Outcome.Unit.Name", "Owner", "Tags"]
    assert table.data.loc[1, "Owner"] == "A; B"
    assert table.ref("Outcome.Target") == "field Outcome.Target"


def test_a_json_file_of_plain_objectives_loads(tmp_path: Path):
    records = [
        {"id": "O1", "title": "Grow", "cycle": "2026-Q1"},
        {"id": "O2", "title": "Keep", "cycle": "2026-Q1"},
    ]
    path = tmp_path / "objectives.json"
    path.write_text(json.dumps({"data": records}), encoding="utf-8")
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert report.ok, [str(p) for p in report.problems]
    assert report.rows["objectives"] == 2


def test_json_that_is_not_json_is_a_located_error_and_no_crash(tmp_path: Path):
    path = tmp_path / "goals.json"
    path.write_text('[{"id": 1,}]', encoding="utf-8")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert not report.ok
    assert str(report.problems[0]).startswith("goals.json: not valid JSON")
    assert "line 1, column 11" in str(report.problems[0])
    assert stored_rows(db) == 0


def test_a_damaged_zip_is_refused(tmp_path: Path):
    path = tmp_path / "export.zip"
    data = io.BytesIO()
    data.write(b"PK\x03\x04 this is not really a zip")
    path.write_bytes(data.getvalue())
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert not report.ok
    assert "export.zip: the archive is damaged" in str(report.problems[0])


def test_an_archive_over_the_command_lines_limit_names_the_command_lines_variable(
    tmp_path: Path,
) -> None:
    """`okr-health ingest` runs under the operator's limits: an archive too large for them
    names the variable that raises them there, as a workbook does."""
    archive = write_zip(tmp_path / "big.zip", {"a.json": b"[" + b"0," * 700_000 + b"0]"})
    limits = operator_settings({"OKR_HEALTH_INGEST_MAX_UNZIPPED_MB": "1"})
    (problem,) = check_archive("big.zip", archive.read_bytes(), limits)
    assert "over the limit of 1 MB (OKR_HEALTH_INGEST_MAX_UNZIPPED_MB)" in str(problem)
