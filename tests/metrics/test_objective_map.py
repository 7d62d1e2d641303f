"""The map of objectives (metrics/alignment/objective_map.py): which objective hangs under
which, on small link graphs built by objective_links from real canonical frames."""

from __future__ import annotations

import pandas as pd

from metrics.alignment.links import objective_links
from metrics.alignment.objective_map import objective_map
from tests.support.frames import dataset, kr, objective


def links_of(objectives: list[dict], key_results: list[dict] | None = None) -> pd.DataFrame:
    ds = dataset(objectives, key_results or [])
    return objective_links(ds.objectives, ds.key_results, ds.teams)


def pairs(tree: pd.DataFrame) -> set[tuple[str, str]]:
    """(parent, child) of every objective that hangs under another in the map."""
    hung = tree[tree["parent_id"].notna()]
    return set(zip(hung["parent_id"], hung["objective_id"], strict=True))


def test_a_chain_hangs_each_objective_under_the_one_it_supports():
    links = links_of(
        [
            objective("top", level="company", team_id="co", title="Top"),
            objective("dept", team_id="d1", parent_objective_id="top", title="Dept"),
            objective("team", team_id="t1", parent_kr_id="dept-kr", title="Team"),
        ],
        [kr("dept-kr", "dept")],
    )
    tree = objective_map(links)
    assert tree["objective_id"].tolist() == ["top", "dept", "team"]  # reading order
    assert pairs(tree) == {("top", "dept"), ("dept", "team")}  # directional and strict
    assert tree["depth"].tolist() == [0, 1, 2]
    assert tree["below"].tolist() == [2, 1, 0]
    assert tree["supported_by"].tolist() == [1, 1, 0]
    assert tree["root_reason"].fillna("").tolist() == ["top", "", ""]
    assert set(tree["root_id"]) == {"top"}


def test_two_roots_each_carry_their_own_subtree_siblings_by_title():
    links = links_of(
        [
            objective("b-top", level="company", team_id="co", title="B top"),
            objective("a-top", level="company", team_id="co", title="A top"),
            objective("z", team_id="d1", parent_objective_id="a-top", title="Z under A"),
            objective("y", team_id="d1", parent_objective_id="a-top", title="Y under A"),
            objective("x", team_id="t1", parent_objective_id="b-top", title="X under B"),
        ]
    )
    tree = objective_map(links)
    assert tree["objective_id"].tolist() == ["a-top", "y", "z", "b-top", "x"]
    assert tree.set_index("objective_id")["root_id"].to_dict() == {
        "a-top": "a-top", "y": "a-top", "z": "a-top", "b-top": "b-top", "x": "b-top",
    }  # fmt: skip
    assert pairs(tree) == {("a-top", "y"), ("a-top", "z"), ("b-top", "x")}


def test_an_orphan_and_a_broken_link_are_roots_that_say_why():
    links = links_of(
        [
            objective("top", level="company", team_id="co", title="Top"),
            objective("orphan", team_id="t1", title="Nobody's"),
            objective("broken", team_id="t1", parent_objective_id="gone", title="Lost"),
            objective("under-orphan", team_id="t1", parent_objective_id="orphan", title="U"),
        ]
    )
    tree = objective_map(links).set_index("objective_id")
    assert tree["root_reason"].fillna("").to_dict() == {
        "top": "top", "orphan": "orphan", "broken": "broken", "under-orphan": "",
    }  # fmt: skip
    assert tree.at["under-orphan", "parent_id"] == "orphan"
    assert tree.at["orphan", "below"] == 1
    # the top objective first, then the roots linked to no top objective
    assert list(tree.index) == ["top", "orphan", "under-orphan", "broken"]


def test_a_loop_is_cut_at_each_of_its_objectives_and_what_hangs_below_stays():
    links = links_of(
        [
            objective("loop-a", team_id="t1", parent_objective_id="loop-b", title="A"),
            objective("loop-b", team_id="t2", parent_kr_id="loop-a-kr", title="B"),
            objective("self", team_id="t2", parent_objective_id="self", title="Self"),
            objective("below", team_id="t2", parent_objective_id="loop-a", title="Below"),
        ],
        [kr("loop-a-kr", "loop-a")],
    )
    tree = objective_map(links).set_index("objective_id")
    assert len(tree) == 4  # every objective once, the walk ends
    assert tree.loc[["loop-a", "loop-b", "self"], "root_reason"].tolist() == ["loop"] * 3
    assert tree.loc[["loop-a", "loop-b", "self"], "parent_id"].isna().all()
    assert tree.at["below", "parent_id"] == "loop-a"
    assert tree.at["loop-a", "supports_title"] == "B"  # what it names, though cut


def test_a_view_roots_objectives_whose_parent_is_outside_it_under_that_parents_name():
    links = links_of(
        [
            objective("top", level="company", team_id="co", title="Company goal"),
            objective("dept", team_id="d1", parent_objective_id="top", title="Dept goal"),
            objective("team", team_id="t1", parent_objective_id="dept", title="Team goal"),
        ]
    )
    tree = objective_map(links, ["dept", "team"]).set_index("objective_id")
    assert list(tree.index) == ["dept", "team"]
    assert tree.at["dept", "root_reason"] == "outside"
    assert tree.at["dept", "supports_title"] == "Company goal"
    assert tree.at["team", "parent_id"] == "dept"


def test_an_empty_view_is_an_empty_map():
    links = links_of([objective("top", level="company", team_id="co")])
    assert objective_map(links, []).empty
