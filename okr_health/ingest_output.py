"""What `okr-health ingest` prints for its imports: each file's headline, every problem with
its place, the columns left out, the rows loaded or the rejection, archived rows, notes and
the changes in words. Pure: lines in, the command echoes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipelines.store.schema import counted, row_counts

if TYPE_CHECKING:
    from pipelines.ingest import IngestReport


@dataclass(frozen=True)
class Line:
    text: str
    err: bool = False  # printed on stderr (problems, rejections)


def ingest_lines(reports: list[IngestReport], dry_run: bool) -> tuple[list[Line], bool]:
    """The lines of the imports' reports, in order, and whether one was rejected (the lines
    then end with the rejection, and later snapshots are not reported)."""
    from okr_health.understanding_text import problem_text_lines, report_lines
    from pipelines.map.canonical import archived_words
    from pipelines.store.history_words import changes_lines

    lines: list[Line] = []
    for report in reports:
        lines += [Line(line) for line in report.headline]  # "Recognised as a Viva Goals …"
        # what was understood, before the problems found in it
        lines += [Line(line) for line in report_lines(report.understanding)]
        lines += [
            Line(line, err=True) for line in problem_text_lines(report.problems)
        ]  # a column set aside: one line
        unused = [] if report.understanding else report.unmapped_columns  # listed by the report
        lines += [Line(f"not mapped (kept out of the store): {column}", err=True)
                  for column in unused]  # fmt: skip
        if not report.ok:
            errors = sum(1 for p in report.problems if p.severity == "error")
            done = sum(1 for r in reports if r.ok and r.outcome == "loaded")
            kept = f" of it ({counted(done, 'earlier snapshot')} stayed loaded)" if done else ""
            lines.append(Line(f"rejected: {counted(errors, 'problem')}; nothing{kept} was "
                              "written.", err=True))  # fmt: skip
            return lines, True
        heading = ", ".join(report.source_files) if len(reports) > 1 else ""
        dated = f" as of {report.as_of:%d %b %Y}" if report.as_of else ""
        lines.append(Line(f"{report.outcome}{dated}: {row_counts(report.rows)}" +
                          (f"  [{heading}]" if heading else "")))  # fmt: skip
        archived = archived_words(report.archived)
        if archived:
            lines.append(Line(archived))
        lines += [Line(f"note: {note}") for note in report.notes]
        if report.described is not None and report.outcome in ("loaded", "dry-run"):
            lines += [Line(f"  {line}")
                      for line in changes_lines(report.described, dry_run=dry_run)]  # fmt: skip
    if dry_run:
        lines.append(Line("dry run: nothing was written."))
    return lines, False
