"""The deterministic demo company, Acme Corp (docs/model.md): the public entry.

`generate_demo()` builds four quarterly cycles of OKRs for one company, six departments and
about thirty teams, with weekly check-ins, and returns the canonical tables together with the
ground truth the metrics should find in them: two sandbagging teams, two over-ambitious
teams, one broken alignment link, orphans, unsupported company objectives, stale and
ungraded key results, key results written as activities, strict links, an over-confident
team and a team that grades in zones.

Everything is drawn from one `numpy.random.default_rng(seed)`, so the same seed gives the
same frames; `generate_company` below is the one place that fixes the order of the draws
(the stages live in the sibling modules, see the package docstring). `generate_company()`
exposes the sizes, so that a benchmark can build a company of thousands of teams; the work
per key result and per check-in is vectorised.

`python -m demo_company.generate --write-data` rebuilds `data/demo_company.xlsx` and the import
template `data/okr_template.xlsx`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from demo_company.bank import COMPANY_ID, COMPANY_NAME, MIL
from demo_company.canonical_shape import canonical
from demo_company.key_results import (
    draw_kinds,
    draw_owners,
    key_result_skeleton,
    key_results_frame,
    kr_titles,
    mark_special_key_results,
    pick_metrics,
)
from demo_company.numbers import draw_numbers, manual_scores, plan_progress, repair_normal_scores
from demo_company.objectives import (
    break_one_link,
    build_objectives,
    retitle_strict_children,
    single_kr_objectives,
)
from demo_company.shape import assign_profiles, build_units, quarter_cycles, teams_frame
from demo_company.template import template_readme, template_tables
from demo_company.truth import DemoCompany, DemoTruth, read_truth
from demo_company.weekly_checkins import build_check_ins
from pipelines.store import schema

__all__ = [
    "COMPANY_ID",
    "COMPANY_NAME",
    "DEMO_AS_OF",
    "DEMO_SEED",
    "DemoCompany",
    "DemoTruth",
    "generate_company",
    "generate_demo",
    "main",
    "quarter_cycles",
    "template_readme",
    "template_tables",
    "write_data_files",
]

DEMO_AS_OF = date(2026, 11, 25)
DEMO_SEED = 7


def generate_company(
    n_departments: int = 6,
    n_teams: int = 32,
    n_cycles: int = 4,
    seed: int = DEMO_SEED,
    individual_okrs: bool = False,
    as_of: date = DEMO_AS_OF,
) -> DemoCompany:
    """A synthetic company of any size; `generate_demo()` is this with the demo's sizes.

    `n_cycles` quarters end with the quarter containing `as_of` (the running cycle). With
    `individual_okrs`, every team member also gets 1–2 objectives of their own (level
    individual), aligned to a team objective.
    """
    rng = np.random.default_rng(seed)
    cycles = quarter_cycles(as_of, n_cycles)
    running = len(cycles) - 1
    units = build_units(rng, n_departments, n_teams, individual_okrs)
    units, special = assign_profiles(rng, units)
    obj = build_objectives(rng, units, cycles, special)
    single = single_kr_objectives(rng, obj, units, running, special)

    kr = key_result_skeleton(obj, units, special, running)
    kr["kr_id"] = [f"{o}-kr{p + 1}" for o, p in zip(kr["objective_id"], kr["pos"], strict=True)]
    kr["kind"] = draw_kinds(rng, kr)
    kr["metric"] = pick_metrics(rng, kr)
    kr = pd.concat([kr, draw_numbers(rng, kr)], axis=1)
    kr["owner"] = draw_owners(rng, kr, units)
    mark_special_key_results(rng, kr, obj, cycles, as_of)
    kr["start"] = np.where(kr["missing_start"], 0.0, kr["start"])
    kr["title"] = kr_titles(kr)
    kr["heavy"] = rng.random(len(kr)) < 0.05
    kr["due_early"] = np.where(
        (kr["kind"] == MIL) & (rng.random(len(kr)) < 0.4), rng.integers(21, 43, len(kr)), 0
    )

    kr = pd.concat([kr, plan_progress(rng, kr)], axis=1)
    repair_normal_scores(rng, kr, units)
    check_ins = build_check_ins(rng, kr, cycles, as_of)

    retitle_strict_children(obj, kr)
    broken = break_one_link(rng, obj, units)
    key_results = key_results_frame(kr, cycles)
    key_results["manual_score"] = manual_scores(rng, kr, key_results)

    tables = {
        "cycles": pd.DataFrame(
            [(c.cycle_id, c.name, c.start, c.end) for c in cycles],
            columns=schema.CYCLES.column_names,
        ),
        "teams": teams_frame(units),
        "objectives": pd.DataFrame(obj.rows, columns=schema.OBJECTIVES.column_names),
        "key_results": key_results,
        "check_ins": check_ins,
    }
    tables = {name: canonical(name, frame) for name, frame in tables.items()}
    truth = read_truth(tables, kr, special, obj, single, broken, as_of)
    return DemoCompany(tables=tables, as_of=as_of, truth=truth)


def generate_demo(seed: int = DEMO_SEED) -> DemoCompany:
    """The demo company: Acme Corp, 6 departments, 32 teams, Q1–Q4 2026, Q4 running."""
    return generate_company(seed=seed)


def write_data_files(data_dir: Path | str = Path("data")) -> tuple[Path, Path]:
    """Regenerate data/demo_company.xlsx and data/okr_template.xlsx; returns both paths."""
    from pipelines.write.workbook import write_canonical_workbook

    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    demo_path = data_dir / "demo_company.xlsx"
    template_path = data_dir / "okr_template.xlsx"
    write_canonical_workbook(generate_demo().tables, demo_path)
    write_canonical_workbook(template_tables(), template_path, readme=template_readme())
    return demo_path, template_path


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m demo_company.generate [--write-data]`: print the sizes or write the files."""
    parser = argparse.ArgumentParser(description="The OKR Health demo company.")
    parser.add_argument(
        "--write-data", action="store_true", help="rewrite demo_company.xlsx and okr_template.xlsx"
    )
    parser.add_argument("--data-dir", default="data", type=Path)
    args = parser.parse_args(argv)
    if args.write_data:
        for path in write_data_files(args.data_dir):
            print(f"wrote {path}")
        return
    company = generate_demo()
    for name, frame in company.tables.items():
        print(f"{name}: {len(frame)} rows")


if __name__ == "__main__":
    main()
