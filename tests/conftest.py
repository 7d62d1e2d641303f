"""Shared fixtures: a small hand-built store with known scores, and the demo store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.support.stores import small_company, write_store


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "small.duckdb", small_company(), as_of=date(2026, 3, 31))


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company in a store, built once per test session (treat as read-only)."""
    from demo_company.generate import generate_demo

    company = generate_demo()
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    return write_store(path, company.tables, as_of=company.as_of, source="demo company")
