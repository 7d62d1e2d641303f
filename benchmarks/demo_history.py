"""The demo company's dataset and health report, as `okr-health demo` stores them: what the
figures of docs/metrics.md ("Targets for next quarter", "Chance of landing") are computed on."""

from __future__ import annotations

import tempfile
from pathlib import Path

from demo_company.generate import generate_demo
from metrics.report import HealthReport, analyse
from pipelines.store.connection import open_store
from pipelines.store.dataset import Dataset, read_dataset
from pipelines.store.load import write_tables


def demo_report() -> tuple[Dataset, HealthReport]:
    """The demo written to a store in a temporary folder, read back and analysed."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        company = generate_demo()
        with open_store(db) as conn:
            write_tables(conn, company.tables, ["demo"], {"as_of": company.as_of.isoformat()})
        with open_store(db, read_only=True) as conn:
            dataset = read_dataset(conn)
    return dataset, analyse(dataset)
