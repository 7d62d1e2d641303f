"""The brief in both closing packs (exports/pack_brief.py): the first sheet of the workbook and
the first section of the HTML page, with the pack's unit and cycle, and links only where the
dashboard's address is known."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from exports import build_closing_pack, pack_to_html
from exports.excel import pack_to_xlsx_bytes
from pipelines.store.connection import open_store
from pipelines.store.dataset import read_dataset
from reporting.cache import load_or_compute


@pytest.fixture(scope="module")
def pack(demo_store: Path):
    report = load_or_compute(demo_store).report
    with open_store(demo_store, read_only=True) as conn:
        dataset = read_dataset(conn)
    return build_closing_pack(dataset, "2026-Q4", "engineering", report)


def test_the_workbook_opens_with_the_units_brief(pack):
    book = openpyxl.load_workbook(io.BytesIO(pack_to_xlsx_bytes(pack)))
    assert book.sheetnames[0] == "Brief"
    sheet = book["Brief"]
    rows = [str(c.value) for c in sheet["A"] if c.value is not None]
    assert rows[0] == "Brief: Engineering · Q4 2026"
    assert "Where it stands" in rows and "Needs attention" in rows
    assert any(r.startswith("The department Engineering has 22 objectives") for r in rows)
    assert any(r.startswith("• Make Data ready for ten times the traffic (") for r in rows)
    assert all(c.data_type == "s" for c in sheet["A"] if c.value is not None)  # never formulas


def test_the_html_page_opens_with_the_brief(pack, monkeypatch):
    monkeypatch.delenv("OKR_HEALTH_BASE_URL", raising=False)
    page = pack_to_html(pack)
    brief = page.index('<section id="brief"><h2>Brief</h2>')
    assert brief < page.index('<section id="summary">')
    assert "The department Engineering has 22 objectives in this cycle" in page
    assert 'href="objective?' not in page  # a relative link in a file leads nowhere
    monkeypatch.setenv("OKR_HEALTH_BASE_URL", "https://okr.acme.test")
    linked = pack_to_html(pack)
    assert 'href="https://okr.acme.test/objective?id=2026-Q4-engineering-data-o2&amp;' in linked
