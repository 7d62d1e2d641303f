"""What an import changed, found in the store, and the cached report updated from it.

Each cache entry keeps, beside the report, what the next update needs (`UPDATE_OBJECT`): a
fingerprint per objective (its row, its key results' rows and their check-ins known by the
as-of date, hashed by DuckDB where they sit), the strict links between objectives, the
per-key-result frames the report does not hold itself, and a digest of everything else an
update cannot follow (teams, cycles, settings but the as-of date, the config, the code).
When the store's content has no entry yet, `previous_entry` finds the newest entry with the
same digest, and `changed_objectives` names the objectives whose fingerprint differs:
`metrics.report_update` computes only those again (docs/performance.md, "The report
follows the import"). Updates are off unless `OKR_HEALTH_INCREMENTAL=1`: measured at M and
L4 they cost as much as a full computation or more (docs/performance.md), so the faster
path, the full computation, is the default.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from metrics.config import HealthConfig
from metrics.report import KeyResultFrames
from metrics.report_update import Previous, parent_objectives
from metrics.scores.bands import score_bands
from pipelines.store.dataset import Dataset
from reporting.cache_entries import MANIFEST
from reporting.cache_format import FORMAT, decode
from reporting.cache_key import code_fingerprint

log = logging.getLogger(__name__)

INCREMENTAL_VAR = "OKR_HEALTH_INCREMENTAL"
UPDATE_OBJECT = "update"  # the entry's object holding what the next update needs


def incremental_enabled() -> bool:
    """Whether a cache miss updates the entry before (`OKR_HEALTH_INCREMENTAL=1`) instead
    of computing the report whole (the default: see the module's docstring)."""
    return os.environ.get(INCREMENTAL_VAR, "0").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class StoreMarks:
    """The store's fingerprints at one as-of date: `base` (what an update cannot follow)
    and one fingerprint per objective."""

    base: str
    objectives: pd.DataFrame  # objective_id, fingerprint


def base_digest(conn: duckdb.DuckDBPyConnection, config: HealthConfig) -> str:
    """A digest of teams, cycles, the settings other than the as-of date, the config, the
    sweet spot and the code: when it differs, the report is computed whole."""
    cursor = conn.cursor()
    rows = cursor.execute(
        "SELECT 'teams', count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM teams t "
        "UNION ALL SELECT 'cycles', count(*), coalesce(sum(hash(c)::HUGEINT), 0)::VARCHAR "
        "FROM cycles c UNION ALL SELECT 'settings', count(*), "
        "coalesce(sum(hash(s)::HUGEINT), 0)::VARCHAR FROM settings s WHERE key <> 'as_of' "
        "ORDER BY 1"
    ).fetchall()
    parts = {
        "format": FORMAT,
        "tables": [list(r) for r in rows],
        "config": repr((config, score_bands())),
        "code": code_fingerprint(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def objective_fingerprints(conn: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """Per objective of the store: a fingerprint of its row, its key results' rows and the
    check-ins they had by the end of `as_of` (DuckDB's hash of each row, summed: the order
    rows were written in does not matter)."""
    day = as_of.isoformat()
    return (
        conn.cursor()
        .execute(
            f"""
            WITH ci AS (
                SELECT kr_id, count(*) AS n, sum(hash(c)::HUGEINT) AS h
                FROM check_ins AS c
                WHERE c.checked_at < DATE '{day}' + INTERVAL 1 DAY
                GROUP BY kr_id
            ), kr AS (
                SELECT k.objective_id, count(*) AS n,
                       sum(hash(k, coalesce(ci.h, 0), coalesce(ci.n, 0))::HUGEINT) AS h
                FROM key_results AS k LEFT JOIN ci USING (kr_id)
                GROUP BY k.objective_id
            )
            SELECT o.objective_id::VARCHAR AS objective_id,
                   concat(hash(o)::VARCHAR, ':', coalesce(kr.n, 0)::VARCHAR, ':',
                          coalesce(kr.h, 0)::VARCHAR) AS fingerprint
            FROM objectives AS o LEFT JOIN kr USING (objective_id)
            ORDER BY 1
            """
        )
        .df()
    )


def store_marks(conn: duckdb.DuckDBPyConnection, config: HealthConfig, as_of: date) -> StoreMarks:
    return StoreMarks(base_digest(conn, config), objective_fingerprints(conn, as_of))


def update_object(marks: StoreMarks, dataset: Dataset, rows: KeyResultFrames) -> dict[str, Any]:
    """What an entry keeps for the next update (the rest of `rows` is in its report)."""
    parents = parent_objectives(dataset.objectives, dataset.key_results)
    return {
        "base": marks.base,
        "fingerprints": marks.objectives,
        "parents": pd.DataFrame(
            {"objective_id": parents.index.astype(str), "parent": parents.to_numpy()}
        ),
        "features": rows.features,
        "kr_forecast": rows.kr_forecast,
    }


@dataclass(frozen=True)
class Found:
    """The newest earlier entry an update can start from, and what changed since."""

    key: str
    previous: Previous
    changed: set[str]


def previous_entry(folder: Path, key: str, marks: StoreMarks) -> Found | None:
    """The newest entry of `folder` other than `key` whose base digest equals `marks.base`,
    read back as a `Previous`, with the objectives whose fingerprint differs (new and
    removed ones included); None when there is none."""
    try:
        entries = sorted(
            (p for p in folder.iterdir() if p.name != key and (p / MANIFEST).is_file()),
            key=lambda p: (p / MANIFEST).stat().st_mtime,
            reverse=True,
        )
    except OSError:
        return None
    for entry in entries:
        try:
            head = json.loads((entry / MANIFEST).read_text())
            update = head.get("objects", {}).get(UPDATE_OBJECT, {}).get("dict", {})
            if update.get("base", {}).get("value") != marks.base:
                continue
            objects = _read_parts(entry, head)
        except Exception as exc:  # an entry that cannot be read is no starting point
            log.debug("report update: entry %s unreadable (%s)", entry.name[:12], exc)
            continue
        if objects is None:
            continue
        fields: dict[str, Any] = objects["report"]
        kept = objects[UPDATE_OBJECT]
        scores = fields["scores"]
        rows = KeyResultFrames(
            kr_scores=scores.key_results,
            objective_scores=scores.objectives,
            features=kept["features"],
            kr_forecast=kept["kr_forecast"],
            backtest=fields["forecast_backtest"],
            evidence=fields["evidence"],
        )
        links: pd.DataFrame = kept["parents"]
        parents = pd.Series(
            links["parent"].to_numpy(), index=links["objective_id"].astype(str), dtype="object"
        )
        previous = Previous(fields["calendar"], rows, fields["lint"], parents)
        changed = changed_objectives(kept["fingerprints"], marks.objectives)
        return Found(entry.name, previous, changed)
    return None


REPORT_FIELDS = ("calendar", "scores", "forecast_backtest", "evidence", "lint")


def _read_parts(entry: Path, manifest: dict[str, Any]) -> dict[str, Any] | None:
    """Of an entry, only what an update reads: the report's REPORT_FIELDS (not its other
    frames) and the update object."""
    if manifest.get("format") != FORMAT or manifest.get("key") != entry.name:
        return None
    tree = manifest["objects"]
    fields = tree["report"]["fields"]
    return {
        "report": {name: decode(entry, fields[name]) for name in REPORT_FIELDS},
        UPDATE_OBJECT: decode(entry, tree[UPDATE_OBJECT]),
    }


def changed_objectives(before: pd.DataFrame, now: pd.DataFrame) -> set[str]:
    """Objectives whose fingerprint differs between two marks, or that only one has."""
    a = pd.Series(before["fingerprint"].to_numpy(), index=before["objective_id"].astype(str))
    b = pd.Series(now["fingerprint"].to_numpy(), index=now["objective_id"].astype(str))
    ids = a.index.union(b.index)
    a, b = a.reindex(ids), b.reindex(ids)
    differs = (a.isna() | b.isna() | (a != b)).to_numpy()
    return {str(i) for i in ids[differs]}
