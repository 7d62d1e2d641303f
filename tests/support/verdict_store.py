"""A store whose every status is known by hand (docs/metrics.md, "Status: one verdict per
unit"): one running cycle, 1 Jan – 31 Mar 2026, seen on 15 Feb (about half of it gone), five
objectives with one key result each, 0 → 100 (a milestone for the done one), no check-ins,
so each heads for its straight-line projection, score ÷ elapsed share (≈ score × 2):

  objective      department  value  score  heading  status
  o-done         Ops         done   1.0    1.0      done
  o-ahead        Sales       50     0.5    ≈ 0.99   on track
  o-behind       Sales       25     0.25   ≈ 0.49   behind  (0.4–0.6)
  o-risk         Ops         5      0.05   ≈ 0.10   at risk (below 0.4)
  o-idle         Ops         –      –      –        not started

Sales heads for ≈ 0.74 (on track), Ops for ≈ 0.55 (behind, one objective at risk), the
company for ≈ 0.645 (on track).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from tests.support.stores import canonical, write_store

AS_OF = date(2026, 2, 15)
ROWS = [  # objective, department, value (None: nothing recorded), kind
    ("o-done", "ops", 1.0, "milestone"),
    ("o-ahead", "sales", 50.0, "increase"),
    ("o-behind", "sales", 25.0, "increase"),
    ("o-risk", "ops", 5.0, "increase"),
    ("o-idle", "ops", None, "increase"),
]
KNOWN = {"on track": 1, "behind": 1, "at risk": 1, "not started": 1, "done": 1}


def verdict_company(values: dict[str, float] | None = None) -> dict[str, pd.DataFrame]:
    """The tables of the module docstring; `values` overrides an objective's current value."""
    values = values or {}
    cycles = [{"cycle_id": "2026-Q1", "name": "Q1 2026", "start_date": date(2026, 1, 1),
               "end_date": date(2026, 3, 31)}]  # fmt: skip
    teams = [
        {"team_id": "co", "name": "Verdict Co", "level": "company"},
        {"team_id": "sales", "name": "Sales", "parent_team_id": "co", "level": "department"},
        {"team_id": "ops", "name": "Ops", "parent_team_id": "co", "level": "department"},
    ]
    objectives, key_results = [], []
    for objective_id, team, value, kind in ROWS:
        objectives.append({"objective_id": objective_id, "cycle_id": "2026-Q1",
                           "title": f"Objective {objective_id}", "team_id": team,
                           "owner": "Ann", "level": "department"})  # fmt: skip
        current = values.get(objective_id, value)
        kr: dict[str, object] = {"kr_id": f"k-{objective_id}", "objective_id": objective_id,
                                 "title": f"Key result of {objective_id}", "kr_type": kind,
                                 "current_value": current}  # fmt: skip
        if kind != "milestone":
            kr |= {"start_value": 0.0, "target_value": 100.0}
        key_results.append(kr)
    return {
        "cycles": canonical("cycles", cycles),
        "teams": canonical("teams", teams),
        "objectives": canonical("objectives", objectives),
        "key_results": canonical("key_results", key_results),
        "check_ins": canonical("check_ins", []),
    }


def verdict_store(path: Path) -> Path:
    return write_store(path, verdict_company(), as_of=AS_OF)
