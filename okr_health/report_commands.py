"""The commands that read the store's report: `summary`, `scores` and `report` (the
closing-meeting pack)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from okr_health.options import (
    CYCLE_DEFAULT,
    AtOption,
    CycleOption,
    DbOption,
    check_cycle,
    chosen_cycle,
    dataset_of,
    existing,
    fail,
    store_report,
)
from okr_health.output import summary_text
from okr_health.terminal import echo, write_data

if TYPE_CHECKING:
    import pandas as pd

    from metrics.scores.scoring import Scores
    from pipelines.store.dataset import Dataset


def summary(
    cycle: CycleOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    """Headline figures of a cycle: counts, scores, bands, alignment and flags."""
    from metrics.summary import build_summary
    from reporting.summaries import cached_summary

    kept = None if at else cached_summary(existing(db), cycle)  # no data read
    if kept is not None:
        echo(json.dumps(kept, indent=2, default=str) if as_json else summary_text(kept))
        return
    found = store_report(db, at)
    dataset = found.dataset
    if found.report is None:  # a new store, or every import undone
        when = f" at {at}" if at else ""
        fail(f"error: the store holds no OKRs{when}; load some with `okr-health ingest "
              "FILE` (or `okr-health demo`); `okr-health history` lists its imports")  # fmt: skip
    check_cycle(dataset, cycle)
    result = build_summary(dataset, cycle, report=found.report)
    if as_json:
        echo(json.dumps(result, indent=2, default=str))
        return
    echo(summary_text(result))


SCORE_LEVELS = ("key_result", "objective")


def scores(
    cycle: Annotated[
        str | None,
        typer.Option("--cycle", help=f"Cycle id, or `all` (default: {CYCLE_DEFAULT})."),
    ] = None,
    level: Annotated[str, typer.Option("--level", help="key_result or objective.")] = "key_result",
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    safe: Annotated[
        bool,
        typer.Option(
            "--excel-safe",
            help="Prefix text starting with = + - @ tab or CR with ' so a spreadsheet opening "
            "the CSV cannot run it as a formula (changes the text; see SECURITY.md).",
        ),
    ] = False,
    include_archived: Annotated[
        bool,
        typer.Option(
            "--include-archived",
            help="Also score the rows their source archived, deleted, drafted or cancelled "
            "(left out of every figure otherwise), with an `archived` column saying which.",
        ),
    ] = False,
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    """One row per key result (or objective) of a cycle, with its score, band and score
    source; `--cycle all` for every cycle.

    Text is written exactly as stored: the CSV is data for programs. A title such as
    `=HYPERLINK(...)` would run as a formula in a spreadsheet that opens the file; use
    --excel-safe for a CSV meant for Excel, or `okr-health report` for a workbook.
    """
    from exports.spreadsheet_safe import excel_safe
    from metrics.scores.scoring import KR_SCORE_COLUMNS, OBJECTIVE_SCORE_COLUMNS

    if level not in SCORE_LEVELS:
        fail(f"error: --level must be one of {', '.join(SCORE_LEVELS)}, not {level!r}")
    if fmt not in ("csv", "json"):
        fail(f"error: --format must be csv or json, not {fmt!r}")
    dataset, scored = _scored(db, include_archived, at)
    frame, columns = (
        (scored.key_results, KR_SCORE_COLUMNS)
        if level == "key_result"
        else (scored.objectives, OBJECTIVE_SCORE_COLUMNS)
    )
    if cycle != "all":
        frame = frame[frame["cycle_id"] == chosen_cycle(dataset, cycle)]
    if include_archived:
        frame = frame.assign(archived=_archived_rows(dataset, frame, level))
        columns = [*columns, "archived"]
    frame = frame[columns].copy()
    frame["band"] = frame["band"].astype("object")
    if fmt == "csv":
        # CRLF line ends (RFC 4180): the csv writer then quotes any value holding a CR.
        text = (excel_safe(frame) if safe else frame).to_csv(
            index=False, float_format="%.4f", lineterminator="\r\n"
        )
        write_data(text)
    else:
        rows = json.loads(frame.to_json(orient="records", double_precision=6))
        echo(json.dumps(rows, indent=1, ensure_ascii=False))


def _scored(db: Path | None, include_archived: bool, at: str | None) -> tuple[Dataset, Scores]:
    """The scores of the store's health report (read from its cache when the store is
    unchanged); with the archived rows, which the report leaves out, scored here."""
    import pandas as pd

    from metrics.report import check_ins_known_on
    from metrics.scores.scoring import score_all

    if not include_archived:
        found = store_report(db, at)
        if found.report is not None:
            return found.dataset, found.report.scores
    dataset = dataset_of(db, include_archived, at)
    # Check-ins dated after the store's as-of day have not happened yet (as on every page).
    known = check_ins_known_on(dataset.check_ins, pd.Timestamp(dataset.reference_date()))
    return dataset, score_all(dataset.objectives, dataset.key_results, known)


def _archived_rows(dataset: Dataset, frame: pd.DataFrame, level: str) -> pd.Series:
    """Whether each scored row is archived: by its own flag or, for a key result, its
    objective's."""
    objectives = dataset.objectives.set_index("objective_id")["archived"].fillna(False)
    by_objective = frame["objective_id"].map(objectives).fillna(False).astype(bool)
    if level == "objective":
        return by_objective
    own = dataset.key_results.set_index("kr_id")["archived"].fillna(False).astype(bool)
    return frame["kr_id"].map(own).fillna(False).astype(bool) | by_objective


def report(
    team: Annotated[
        str, typer.Option("--team", help="Team or department id (or name); the company id for all.")
    ],
    out: Annotated[Path, typer.Option("--out", help="File to write: FILE.xlsx or FILE.html.")],
    cycle: CycleOption = None,
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    """The closing-meeting pack of a team or department for a cycle, as Excel or HTML."""
    from exports import PackError, build_closing_pack, pack_to_html, pack_to_xlsx_bytes
    from reporting.goalposts import store_goalposts

    suffix = out.suffix.lower()
    if out.is_dir():
        fail(f"error: --out names a folder ({out}): give a file in it, e.g. {out / 'pack.xlsx'}")
    if suffix not in (".xlsx", ".html", ".htm"):
        fail(f"error: --out must end in .xlsx or .html, not {out.name!r}")
    found = store_report(db, at)
    if found.report is None:
        fail("error: the store holds no OKRs; load some with `okr-health ingest FILE`")
    try:
        goalposts = None  # the store's own history; not as it stood (--at)
        if at is None and found.report is not None:
            goalposts = store_goalposts(db, found.dataset, found.report)
        pack = build_closing_pack(found.dataset, cycle, team, found.report, goalposts=goalposts)
    except PackError as exc:
        fail(f"error: {exc}")
        return
    data = pack_to_xlsx_bytes(pack) if suffix == ".xlsx" else pack_to_html(pack).encode()
    partial = out.with_name(f".{out.name}.partial")  # a failed write leaves no half file
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        partial.replace(out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        fail(f"error: could not write {out} ({exc.strerror or exc}): choose another --out")
    echo(
        f"Closing pack of {pack.unit_name} for {pack.cycle_name} written to {out}: "
        f"{pack.headline['objectives']} objectives, {pack.headline['key_results']} key results."
    )
    running = pack.standing.line(pack.cycle_name, pack.as_of)
    if running:
        echo(f"{running} Its scores are not final.")
