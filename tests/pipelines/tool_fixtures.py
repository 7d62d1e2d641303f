"""Loading the tool fixtures of issue 13 (tests/fixtures/tools/<tool>/) into a store, and
reading back what a user would see: counts of active and archived rows, and scores."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from metrics.scores.scoring import score_all
from pipelines.ingest import IngestReport, ingest_paths
from pipelines.store.connection import open_store
from pipelines.store.dataset import Dataset, read_dataset

TOOLS = Path(__file__).resolve().parents[1] / "fixtures" / "tools"


def expected(tool: str) -> dict[str, Any]:
    return json.loads((TOOLS / tool / "expected.json").read_text(encoding="utf-8"))


@dataclass
class Loaded:
    report: IngestReport
    data: Dataset
    scores: pd.DataFrame  # one row per active key result: kr_id, title, score, …


def load_tool(tool: str, db: Path, file: str | None = None) -> Loaded:
    """Ingest a fixture's files (as its expected.json names them) into `db`."""
    oracle = expected(tool)
    files = [TOOLS / tool / f for f in ([file] if file else oracle["files"])]
    report = ingest_paths(files, db)
    assert report.ok, "\n".join(str(p) for p in report.problems)
    with open_store(db, read_only=True) as conn:
        data = read_dataset(conn)
    scores = score_all(data.objectives, data.key_results, data.check_ins).key_results
    return Loaded(report, data, scores)


def scores_by(scores: pd.DataFrame, key: str) -> dict[str, float | None]:
    """Scores keyed by `kr_id` or `title`, ungraded as None."""
    return {
        str(k): (None if pd.isna(v) else float(v))
        for k, v in zip(scores[key], scores["score"], strict=True)
    }
