"""`analyse(dataset)`: every health metric of a store, computed once.

The dashboard caches one `HealthReport` per store version and filters it; the summary and the
exports read the same report, so every surface shows the same numbers. Nothing here reads
files or touches Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial

import pandas as pd

from metrics.alignment import links as alignment_links
from metrics.coaching import calibration, lint, patterns
from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.conformed_frames import attach, conform_dataset
from metrics.programme import discipline
from metrics.progress import chance, forecast, status
from metrics.progress.calendar import as_timestamp, cycle_calendar
from metrics.progress.checkins import keyed_check_ins
from metrics.progress.score_paths import check_in_scores, history_features
from metrics.progress.trends import metric_trends
from metrics.scores.distribution import score_distribution
from metrics.scores.rollups import (
    attach_units,
    company_score,
    department_scores,
    key_result_units,
    team_scores,
)
from metrics.scores.scoring import Scores, resolve_kr_type, score_all
from pipelines.store.dataset import Dataset
from pipelines.store.keyed import KeyedCheckIns


@dataclass(frozen=True)
class HealthReport:
    """Every metric of docs/scoring.md and docs/metrics.md for one store at one as-of date (frames:
    see each function's docstring for its columns)."""

    config: HealthConfig
    as_of: date
    calendar: pd.DataFrame  # calendar.cycle_calendar
    scores: Scores  # scoring.score_all
    key_results: pd.DataFrame  # rollups.key_result_units + status, forecast, chance columns
    objectives: pd.DataFrame  # scored objectives + units + alignment + status, forecast, chance
    kr_distribution: pd.DataFrame  # distribution.score_distribution per cycle
    objective_distribution: pd.DataFrame
    team_scores: pd.DataFrame  # rollups.team_scores
    department_scores: pd.DataFrame  # rollups.department_scores
    company_scores: pd.DataFrame  # cycle_id, score
    forecast_backtest: pd.DataFrame  # forecast.forecast_backtest
    forecast_error: pd.DataFrame  # forecast.forecast_error (per cycle and 'all')
    links: pd.DataFrame  # alignment_links.objective_links
    coverage: pd.DataFrame  # alignment_links.alignment_coverage per cycle
    tree: pd.DataFrame  # alignment_links.alignment_tree
    loops: list[str]  # objectives on a loop of parent links
    evidence: pd.DataFrame  # patterns.pattern_evidence
    owner_patterns: pd.DataFrame  # patterns.goal_setting_patterns by owner
    team_patterns: pd.DataFrame  # patterns.goal_setting_patterns by team
    lint: pd.DataFrame  # lint.quality_lint
    team_weeks: pd.DataFrame  # discipline.team_weeks
    discipline: pd.DataFrame  # discipline.check_in_discipline per week
    team_discipline: pd.DataFrame  # ... per week and team
    stale: pd.DataFrame  # discipline.stale_key_results
    calibration: pd.DataFrame  # calibration.confidence_calibration per team
    calibration_overall: pd.DataFrame  # ... one row
    calibration_curve: pd.DataFrame  # calibration.calibration_curve
    trends: pd.DataFrame  # trends.metric_trends per cycle
    department_trends: pd.DataFrame  # trends.metric_trends per cycle and department

    def distribution(
        self, level: str = "key_result", by: tuple[str, ...] = ("cycle_id",)
    ) -> pd.DataFrame:
        """Score distribution of key results (level='key_result') or objectives, grouped by
        any of their columns, e.g. by=('cycle_id', 'department') or ('cycle_id', 'team')."""
        frame = self.key_results if level == "key_result" else self.objectives
        return score_distribution(frame, list(by))

    def sandbagging(self, by: str = "owner") -> pd.DataFrame:
        """Owners (by='owner') or teams (by='team') flagged as sandbagging, with evidence."""
        frame = self.owner_patterns if by == "owner" else self.team_patterns
        return patterns.flagged(frame, "sandbagging")

    def over_ambitious(self, by: str = "owner") -> pd.DataFrame:
        """Owners or teams flagged as over-ambitious, with evidence."""
        frame = self.owner_patterns if by == "owner" else self.team_patterns
        return patterns.flagged(frame, "over-ambitious")


def check_ins_known_on(check_ins: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Check-ins made by the end of the as-of day (later ones have not happened yet)."""
    when = pd.to_datetime(check_ins["checked_at"])
    return check_ins[when < as_of + pd.Timedelta(days=1)]


@dataclass(frozen=True)
class KeyResultFrames:
    """What `analyse` computes per key result and per objective from their own rows, their
    check-ins, their cycle's dates and state and the config alone (not from the as-of
    date's share of the cycle, nor from other objectives beyond strict links): the part an
    incremental update reuses for the objectives an import left as they were
    (`metrics.report_update`). Frames keyed by kr_id or objective_id."""

    kr_scores: pd.DataFrame  # scoring.score_all key results
    objective_scores: pd.DataFrame  # scoring.score_all objectives
    features: pd.DataFrame  # score_paths.history_features
    kr_forecast: pd.DataFrame  # forecast.trend_forecast
    backtest: pd.DataFrame  # forecast.forecast_backtest
    evidence: pd.DataFrame  # patterns.pattern_evidence

    @property
    def scores(self) -> Scores:
        return Scores(key_results=self.kr_scores, objectives=self.objective_scores)


def key_result_frames(
    objectives: pd.DataFrame,
    key_results: pd.DataFrame,
    teams: pd.DataFrame,
    check_ins: KeyedCheckIns,
    calendar: pd.DataFrame,
    config: HealthConfig = DEFAULT_CONFIG,
) -> KeyResultFrames:
    """The per-key-result and per-objective part of `analyse` (see `KeyResultFrames`)."""
    scores = score_all(objectives, key_results, check_ins)
    krs = key_result_units(scores.key_results, scores.objectives, teams)
    history = check_in_scores(scores.key_results, key_results, check_ins, calendar)
    features = history_features(history)
    return KeyResultFrames(
        kr_scores=scores.key_results,
        objective_scores=scores.objectives,
        features=features,
        kr_forecast=forecast.trend_forecast(history, calendar, scores.key_results),
        backtest=forecast.forecast_backtest(history, calendar, scores.key_results, config),
        evidence=patterns.pattern_evidence(krs, features, calendar, config),
    )


def quality_findings(
    objectives: pd.DataFrame, key_results: pd.DataFrame, config: HealthConfig = DEFAULT_CONFIG
) -> pd.DataFrame:
    """Every quality-lint finding (`lint.quality_lint`); each rule looks within one cycle."""
    return lint.quality_lint(objectives, key_results, resolve_kr_type(key_results), config)


def known_check_ins(dataset: Dataset, today: pd.Timestamp) -> KeyedCheckIns:
    """The dataset's check-ins made by the as-of day, keyed to its key results (by the
    store when it could)."""
    if dataset.keyed_check_ins is not None:
        return dataset.keyed_check_ins.known_on(today)
    known = check_ins_known_on(dataset.check_ins, today)
    return keyed_check_ins(known, dataset.key_results["kr_id"])


@dataclass(frozen=True)
class Prepared:
    """A dataset as every part of the analysis starts from it: conformed, its as-of day,
    its check-ins known by then (keyed) and its cycles' calendar."""

    dataset: Dataset
    today: pd.Timestamp
    check_ins: KeyedCheckIns
    calendar: pd.DataFrame


def prepare(dataset: Dataset, as_of: date | None = None) -> Prepared:
    """`dataset` ready for the analysis at `as_of` (default: its own as-of date, else today)."""
    dataset = conform_dataset(dataset)
    today = as_timestamp(as_of or dataset.reference_date())
    check_ins = known_check_ins(dataset, today)
    objectives, key_results = dataset.objectives, dataset.key_results
    calendar = cycle_calendar(dataset.cycles, objectives, key_results, check_ins, today)
    return Prepared(dataset, today, check_ins, calendar)


def analyse(
    dataset: Dataset, config: HealthConfig = DEFAULT_CONFIG, as_of: date | None = None
) -> HealthReport:
    """Compute every health metric of `dataset` at `as_of` (default: the dataset's as-of
    date, else today). Check-ins after the as-of day are ignored."""
    return analyse_parts(dataset, config, as_of)[0]


def analyse_parts(
    dataset: Dataset, config: HealthConfig = DEFAULT_CONFIG, as_of: date | None = None
) -> tuple[HealthReport, KeyResultFrames]:
    """`analyse`, with its per-key-result part (what the report cache keeps for an update)."""
    ready = prepare(dataset, as_of)
    rows = ready_frames(ready, config)
    report = assemble(ready.dataset, ready.check_ins, ready.calendar, rows, ready.today, config)
    return report, rows


def ready_frames(ready: Prepared, config: HealthConfig = DEFAULT_CONFIG) -> KeyResultFrames:
    """The per-key-result part of a prepared dataset's report, every objective computed."""
    data = ready.dataset
    return key_result_frames(
        data.objectives, data.key_results, data.teams, ready.check_ins, ready.calendar, config
    )


@dataclass(frozen=True)
class Verdict:
    """The statuses alone, as the report has them: key results (with units, status,
    forecast and score-path features), objectives (with units and status) and the stale
    list. What comparing with the store before an import reads (`reporting.versions`)."""

    key_results: pd.DataFrame
    objectives: pd.DataFrame
    stale: pd.DataFrame


def verdict(
    dataset: Dataset,
    config: HealthConfig = DEFAULT_CONFIG,
    rows: KeyResultFrames | None = None,
) -> Verdict:
    """`analyse`'s key results, objectives and stale list without the rest of the report
    (`rows`: its per-key-result part, when the caller has it for this dataset)."""
    ready = prepare(dataset)
    today, calendar, teams = ready.today, ready.calendar, ready.dataset.teams
    if rows is None:
        rows = ready_frames(ready, config)
    scores = rows.scores
    krs = key_result_units(scores.key_results, scores.objectives, teams)
    kr_status = status.key_result_status(krs, rows.kr_forecast, calendar)
    obj_status = status.objective_status(scores.objectives, krs, kr_status, calendar)
    krs = _with_kr_columns(krs, kr_status, rows)
    objective_units = attach(
        attach_units(scores.objectives, teams),
        obj_status[["objective_id", *STATUS_COLUMNS]],
        "objective_id",
    )
    stale = discipline.stale_key_results(krs, calendar, today, config)
    return Verdict(krs, objective_units, stale)


STATUS_COLUMNS = ["cycle_state", "expected", "gap", "heading", "status"]


def _with_kr_columns(
    krs: pd.DataFrame, kr_status: pd.DataFrame, rows: KeyResultFrames
) -> pd.DataFrame:
    """Key results with their status, forecast and score-path features attached."""
    forecast_cols = rows.kr_forecast[["kr_id", "forecast", "method", "slope_per_week"]]
    krs = attach(krs, kr_status[["kr_id", *STATUS_COLUMNS]], "kr_id")
    krs = attach(krs, forecast_cols.rename(columns={"method": "forecast_method"}), "kr_id")
    return attach(krs, rows.features, "kr_id")


def assemble(
    dataset: Dataset,
    check_ins: KeyedCheckIns,
    calendar: pd.DataFrame,
    rows: KeyResultFrames,
    today: pd.Timestamp,
    config: HealthConfig = DEFAULT_CONFIG,
    findings: pd.DataFrame | None = None,
) -> HealthReport:
    """The report from the per-key-result frames: statuses (which move with the as-of
    date), alignment, roll-ups, trends and every other whole-store metric. `findings`: the
    quality lint when the caller has it for this dataset (an update spliced it per cycle)."""
    objectives, key_results, teams = dataset.objectives, dataset.key_results, dataset.teams
    scores, kr_forecast = rows.scores, rows.kr_forecast
    backtest, evidence = rows.backtest, rows.evidence
    objective_units = attach_units(scores.objectives, teams)
    krs = key_result_units(scores.key_results, scores.objectives, teams)
    kr_status = status.key_result_status(krs, kr_forecast, calendar)
    obj_status = status.objective_status(scores.objectives, krs, kr_status, calendar)
    obj_forecast = forecast.objective_forecast(kr_forecast, scores.key_results, scores.objectives)

    links = alignment_links.objective_links(objectives, key_results, teams)
    weeks = discipline.team_weeks(krs, calendar, check_ins, today)
    outcomes = calibration.calibration_outcomes(krs, calendar)
    if findings is None:
        findings = quality_findings(objectives, key_results, config)

    krs = _with_kr_columns(krs, kr_status, rows)
    link_cols = ["objective_id", "is_top", "status", "link", "parent_id", "broken", "depth"]
    objective_units = attach(
        objective_units, obj_status[["objective_id", *STATUS_COLUMNS]], "objective_id"
    )
    objective_units = attach(
        objective_units, obj_forecast[["objective_id", "forecast"]], "objective_id"
    )
    objective_units = attach(
        objective_units,
        links[link_cols].rename(columns={"status": "alignment"}),
        "objective_id",
    )
    krs, objective_units = chance.with_chances(krs, objective_units, backtest)
    trends = partial(
        metric_trends,
        calendar=calendar,
        kr_units=krs,
        objective_units=objective_units,
        links=links,
        team_weeks=weeks,
        evidence=evidence,
        findings=findings,
        outcomes=outcomes,
        config=config,
    )
    return HealthReport(
        config=config,
        as_of=pd.Timestamp(today).date(),
        calendar=calendar,
        scores=scores,
        key_results=krs,
        objectives=objective_units,
        kr_distribution=score_distribution(krs),
        objective_distribution=score_distribution(objective_units),
        team_scores=team_scores(scores.objectives, teams),
        department_scores=department_scores(scores.objectives, teams),
        company_scores=company_score(scores.objectives).rename("score").reset_index(),
        forecast_backtest=backtest,
        forecast_error=forecast.forecast_error(backtest),
        links=links,
        coverage=alignment_links.alignment_coverage(links),
        tree=alignment_links.alignment_tree(scores.objectives, teams),
        loops=sorted(links.loc[links["in_loop"], "objective_id"].astype(str)),
        evidence=evidence,
        owner_patterns=patterns.goal_setting_patterns(evidence, "owner", config),
        team_patterns=patterns.goal_setting_patterns(evidence, "team_id", config),
        lint=findings,
        team_weeks=weeks,
        discipline=discipline.check_in_discipline(weeks),
        team_discipline=discipline.check_in_discipline(weeks, ["team_id", "team"]),
        stale=discipline.stale_key_results(krs, calendar, today, config),
        calibration=calibration.confidence_calibration(outcomes, ["team_id", "team"]),
        calibration_overall=calibration.confidence_calibration(outcomes),
        calibration_curve=calibration.calibration_curve(outcomes),
        trends=trends(),
        department_trends=trends(by=["department_id", "department"]),
    )
