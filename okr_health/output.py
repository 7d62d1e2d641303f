"""What the command line prints beyond a line or two: a cycle's summary in words, and an
import's report as the JSON `ingest --json` gives tools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from metrics.scores.bands import score_bands

if TYPE_CHECKING:
    from pipelines.ingest import IngestReport


def summary_text(result: dict[str, Any]) -> str:
    scores, counts = result["scores"], result["counts"]

    def pct(x: float | None) -> str:
        return "–" if x is None else f"{x:.0%}"

    def num(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}"

    bands = "  ".join(f"{k} {v}" for k, v in scores["bands"].items())
    lines = [
        f"Cycle {result['cycle']} (as of {result['as_of']})",
        f"  {counts['objectives']} objectives, {counts['key_results']} key results "
        f"({counts['ungraded_key_results']} ungraded), {counts['check_ins']} check-ins",
        f"  mean key-result score {num(scores['kr_mean'])}, "
        f"mean objective score {num(scores['objective_mean'])}, "
        f"in the {score_bands().sweet_text()} sweet spot {pct(scores['sweet_spot_share'])}",
        f"  bands: {bands}",
    ]
    alignment = result.get("alignment") or {}
    if alignment.get("aligned_share") is not None:
        lines.append(
            f"  aligned {pct(alignment['aligned_share'])}, orphans {alignment['orphans']}, "
            f"unsupported top objectives {alignment['unsupported_top']}, "
            f"broken links {alignment['broken_links']}"
        )
    health = result.get("programme_health") or {}
    if health.get("index") is not None:
        lines.append(
            f"  programme health {health['index']:.0f}/100, from "
            + ", ".join(
                f"{p.replace('_', '-')} {pct(health['parts'][p])}" for p in health["rests_on"]
            )
        )
    flags = result.get("flags") or {}
    for kind in ("sandbagging", "over_ambitious"):
        for flag in flags.get(kind) or []:
            lines.append(f"  {kind.replace('_', '-')}: {flag['owner']}: {flag['evidence']}")
    return "\n".join(lines)


def json_report(report: IngestReport) -> dict[str, object]:
    """One import's report as `ingest --json` prints it."""
    from pipelines.problems import problem_record

    described = report.described
    return {
        "ok": report.ok,
        "outcome": report.outcome,
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "files": report.source_files,
        "rows": report.rows,
        "archived": report.archived,
        "removed": report.removed,
        "not_mapped": report.unmapped_columns,
        "recognised": report.recognised,
        "not_scored": report.not_scored,
        "cycle_guessed": report.guessed.cycle if report.guessed else None,
        "notes": report.notes,
        "changes": {
            "added": described.changes.total("added"),
            "changed": described.changes.total("changed"),
            "removed": described.changes.total("removed"),
            "removed_objectives": described.removed_objectives,
            "removed_key_results": described.removed_key_results,
            "check_ins_recorded": len(described.value_changes),
        }
        if described is not None
        else None,
        "problems": [problem_record(p) for p in report.problems],
        "understanding": report.understanding.record() if report.understanding else None,
    }


def json_reports(reports: list[IngestReport]) -> dict[str, object]:
    """`ingest --json`: one import's object; several dated snapshots as `imports`, in order,
    under the overall `ok` and the last one's `outcome`."""
    if len(reports) == 1:
        return json_report(reports[0])
    return {
        "ok": all(r.ok for r in reports),
        "outcome": reports[-1].outcome,
        "imports": [json_report(r) for r in reports],
    }


__all__ = ["json_report", "json_reports", "summary_text"]
