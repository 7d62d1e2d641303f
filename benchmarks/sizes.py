"""Synthetic companies at named sizes, written once as canonical CSV folders (and a flat XLSX
sheet) under `benchmarks/data/`, keyed by size and seed.

    python -m benchmarks.sizes --size M [--seed 7]     # build (or reuse) one size

| size | what | key results | check-ins |
|---|---|---|---|
| T  | tiny: 8 teams, 2 quarters (the smoke test) | ~250 | ~1.5k |
| S  | the demo company: 32 teams, 4 quarters | ~1.6k | ~19k |
| M  | 2,000 teams, 4 quarters | ~100k | ~1.2M |
| L2 | 25,000 owners with individual OKRs, one quarter | ~225k | ~2.9M |
| L  | 100,000 owners with individual OKRs, one quarter | ~900k | ~11.7M |

T, S and M come straight from `demo_company.generate.generate_company`. L2 and L would take
generate_company minutes and gigabytes (its organisation and objective stages loop in Python
per unit), so they tile a generated base company of individual OKRs: departments and the
company are kept once, every team below them (with its people, objectives, key results and
check-ins) is repeated with suffixed ids, and owners are renumbered onto the wanted number of
people. The rows are the generator's, so every kind of key result, grade and gap is there in
the same proportions; the tiling is vectorised (numpy repeats and Arrow string joins).

CSV files are written by DuckDB's COPY (the canonical columns, ISO dates and timestamps, as
`pipelines.write.workbook.write_canonical_csv_folder` writes them, minutes instead of hours at L).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypedDict, Unpack

import duckdb
import numpy as np
import pandas as pd

from demo_company.generate import DEMO_SEED, generate_company
from pipelines.store import schema

DATA_DIR = Path(__file__).resolve().parent / "data"
GENERATOR_VERSION = 1  # bump when the files a size produces change
TILE_AS_OF = date(2026, 12, 24)  # the 13th weekly check-in of Q4 2026 (first on Thu 1 Oct)
FLAT_HEADERS = ["Quarter", "Team", "Objective", "Key Result", "Owner", "Start", "Target", "Current"]
FLAT_ROWS = 100_000
Tables = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Size:
    name: str
    description: str
    build: Callable[[int], tuple[Tables, date]]
    flat_xlsx: bool = False  # also write the flat sheet (one row per key result)


@dataclass(frozen=True)
class Files:
    """The files of one size, as written (see `ensure`)."""

    size: str
    folder: Path
    csv_folder: Path
    xlsx: Path | None
    manifest: dict[str, Any]  # as json.load gives it

    @property
    def check_ins_csv(self) -> Path:
        return self.csv_folder / f"{schema.CHECK_INS.sheet}.csv"

    @property
    def rows(self) -> dict[str, int]:
        rows: dict[str, int] = self.manifest["rows"]
        return rows

    @property
    def total_rows(self) -> int:
        return int(sum(self.rows.values()))


class _Sizes(TypedDict, total=False):
    """The sizes `generate_company` takes."""

    n_departments: int
    n_teams: int
    n_cycles: int


def _company(**sizes: Unpack[_Sizes]) -> Callable[[int], tuple[Tables, date]]:
    def build(seed: int) -> tuple[Tables, date]:
        company = generate_company(seed=seed, **sizes)
        return company.tables, company.as_of

    return build


def _suffix(ids: pd.Series, replicas: int, mask: np.ndarray | None = None) -> pd.Series:
    """`ids` repeated `replicas` times; copy r > 0 gets `~r` appended (where `mask`)."""
    n = len(ids)
    tiled = pd.Series(np.tile(ids.to_numpy(dtype=object), replicas), dtype="str")
    tags = np.repeat(np.array([""] + [f"~{r}" for r in range(1, replicas)], dtype=object), n)
    if mask is not None:
        tags = np.where(np.tile(mask, replicas), tags, "")
    return (tiled + pd.Series(tags, dtype="str")).where(tiled.notna())


def _renumber_owners(names: list[pd.Series], owners: int) -> list[pd.Series]:
    """People as `owners` distinct names: the k-th distinct name (copies of a person are
    distinct, `Ann Lee~3`) becomes person k % owners."""
    codes, uniques = pd.factorize(pd.concat(names, ignore_index=True))
    labels = pd.Series(uniques, dtype="str")
    renamed = labels.iloc[np.arange(len(uniques)) % owners].to_numpy()
    # np.array(None) is what np.where makes of a bare None (numpy's stubs take no None).
    picked = np.where(codes >= 0, renamed[np.maximum(codes, 0)], np.array(None))
    out = pd.Series(picked, dtype="str")
    pieces, start = [], 0
    for series in names:
        pieces.append(out.iloc[start : start + len(series)].reset_index(drop=True))
        start += len(series)
    return pieces


def tile_company(base: Tables, replicas: int, owners: int) -> Tables:
    """The base company with every team below the departments repeated `replicas` times
    (ids, team names and people of copy r > 0 suffixed `~r`), people renumbered onto
    `owners` distinct names."""
    teams, objectives = base["teams"], base["objectives"]
    krs, check_ins = base["key_results"], base["check_ins"]
    shared_teams = teams["level"].isin(["company", "department"]).to_numpy()
    team_ids = set(teams.loc[~shared_teams, "team_id"])
    rep_obj = objectives["team_id"].isin(team_ids).to_numpy()
    obj_ids = set(objectives.loc[rep_obj, "objective_id"])
    rep_kr = krs["objective_id"].isin(obj_ids).to_numpy()
    kr_ids = set(krs.loc[rep_kr, "kr_id"])
    rep_ci = check_ins["kr_id"].isin(kr_ids).to_numpy()

    def tiled(
        frame: pd.DataFrame, rep: np.ndarray, columns: dict[str, set[str] | None]
    ) -> pd.DataFrame:
        part = frame[rep].reset_index(drop=True)
        out = pd.DataFrame(
            {c: np.tile(part[c].to_numpy(), replicas) for c in part.columns if c not in columns}
        )
        for column, own_ids in columns.items():
            values = part[column]
            mask = None if own_ids is None else values.isin(own_ids).to_numpy()
            out[column] = _suffix(values, replicas, mask)
        out = out[frame.columns]
        return pd.concat([frame[~rep], out], ignore_index=True)

    teams_out = tiled(
        teams, ~shared_teams, {"team_id": None, "parent_team_id": team_ids, "name": None}
    )
    objectives_out = tiled(
        objectives,
        rep_obj,
        {"objective_id": None, "team_id": team_ids, "parent_objective_id": obj_ids,
         "parent_kr_id": kr_ids, "owner": None},
    )  # fmt: skip
    krs_out = tiled(krs, rep_kr, {"kr_id": None, "objective_id": obj_ids, "owner": None})
    check_ins_out = tiled(check_ins, rep_ci, {"kr_id": None, "author": None})
    person = teams_out["level"] == "individual"
    renamed = _renumber_owners(
        [objectives_out["owner"], krs_out["owner"], check_ins_out["author"],
         teams_out.loc[person, "name"]],
        owners,
    )  # fmt: skip
    objectives_out["owner"], krs_out["owner"], check_ins_out["author"] = renamed[:3]
    teams_out.loc[person, "name"] = renamed[3].to_numpy()
    return {
        "cycles": base["cycles"],
        "teams": teams_out,
        "objectives": objectives_out,
        "key_results": krs_out,
        "check_ins": check_ins_out,
    }


def _tiled(owners: int, key_results: int) -> Callable[[int], tuple[Tables, date]]:
    """A one-quarter company of individual OKRs with about `key_results` key results."""

    def build(seed: int) -> tuple[Tables, date]:
        base = generate_company(
            n_departments=12, n_teams=700, n_cycles=1, seed=seed, individual_okrs=True,
            as_of=TILE_AS_OF,
        )  # fmt: skip
        tables = base.tables
        shared = tables["objectives"]["level"].isin(["company", "department"])
        per_copy = len(tables["key_results"]) - int(
            tables["key_results"]["objective_id"]
            .isin(tables["objectives"].loc[shared, "objective_id"])
            .sum()
        )
        replicas = max(1, math.ceil(key_results / per_copy))
        return tile_company(tables, replicas, owners), base.as_of

    return build


SIZES: dict[str, Size] = {
    s.name: s
    for s in (
        Size("T", "tiny: 8 teams, 2 quarters", _company(n_departments=2, n_teams=8, n_cycles=2),
             flat_xlsx=True),
        Size("S", "the demo company: 32 teams, 4 quarters", _company()),
        Size("M", "2,000 teams, 4 quarters", _company(n_departments=12, n_teams=2000),
             flat_xlsx=True),
        Size("L2", "25,000 owners, individual OKRs, 1 quarter", _tiled(25_000, 225_000)),
        Size("L4", "44,000 owners, individual OKRs, 1 quarter (the issue's 400k key results)",
             _tiled(44_000, 400_000)),
        Size("L", "100,000 owners, individual OKRs, 1 quarter", _tiled(100_000, 900_000)),
    )
}  # fmt: skip


def write_csv_folder(tables: Tables, folder: Path) -> None:
    """One canonical CSV per table (`<Sheet>.csv`), written by DuckDB's COPY."""
    folder.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect()
    try:
        for table in schema.ENTITY_TABLES:
            frame = tables[table.name][table.column_names]
            conn.register("frame", frame)
            casts = []
            for column in table.columns:
                name = f'"{column.name}"'
                if column.sql_type == schema.TIMESTAMP:
                    casts.append(
                        f"strftime(CAST({name} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S') AS {name}"
                    )
                elif column.sql_type == schema.DATE:
                    casts.append(f"CAST(CAST({name} AS DATE) AS VARCHAR) AS {name}")
                else:
                    casts.append(f"CAST({name} AS {column.sql_type}) AS {name}")
            target = str(folder / f"{table.sheet}.csv").replace("'", "''")
            conn.execute(f"COPY (SELECT {', '.join(casts)} FROM frame) TO '{target}' (HEADER)")
            conn.unregister("frame")
    finally:
        conn.close()


