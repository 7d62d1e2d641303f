"""One hostile upload cannot take the server's memory: the Data page parses CSV, JSON and YAML
in a memory-capped child process (pipelines/read/text_child.py), reads them exactly as the
server itself would, and refuses in one line a file that needs more than the cap."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from dashboard import state_writes
from pipelines.ingest import read_sources
from pipelines.read import files as read_files_module
from pipelines.read import text_child
from pipelines.read.sources import Sources
from pipelines.settings import operator_settings, settings

HEADER = "Objective,Key result,Owner,Target,Current\n"


@pytest.fixture
def data_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The Data page's reading function with an empty cache, before and after."""
    monkeypatch.delenv("OKR_HEALTH_ISOLATE_TEXT", raising=False)
    state_writes.read_uploads.clear()
    yield
    state_writes.read_uploads.clear()


def upload(path: Path) -> Sources:
    """`path` read as the Data page reads an upload."""
    sources, _mapping, _file = state_writes.read_uploads(((path.name, path.read_bytes()),), None)
    return sources


def test_an_upload_needing_more_than_the_cap_is_one_line_refusal(
    data_page: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1.5 million tiny records (12 MB): within every limit checked before parsing once the
    # row limits are raised, but parsing them takes far more than the 450 MB allowed
    monkeypatch.setenv("OKR_HEALTH_PARSE_MEMORY_MB", "450")
    monkeypatch.setenv("OKR_HEALTH_MAX_ROWS", "100000000")
    monkeypatch.setenv("OKR_HEALTH_MAX_CELLS", "10000000000")
    path = tmp_path / "okrs.json"
    path.write_bytes(b"[" + b",".join([b'{"title":1}'] * 1_500_000) + b"]")
    sources = upload(path)
    assert sources.tables == []
    assert [p.file for p in sources.problems] == ["okrs.json"]
    message = sources.problems[0].message
    assert "needed more than the 450 MB of memory allowed" in message
    assert "OKR_HEALTH_PARSE_MEMORY_MB" in message
    assert "\n" not in message and "Traceback" not in message


def test_the_data_page_parses_uploads_outside_the_server_process(
    data_page: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every text reader is made to fail in this (the server's) process: the upload still
    reads, so it was parsed in another process; with isolation off it cannot."""

    def in_the_server(*_args: object) -> None:
        raise RuntimeError("parsed in the server process")

    for module in (read_files_module, text_child):
        for reader in ("read_csv_bytes", "read_json_bytes", "read_yaml_bytes"):
            monkeypatch.setattr(module, reader, in_the_server)
    csv = tmp_path / "okrs.csv"
    csv.write_text(HEADER + "Grow,Sign 10 clients,ann,10,4\nGrow,Ship v2,bob,1,1\n")
    yaml = tmp_path / "okrs.yaml"
    yaml.write_text("- objective: Grow\n  key_result: Sign 10 clients\n  owner: ann\n")
    for path, rows in ((csv, 2), (yaml, 1)):
        sources = upload(path)
        assert sources.problems == []
        assert [len(t.data) for t in sources.tables] == [rows]

    monkeypatch.setenv("OKR_HEALTH_ISOLATE_TEXT", "0")
    state_writes.read_uploads.clear()
    messages = [p.message for p in upload(csv).problems]
    assert messages == ["could not be read: parsed in the server process"]


def write_samples(folder: Path) -> list[Path]:
    """Text files of the kinds the Data page takes, each with something for the reader to
    say: a title row, Excel's `sep=` line, Windows-1252, a ragged row, unused collections,
    a zip archive holding a ragged CSV and a JSON document."""
    samples = {
        "titled.csv": ("Sales OKRs — As of 5 Oct 2026\n" + HEADER + "Grow,Sign,ann,10,4\n"),
        "excel.csv": "sep=;\nObjective;Key result;Owner\nGrow;Sign;ann\n",
        "ragged.csv": HEADER + "Grow,Sign,ann,10,4,oops\nGrow,Ship,bob,1,1\n",
        "blank lines.tsv": "Objective\tOwner\n\nGrow\tann\n\n\nShip\tbob\n",
        "doc.yaml": "okrs:\n  - title: Grow\n    owner: ann\n",
    }
    paths = []
    for name, text in samples.items():
        paths.append(folder / name)
        paths[-1].write_text(text, encoding="utf-8")
    paths.append(folder / "windows.csv")
    paths[-1].write_bytes("Objective,Owner\nCroître,Zoë\n".encode("cp1252"))
    okrs = [{"title": t, "owner": "ann"} for t in ("Grow", "Ship", "Hire")]
    document = {"okrs": okrs, "projects": [{"name": "x"}]}
    paths.append(folder / "two lists.json")
    paths[-1].write_text(json.dumps(document), encoding="utf-8")
    paths.append(folder / "bundle.zip")
    with zipfile.ZipFile(paths[-1], "w") as bundle:
        bundle.writestr("inner.csv", HEADER + "Grow,Sign,ann,10,4,extra\n")
        bundle.writestr("inner.json", json.dumps(okrs))
    return paths


def test_a_child_reads_every_kind_exactly_as_the_server_would(tmp_path: Path) -> None:
    files = [(p.name, p.read_bytes()) for p in write_samples(tmp_path)]
    apart = read_sources(files, None, replace(settings(), isolate_text=True))
    here = read_sources(files, None, replace(settings(), isolate_text=False))
    assert [str(p) for p in apart.problems] == [str(p) for p in here.problems]
    assert any("ragged.csv" in str(p) and "more values" in str(p) for p in apart.problems)
    assert any("bundle.zip/inner.csv" in str(p) and "more values" in str(p) for p in apart.problems)
    assert any("`projects` (1 records) was not used" in str(p) for p in apart.problems)
    assert apart.notes == here.notes
    assert apart.titles == here.titles == {"titled.csv": ["Sales OKRs — As of 5 Oct 2026"]}
    assert [t.label for t in apart.tables] == [t.label for t in here.tables]
    for mine, theirs in zip(apart.tables, here.tables, strict=True):
        assert mine.letters == theirs.letters
        assert mine.data.astype(str).to_dict() == theirs.data.astype(str).to_dict()
    windows = next(t for t in apart.tables if t.file == "windows.csv")
    assert windows.data.iloc[0].tolist() == ["Croître", "Zoë"]


def test_ingest_parses_in_its_own_process_unless_told() -> None:
    assert settings().isolate_text is True  # the Data page's settings
    assert operator_settings({}).isolate_text is False
    assert operator_settings({"OKR_HEALTH_INGEST_ISOLATE_TEXT": "1"}).isolate_text is True


def test_json_too_deep_is_refused_without_being_parsed(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 300_000 + b"]" * 300_000)  # the parser would recurse 300,000 deep
    sources = read_sources([(path.name, path.read_bytes())])
    assert [str(p) for p in sources.problems] == [
        "deep.json: nested more than 100 levels deep (line 1), over the limit "
        "(OKR_HEALTH_MAX_NESTING): OKR exports nest a few levels"
    ]
