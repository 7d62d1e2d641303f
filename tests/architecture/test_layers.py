"""The house's one-way imports, checked on the source itself.

Layers, from the bottom: `pipelines` (files in, the store) ← `metrics` (pure computations)
← `reporting` (the report of a store, cached beside it) ← `exports` (closing packs) ←
`dashboard` and `okr_health` (the command line). `demo_company` is a source of data: it
fills the store through `pipelines` and knows nothing above it. No module imports one above
its layer, none imports another that imports it back (directly or around a loop), and none
is longer than a newcomer can read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("pipelines", "metrics", "reporting", "exports", "dashboard", "okr_health",
            "demo_company")  # fmt: skip
# What each package must never import (a prefix: the package or any module in it).
FORBIDDEN = {
    "pipelines": ("metrics", "reporting", "exports", "dashboard", "okr_health", "demo_company",
                  "streamlit", "plotly"),
    "metrics": ("reporting", "exports", "dashboard", "okr_health", "demo_company", "streamlit",
                "plotly"),
    "reporting": ("exports", "dashboard", "okr_health", "demo_company", "streamlit"),
    "exports": ("dashboard", "okr_health", "demo_company", "streamlit"),
    "demo_company": ("metrics", "reporting", "exports", "dashboard", "okr_health", "streamlit"),
    "dashboard": ("okr_health",),
}  # fmt: skip
MAX_LINES = 400
# A module allowed above MAX_LINES while it is being split (none today): name -> its limit.
SPLITTING: dict[str, int] = {}

# The dashboard's one door to the store: only these modules open it (directly, through an
# import's load or through the report) or keep a Streamlit cache. The canonical model and
# the history in words hold no connection and may be imported anywhere.
DOOR = ("dashboard.state", "dashboard.state_writes")
BEHIND_THE_DOOR = ("pipelines.store", "pipelines.ingest", "reporting")
OPEN_TO_ALL = ("pipelines.store.schema", "pipelines.store.history_words")


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    line: int


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Every module of the given packages, by dotted name."""
    return {module_name(root, p): p for package in packages
            for p in sorted((root / package).rglob("*.py"))}  # fmt: skip


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> Iterator[Edge]:
    """What a module imports, anywhere in it (functions included); `from a import b` names
    the module `a.b` when there is one, else `a`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Edge(name, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield Edge(name, sub if sub in modules else base, node.lineno)


def all_packages(root: Path) -> tuple[str, ...]:
    return tuple(sorted(p.parent.name for p in root.glob("*/__init__.py")))


def upward_imports(root: Path, packages: tuple[str, ...] = PACKAGES) -> list[str]:
    """Imports that run against the layers, as `module:line imports target` lines."""
    modules = source_files(root, all_packages(root))
    found = []
    for name, path in source_files(root, packages).items():
        banned = FORBIDDEN.get(name.split(".")[0], ())
        for edge in imports_of(name, path, modules):
            if any(edge.imported == b or edge.imported.startswith(b + ".") for b in banned):
                found.append(f"{name}:{edge.line} imports {edge.imported}")
    return found


def import_cycles(root: Path, packages: tuple[str, ...] = PACKAGES) -> list[list[str]]:
    """Groups of modules that import each other around a loop (Tarjan's strongly connected
    components of the import graph, groups of two or more, or a module importing itself)."""
    modules = source_files(root, packages)
    graph = {name: sorted({e.imported for e in imports_of(name, path, modules)
                           if e.imported in modules})
             for name, path in modules.items()}  # fmt: skip
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:  # recursion depth is the import depth: small
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                groups.append(sorted(group))

    for node in graph:
        if node not in index:
            connect(node)
    return groups


def long_modules(root: Path, packages: tuple[str, ...] = PACKAGES) -> list[str]:
    return [f"{name}: {n} lines" for name, path in source_files(root, packages).items()
            if (n := len(path.read_text(encoding="utf-8").splitlines()))
            > SPLITTING.get(name, MAX_LINES)]  # fmt: skip


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def door_leaks(root: Path) -> list[str]:
    """Dashboard modules other than the door that import the store, an import's load or the
    report, or keep a Streamlit cache (st.cache_data, st.cache_resource, and their clear()),
    as `module:line what` lines."""
    modules = source_files(root, all_packages(root))
    found = []
    for name, path in source_files(root, ("dashboard",)).items():
        if name in DOOR:
            continue
        for edge in imports_of(name, path, modules):
            if _under(edge.imported, BEHIND_THE_DOOR) and not _under(edge.imported, OPEN_TO_ALL):
                found.append(f"{name}:{edge.line} imports {edge.imported}")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("cache_data", "cache_resource"):
                found.append(f"{name}:{node.lineno} uses st.{node.attr}")
    return found


def test_no_module_imports_a_layer_above_it() -> None:
    assert upward_imports(ROOT) == []


def test_no_import_cycles() -> None:
    assert import_cycles(ROOT) == []


def test_no_module_is_over_400_lines() -> None:
    assert long_modules(ROOT) == []


def test_only_the_door_opens_the_store_or_caches_in_the_dashboard() -> None:
    assert door_leaks(ROOT) == []


# --- the checks themselves fail where they should -------------------------------------------


def plant(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pipelines/__init__.py": "", "pipelines/load.py": "from metrics.scoring import x\n",
          "metrics/__init__.py": "", "metrics/scoring.py": "x = 1\n"},
         ["pipelines.load:1 imports metrics.scoring"]),
        ({"metrics/__init__.py": "", "metrics/pace.py": "def f():\n    import streamlit\n"},
         ["metrics.pace:2 imports streamlit"]),
        ({"exports/__init__.py": "", "exports/pack.py": "from dashboard import state\n",
          "dashboard/__init__.py": "", "dashboard/state.py": ""},
         ["exports.pack:1 imports dashboard.state"]),
        ({"metrics/__init__.py": "", "metrics/a.py": "from . import b\n", "metrics/b.py": ""},
         []),
    ],
)  # fmt: skip
def test_an_upward_import_is_found(tmp_path: Path, files: dict[str, str],
                                   expected: list[str]) -> None:  # fmt: skip
    assert upward_imports(plant(tmp_path, files), ("pipelines", "metrics", "exports")) == expected


def test_a_cycle_is_found(tmp_path: Path) -> None:
    root = plant(tmp_path, {
        "pipelines/__init__.py": "",
        "pipelines/store.py": "def write():\n    from pipelines.load import load\n",
        "pipelines/load.py": "from pipelines.store import upsert\n",
        "pipelines/rows.py": "from pipelines import store\n",
    })  # fmt: skip
    assert import_cycles(root, ("pipelines",)) == [["pipelines.load", "pipelines.store"]]


def test_a_long_module_is_found(tmp_path: Path) -> None:
    root = plant(tmp_path, {"metrics/__init__.py": "", "metrics/big.py": "x = 1\n" * 401,
                            "metrics/fits.py": "x = 1\n" * 400})  # fmt: skip
    assert long_modules(root, ("metrics",)) == ["metrics.big: 401 lines"]


def test_a_leak_through_the_door_is_found(tmp_path: Path) -> None:
    root = plant(tmp_path, {
        "dashboard/__init__.py": "",
        "dashboard/state.py": "import streamlit as st\nfrom pipelines.store import undo\n"
                              "@st.cache_data\ndef f(): ...\n",
        "dashboard/views/__init__.py": "",
        "dashboard/views/page.py": "from pipelines.store.undo import undo\n"
                                   "from pipelines.store.schema import counted\n",
        "dashboard/views/cached.py": "import streamlit as st\n\n\n@st.cache_resource\n"
                                     "def f(): ...\n",
        "dashboard/views/report.py": "def f():\n    from reporting.versions import load_at\n",
        "pipelines/__init__.py": "", "pipelines/store/__init__.py": "",
        "pipelines/store/undo.py": "", "pipelines/store/schema.py": "",
        "reporting/__init__.py": "", "reporting/versions.py": "",
    })  # fmt: skip
    assert door_leaks(root) == [
        "dashboard.views.cached:4 uses st.cache_resource",
        "dashboard.views.page:1 imports pipelines.store.undo",
        "dashboard.views.report:2 imports reporting.versions",
    ]