def flat_rows(tables: Tables, limit: int = FLAT_ROWS) -> pd.DataFrame:
    """The key results as one flat sheet (one row per key result, objective repeated)."""
    objectives = tables["objectives"][["objective_id", "cycle_id", "title", "team_id"]]
    teams = tables["teams"][["team_id", "name"]].rename(columns={"name": "team"})
    krs = (
        tables["key_results"]
        .merge(objectives.rename(columns={"title": "objective"}), on="objective_id", how="left")
        .merge(teams, on="team_id", how="left")
    )
    krs = krs.drop_duplicates(["objective_id", "title"]).head(limit)
    return pd.DataFrame({
        "Quarter": krs["cycle_id"], "Team": krs["team"], "Objective": krs["objective"],
        "Key Result": krs["title"], "Owner": krs["owner"], "Start": krs["start_value"],
        "Target": krs["target_value"], "Current": krs["current_value"],
    })  # fmt: skip


def write_flat_xlsx(rows: pd.DataFrame, path: Path) -> None:
    """The flat sheet with openpyxl's write-only mode (text as text, numbers as numbers)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("OKRs")
    ws.append(FLAT_HEADERS)
    columns = []
    for header in FLAT_HEADERS:
        values = rows[header]
        if pd.api.types.is_numeric_dtype(values):
            columns.append(
                [None if math.isnan(v) else v for v in values.astype("float64").tolist()]
            )
        else:
            columns.append(values.astype(object).where(values.notna(), None).tolist())
    for row in zip(*columns, strict=True):
        ws.append(row)
    wb.save(path)


def folder_for(size: str, seed: int) -> Path:
    return DATA_DIR / f"{size}-seed{seed}-v{GENERATOR_VERSION}"


def ensure(size: str, seed: int = DEMO_SEED, data_dir: Path | None = None) -> Files:
    """The files of `size`, generated on first use and reused after (`manifest.json` last)."""
    spec = SIZES[size]
    folder = (data_dir or DATA_DIR) / folder_for(size, seed).name
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        if folder.exists():
            shutil.rmtree(folder)  # an interrupted build
        started = time.perf_counter()
        tables, as_of = spec.build(seed)
        generated = time.perf_counter() - started
        write_csv_folder(tables, folder / "csv")
        xlsx = None
        if spec.flat_xlsx:
            xlsx = folder / "flat.xlsx"
            flat = flat_rows(tables)
            write_flat_xlsx(flat, xlsx)
        manifest = {
            "size": size,
            "seed": seed,
            "description": spec.description,
            "as_of": as_of.isoformat(),
            "rows": {name: len(frame) for name, frame in tables.items()},
            "owners": int(pd.concat([tables["objectives"]["owner"],
                                     tables["key_results"]["owner"]]).nunique()),
            "flat_rows": len(flat) if spec.flat_xlsx else 0,
            "generated_seconds": round(generated, 2),
            "written_seconds": round(time.perf_counter() - started - generated, 2),
        }  # fmt: skip
        manifest_path.write_text(json.dumps(manifest, indent=2))
    manifest = json.loads(manifest_path.read_text())
    xlsx_path = folder / "flat.xlsx"
    return Files(size, folder, folder / "csv", xlsx_path if xlsx_path.exists() else None, manifest)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", required=True, choices=list(SIZES))
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    args = parser.parse_args(argv)
    files = ensure(args.size, args.seed)
    print(json.dumps(files.manifest))


if __name__ == "__main__":
    main()
