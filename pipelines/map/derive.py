"""Cycles and teams that objectives name but no source gives, derived so the store stays whole.

A cycle named like `2025-Q3`, `Q3 2025`, `FY26-Q4`, `T3 2026`, `H1 2026`, `FY2025` or `2024`
gets its calendar dates; any other name gets none. A derived team has no parent and level
`team`. Teams written by name (`Sales`) are matched to a known team with that name, so a flat
sheet joins the team tree. Derived rows are only added when their id is new: they never
overwrite what is stored.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines.map.canonical import LOCATION, Canonical, combine
from pipelines.store.schema import row_counts

# `2025-Q3`, `FY26-Q4`, `Q3 2025`, `Q3 FY26`, `T3 2026` (a trimestre: a quarter), `H1 2026`,
# `FY2026`, `FY26`, `2024`: a fiscal year is its calendar year (FY2026: Jan–Dec 2026).
CYCLE_NAME = (
    r"(?i)^\s*(?:(?P<y1>\d{4})\s*[-_/ ]?\s*(?P<k1>[QHT])(?P<n1>[1-4])"
    r"|FY\s*(?P<y4>\d{4}|\d{2})\s*[-_/ ]?\s*(?P<k4>[QHT])(?P<n4>[1-4])"
    r"|(?P<k2>[QHT])(?P<n2>[1-4])\s*[-_/ ]?\s*(?:FY\s*)?(?P<y2>\d{4}|\d{2})"
    r"|FY\s*(?P<y3>\d{4}|\d{2})|(?P<y5>(?:19|20)\d{2}))\s*$"
)


# The same within a name; a bare year only when it is not part of a date (`2024-10-05`).
CYCLE_IN_TEXT = (
    r"(?i)(?<![0-9A-Za-z])(?:FY\s*(?:\d{4}|\d{2})\s*[-_/ ]?\s*[QHT][1-4]"
    r"|\d{4}\s*[-_/ ]?\s*[QHT][1-4]|[QHT][1-4]\s*[-_/ ]?\s*(?:FY\s*\d{2}|(?:FY\s*)?\d{4})"
    r"|FY\s*(?:\d{4}|\d{2})|(?<!\d[-_./])(?:19|20)\d{2}(?!\s*[-_./]\s*[W\d]))(?![0-9A-Za-z])"
)


def looks_like_cycle(name: str) -> bool:
    return bool(pd.Series([name]).str.fullmatch(CYCLE_NAME).iloc[0])


def cycle_in_name(name: str) -> str | None:
    """The cycle a file or sheet name states: `Team Atlas OKRs - Q3 2025 grading` → `Q3 2025`."""
    if looks_like_cycle(name):
        return name.strip()
    found = re.search(CYCLE_IN_TEXT, name)
    return found.group(0).strip() if found else None


def cycle_midpoints(ids: pd.Series) -> pd.Series:
    """The middle day of cycles named after a quarter, half or year (missing otherwise)."""
    start, end = cycle_bounds(ids)
    return (start + (end - start) / 2).dt.normalize()


def cycle_bounds(ids: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Start and end dates of cycles named after a quarter, half or year (missing otherwise)."""
    parts = ids.astype("str").str.extract(CYCLE_NAME)
    year = parts["y1"]
    for name in ("y2", "y3", "y4", "y5"):
        year = year.fillna(parts[name])
    year = pd.to_numeric(year, errors="coerce")
    year = year.where(year >= 100, year + 2000)
    kind = parts["k1"].fillna(parts["k2"]).fillna(parts["k4"]).str.upper().replace("T", "Q")
    n = pd.to_numeric(parts["n1"].fillna(parts["n2"]).fillna(parts["n4"]), errors="coerce")
    months = kind.map({"Q": 3, "H": 6}).astype("float64").fillna(12.0)
    first = ((n.fillna(1) - 1) * months + 1).where(year.notna())
    start = _first_of_month(year, first)
    after = year * 12 + first - 1 + months  # months since year 0 of the month after the cycle
    end = _first_of_month(after // 12, after % 12 + 1) - pd.Timedelta(days=1)
    return start, end


def _first_of_month(year: pd.Series, month: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"year": year, "month": month, "day": 1.0}).astype("float64")
    return pd.to_datetime(frame, errors="coerce").astype("datetime64[us]")


def resolve_team_names(objectives: pd.DataFrame, known: pd.DataFrame) -> pd.Series:
    """Team ids of objectives, where a value matching no id but one team's name takes its id."""
    team = objectives["team_id"]
    ids = set(known["team_id"].dropna())
    names = known.dropna(subset=["name"])
    folded = names["name"].astype("str").str.casefold()
    unique = names[~folded.duplicated(keep=False)]
    by_name = pd.Series(unique["team_id"].values, index=unique["name"].astype("str").str.casefold())
    renamed = team.astype("str").str.casefold().map(by_name)
    return team.where(team.isin(ids) | renamed.isna(), renamed).astype("str")


def _first_mentions(objectives: pd.DataFrame, column: str, known: set[str]) -> pd.DataFrame:
    named = objectives[objectives[column].notna() & ~objectives[column].isin(known)]
    return named.drop_duplicates(column)


def derive_missing(canonical: Canonical, stored: dict[str, pd.DataFrame]) -> None:
    """Derive the cycles and teams the objectives name but the sources do not give.

    Derived rows are part of the import's content whether or not the store has them already
    (they are only inserted where new), so importing the same file twice hashes the same.
    A name missing from a cycles or teams sheet that came with the import is a warning.
    """
    objectives = canonical.tables.get("objectives")
    if objectives is None or objectives.empty:
        return
    given_teams = canonical.tables.get("teams")
    known_teams = pd.concat(
        [f[["team_id", "name"]] for f in (given_teams, stored["teams"]) if f is not None]
    )
    objectives["team_id"] = resolve_team_names(objectives, known_teams)
    for table, column in (("cycles", "cycle_id"), ("teams", "team_id")):
        given = canonical.tables.get(table)
        new = _first_mentions(objectives, column, set() if given is None else set(given[column]))
        if new.empty:
            continue
        if given is not None:
            unknown = ~new[column].isin(stored[table][column])
            message = f"{column.split('_')[0]} " + '"' + new[column] + '"'
            message += f" is not in the {table} sheet; added with no details"
            canonical.report(new, unknown, f"objectives.{column}", message, "warning")
        rows = pd.DataFrame({column: new[column].values, "name": new[column].values})
        rows[LOCATION] = new[LOCATION].values
        if table == "cycles":
            rows["start_date"], rows["end_date"] = cycle_bounds(rows[column])
        else:
            rows["level"] = "team"
        frame = combine([], table)
        canonical.derived[table] = pd.concat([frame, rows], ignore_index=True)[frame.columns]
        fresh = rows[~rows[column].isin(stored[table][column])]
        if not fresh.empty:
            canonical.notes.append(
                f"{row_counts({table: len(fresh)})} derived from the objectives' {column}: "
                + ", ".join(fresh[column].astype("str").head(10))
            )
