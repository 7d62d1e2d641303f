"""Alignment: top objectives, aligned/orphan/broken, strict vs directional, loops, the tree."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.alignment.links import (
    alignment_coverage,
    alignment_loops,
    alignment_tree,
    objective_links,
)
from tests.support.frames import dataset, kr, objective, report

OBJECTIVES = [
    objective("top1", level="company", team_id="co"),
    objective("top2", level="company", team_id="co"),
    objective("top3", team_id="co"),  # no level, but the company's own and unlinked
    objective("co-sub", team_id="co", level="team", parent_objective_id="top1"),
    objective("a1", team_id="d1", parent_objective_id="top1"),
    objective("a2", team_id="t1", parent_kr_id="top1-kr"),
    objective("a3", team_id="t1", parent_objective_id="a1"),
    objective("orphan", team_id="t1"),
    objective("blank-link", team_id="t1", parent_objective_id="  "),
    objective("broken", team_id="t1", parent_objective_id="nowhere"),
    objective("half-broken", team_id="t2", parent_objective_id="a1", parent_kr_id="no-kr"),
    objective("self", team_id="t2", parent_objective_id="self"),
    objective("loop-a", team_id="t2", parent_objective_id="loop-b"),
    objective("loop-b", team_id="t2", parent_kr_id="loop-a-kr"),
    objective("above-loop", team_id="t2", parent_objective_id="loop-a"),
]
KEY_RESULTS = [kr("top1-kr", "top1"), kr("loop-a-kr", "loop-a")]


def links() -> pd.DataFrame:
    ds = dataset(OBJECTIVES, KEY_RESULTS)
    return objective_links(ds.objectives, ds.key_results, ds.teams).set_index("objective_id")


@pytest.mark.parametrize(
    ("objective_id", "status", "link", "broken", "depth", "anchored"),
    [
        ("top1", "top", "none", False, 0, True),
        ("top2", "top", "none", False, 0, True),
        ("top3", "top", "none", False, 0, True),
        ("co-sub", "aligned", "directional", False, 1, True),
        ("a1", "aligned", "directional", False, 1, True),
        ("a2", "aligned", "strict", False, 1, True),
        ("a3", "aligned", "directional", False, 2, True),
        ("orphan", "orphan", "none", False, 0, False),
        ("blank-link", "orphan", "none", False, 0, False),
        ("broken", "broken", "none", True, 0, False),
        ("half-broken", "aligned", "directional", True, 2, True),
        ("self", "aligned", "directional", False, None, False),
        ("loop-a", "aligned", "directional", False, None, False),
        ("loop-b", "aligned", "strict", False, None, False),
        ("above-loop", "aligned", "directional", False, None, False),
    ],
)
def test_objective_links(objective_id, status, link, broken, depth, anchored):
    row = links().loc[objective_id]
    assert (row["status"], row["link"], bool(row["broken"])) == (status, link, broken)
    assert (None if pd.isna(row["depth"]) else int(row["depth"])) == depth
    assert bool(row["anchored"]) == anchored


def test_unsupported_top_and_loops():
    frame = links()
    assert set(frame.index[frame["unsupported_top"]]) == {"top2", "top3"}
    assert set(frame.index[frame["in_loop"]]) == {"self", "loop-a", "loop-b"}
    ds = dataset(OBJECTIVES, KEY_RESULTS)
    assert alignment_loops(ds.objectives, ds.key_results) == ["loop-a", "loop-b", "self"]


def test_coverage_counts():
    row = alignment_coverage(links().reset_index()).iloc[0]
    expected = {
        "objectives": 15,
        "top": 3,
        "non_top": 12,
        "aligned": 9,
        "orphans": 2,
        "broken_links": 2,
        "unsupported_top": 2,
        "strict": 2,
        "directional": 7,
        "loops": 3,
        "max_depth": 2,
    }
    assert {k: row[k] for k in expected} == expected
    assert row["aligned_share"] == pytest.approx(9 / 12)


def test_strict_link_to_a_missing_key_result_is_broken():
    ds = dataset([objective("top", level="company"), objective("x", parent_kr_id="kr-gone")], [])
    row = objective_links(ds.objectives, ds.key_results, ds.teams).set_index("objective_id")
    assert row.loc["x", "status"] == "broken"


def test_tree_rolls_scores_up_the_org():
    """Company → department → teams → objectives; values count objectives, scores are the
    mean objective score of each subtree (the roll-up of docs/scoring.md)."""
    rep = report(
        [
            objective("c", team_id="co", level="company"),
            objective("d", team_id="d1"),
            objective("x", team_id="t1"),
            objective("y", team_id="t2"),
            objective("lost", team_id="ghost-team"),
        ],
        [
            kr("kc", "c", current_value=1.0, target_value=1.0),
            kr("kd", "d", current_value=0.5, target_value=1.0),
            kr("kx", "x", current_value=0.2, target_value=1.0),
            kr("ky", "y", current_value=0.6, target_value=1.0),
            kr("kl", "lost", current_value=0.3, target_value=1.0),
        ],
    )
    tree = rep.tree.set_index("id")
    assert set(tree["parent"]) - {""} <= set(tree.index)
    assert tree.loc["Q1/t/co", ["value", "parent", "kind"]].tolist() == [4, "", "company"]
    assert tree.loc["Q1/t/co", "score"] == pytest.approx((1.0 + 0.5 + 0.2 + 0.6) / 4)
    assert tree.loc["Q1/t/d1", "score"] == pytest.approx((0.5 + 0.2 + 0.6) / 3)
    assert tree.loc["Q1/t/d1", "parent"] == "Q1/t/co"
    assert tree.loc["Q1/t/t1", ["label", "value"]].tolist() == ["Team One", 1]
    assert tree.loc["Q1/o/x", ["parent", "kind", "score"]].tolist() == ["Q1/t/t1", "objective", 0.2]
    assert tree.loc["Q1/t/__unassigned__", ["label", "value", "parent"]].tolist() == [
        "Unassigned",
        1,
        "",
    ]
    children = tree[tree["parent"] != ""].groupby("parent")["value"].sum()
    teams_only = tree[tree["kind"] != "objective"]
    assert (teams_only["value"] >= children.reindex(teams_only.index).fillna(0)).all()


def test_tree_without_teams_table():
    ds = dataset([objective("x", team_id="t9")], [kr("k", "x", current_value=1.0)], teams=[])
    tree = alignment_tree(ds.objectives.assign(score=0.5), ds.teams)
    assert tree["kind"].tolist() == ["unassigned", "objective"]


def test_long_chains_and_links_out_of_the_table():
    """Depth counts every link (pointer jumping must not lose one); a strict link to a key
    result whose objective is missing still counts as a link, ending the chain outside."""
    chain = [objective("c0", level="company", team_id="co")]
    chain += [
        objective(f"c{i}", team_id="t1", parent_objective_id=f"c{i - 1}") for i in range(1, 12)
    ]
    outside = [
        objective("strict-out", team_id="t1", parent_kr_id="lost-kr"),
        objective("below-out", team_id="t1", parent_objective_id="strict-out"),
    ]
    ds = dataset(chain + outside, [kr("lost-kr", "not-an-objective")])
    frame = objective_links(ds.objectives, ds.key_results, ds.teams).set_index("objective_id")
    assert frame.loc[[f"c{i}" for i in range(12)], "depth"].tolist() == list(range(12))
    assert frame.loc[[f"c{i}" for i in range(12)], "anchored"].all()
    assert frame.loc[
        "strict-out", ["status", "link", "parent_id", "depth", "anchored"]
    ].tolist() == [
        "aligned",
        "strict",
        "not-an-objective",
        1,
        False,
    ]
    assert frame.loc["below-out", "depth"] == 2
    assert frame.loc["c0", "children"] == 1 and frame.loc["strict-out", "children"] == 1


def test_tree_survives_a_loop_of_teams():
    """Teams whose parents run in a circle (y → z → y, with x below them) still give one
    node per team and cycle, each counting the objectives under it once."""
    teams: list[dict[str, str | None]] = [
        {"team_id": "x", "name": "X", "parent_team_id": "y", "level": "team"},
        {"team_id": "y", "name": "Y", "parent_team_id": "z", "level": "team"},
        {"team_id": "z", "name": None, "parent_team_id": "y", "level": None},
    ]
    ds = dataset([objective("o", team_id="x"), objective("p", team_id="z")], [], teams=teams)
    tree = alignment_tree(ds.objectives.assign(score=[0.2, 0.6]), ds.teams).set_index("id")
    assert tree.loc[["Q1/t/x", "Q1/t/y", "Q1/t/z"], "value"].tolist() == [1, 2, 2]
    assert tree.loc["Q1/t/y", "score"] == pytest.approx(0.4)
    assert tree.loc["Q1/t/z", ["label", "kind", "parent"]].tolist() == ["z", "team", "Q1/t/y"]
    assert tree.index.is_unique
