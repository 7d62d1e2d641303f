"""`okr-health brief` (a unit's brief on standard output) and `okr-health digest` (each
recipient's brief by e-mail, or as .eml files with --dry-run); docs/cli.md."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from okr_health.options import CycleOption, DbOption, chosen_cycle, existing, fail, store_report
from okr_health.terminal import echo

if TYPE_CHECKING:
    from metrics.report import HealthReport
    from reporting.brief import Scope
    from reporting.cache import StoreReport

DepartmentOption = Annotated[str | None, typer.Option("--department", help="A department's name.")]
TeamOption = Annotated[str | None, typer.Option("--team", help="A team's name.")]
OwnerOption = Annotated[str | None, typer.Option("--owner", help="An owner's name.")]
BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="The dashboard's address, for absolute links (default: $OKR_HEALTH_BASE_URL; "
        "without one, links are relative).",
    ),
]
SettingsOption = Annotated[
    Path | None,
    typer.Option(
        "--settings", help="Digest settings file, TOML (default: $OKR_HEALTH_DIGEST_SETTINGS)."
    ),  # fmt: skip
]
RosterOption = Annotated[
    Path | None,
    typer.Option(
        "--roster",
        help="CSV of people and teams (columns person, team): those without OKRs count against "
        "participation in programme health (default: $OKR_HEALTH_ROSTER).",
    ),
]


def check_unit(report: HealthReport, scope: Scope) -> None:
    """Ends the command when the scope names a department, team or owner the store lacks."""
    for column in ("department", "team", "owner"):
        value = getattr(scope, column)
        if value is None:
            continue
        known = sorted({str(v) for v in report.objectives[column].dropna()})
        if value not in known:
            shown = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
            fail(f"error: no {column} {value!r} in the store; known: {shown or 'none'}")


def _store_report(db: Path | None) -> tuple[Path, StoreReport, HealthReport]:
    """The store's path, what was read from it and its report; fails on an empty store."""
    path = existing(db)
    found = store_report(path)
    if found.report is None:
        fail("error: the store holds no OKRs; load some with `okr-health ingest FILE`")
    assert found.report is not None
    return path, found, found.report


def brief(
    department: DepartmentOption = None,
    team: TeamOption = None,
    owner: OwnerOption = None,
    cycle: CycleOption = None,
    fmt: Annotated[str, typer.Option("--format", help="md (Markdown) or html.")] = "md",
    base_url: BaseUrlOption = None,
    roster: RosterOption = None,
    db: DbOption = None,
) -> None:
    """A unit's brief in plain words: where it stands, what changed, what needs attention,
    who to talk to (Markdown on standard output by default)."""
    import os

    from metrics.programme.health import programme_health
    from reporting.brief import Scope, compose_brief, to_html, to_markdown
    from reporting.brief.history import store_history
    from reporting.roster import roster_of

    if fmt not in ("md", "html"):
        fail(f"error: --format must be md or html, not {fmt!r}")
    path, found, report = _store_report(db)
    scope = Scope(str(chosen_cycle(found.dataset, cycle)), department, team, owner)
    check_unit(report, scope)
    health = programme_health(report, roster_of(roster))
    composed = compose_brief(report, scope, store_history(path, report.as_of), health)
    url = base_url or os.environ.get("OKR_HEALTH_BASE_URL") or None
    echo(to_markdown(composed, url) if fmt == "md" else to_html(composed, url))


def digest(
    cycle: CycleOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write the mails to files instead of sending.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="With --dry-run: the folder for the .eml files.")
    ] = None,
    settings_file: SettingsOption = None,
    roster: RosterOption = None,
    db: DbOption = None,
) -> None:
    """Send each recipient the brief of their unit by e-mail (SMTP settings and recipients
    from the settings file or OKR_HEALTH_* variables)."""
    from metrics.programme.health import programme_health
    from reporting.brief import compose_brief, delivery
    from reporting.brief.history import store_history
    from reporting.roster import roster_of

    if dry_run and out is None:
        fail("error: --dry-run needs --out DIR, the folder for the .eml files")
    settings = delivery.digest_settings(settings_file)
    path, found, report = _store_report(db)
    cycle_id = str(chosen_cycle(found.dataset, cycle))
    owners = [*report.objectives["owner"].dropna(), *report.key_results["owner"].dropna()]
    listed = delivery.recipients(settings, cycle_id, owners)
    if not listed:
        fail(
            "error: the digest has no recipients: list them in the settings file's "
            "[recipients] or in OKR_HEALTH_DIGEST_RECIPIENTS (docs/cli.md)"
        )
    known = {c: set(report.objectives[c].dropna()) for c in ("department", "team", "owner")}
    history = store_history(path, report.as_of)
    health = programme_health(report, roster_of(roster))
    messages = []
    for recipient in listed:
        level, name = recipient.scope.level, recipient.scope.name
        if name is not None and name not in known[level]:
            echo(f"skipped {recipient.address}: no {level} {name!r} in the store", err=True)
            continue
        composed = compose_brief(report, recipient.scope, history, health)
        messages.append((recipient, delivery.digest_message(composed, recipient.address, settings)))
    if dry_run:
        assert out is not None
        written = delivery.write_eml(messages, out)
        echo(f"wrote {len(written)} mail(s) to {out}")
        return
    sent = delivery.send(messages, settings)
    echo(f"sent {sent} mail(s) through {settings.host}:{settings.port}")
