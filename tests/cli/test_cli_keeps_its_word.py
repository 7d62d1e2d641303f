"""The command line does what its help and docs/cli.md say: one default cycle, an unknown
cycle refused everywhere, undo naming what it undid, refused imports creating nothing,
unsupported kinds said first, flags shown as flags, the README's examples real, and flags
only on a pattern. Each runs `python -m okr_health.cli` as a user would."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipelines.ingest import ingest_files
from tests.support.stores import canonical, small_company, write_store

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "okr_health.cli"]
Q2: dict[str, object] = {"cycle_id": "2026-Q2", "name": "Q2 2026",
                         "start_date": date(2026, 4, 1), "end_date": date(2026, 6, 30)}  # fmt: skip


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, env=env)


def ok(*args: str) -> str:
    done = run(*args)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def with_q2(tables: dict[str, pd.DataFrame], objectives: bool) -> dict[str, pd.DataFrame]:
    """The small company (all in 2026-Q1) with a 2026-Q2 cycle after it, empty or holding a
    copy of Q1's first objective and its key results."""
    tables = dict(tables)
    cycles: list[dict] = [*tables["cycles"].to_dict("records"), Q2]
    tables["cycles"] = canonical("cycles", cycles)
    if objectives:
        original = tables["objectives"].iloc[[0]]
        first = original.assign(objective_id="q2-o", cycle_id="2026-Q2")
        krs = tables["key_results"]
        copied = krs[krs["objective_id"] == original["objective_id"].iloc[0]]
        copied = copied.assign(objective_id="q2-o", kr_id="q2-" + copied["kr_id"])
        tables["objectives"] = canonical(
            "objectives", [*tables["objectives"].to_dict("records"), *first.to_dict("records")]
        )
        tables["key_results"] = canonical(
            "key_results", [*krs.to_dict("records"), *copied.to_dict("records")]
        )
    return tables


@pytest.fixture
def empty_q2_store(tmp_path: Path) -> Path:
    """2026-Q2 is running on the as-of day but holds no objectives yet."""
    db = tmp_path / "empty-q2.duckdb"
    return write_store(db, with_q2(small_company(), objectives=False), as_of=date(2026, 5, 1))


def scored_cycles(db: Path, *extra: str) -> set[str]:
    rows = csv.DictReader(io.StringIO(ok("scores", "--db", str(db), *extra)))
    return {row["cycle_id"] for row in rows}


# --- one default cycle ------------------------------------------------------------------------


def test_every_command_opens_on_the_latest_cycle_with_objectives(empty_q2_store: Path,
                                                                  tmp_path: Path):  # fmt: skip
    db = str(empty_q2_store)
    assert json.loads(ok("summary", "--db", db, "--json"))["cycle"] == "2026-Q1"
    assert ok("summary", "--db", db).startswith("Cycle 2026-Q1")
    assert scored_cycles(empty_q2_store) == {"2026-Q1"}
    out = ok("report", "--team", "co", "--out", str(tmp_path / "pack.html"), "--db", db)
    assert out.startswith("Closing pack of Small Co for Q1 2026 written")


def test_the_dashboard_opens_on_the_same_cycle(empty_q2_store: Path,
                                               monkeypatch: pytest.MonkeyPatch):  # fmt: skip
    from tests.support.pages import open_app

    at = open_app(empty_q2_store, monkeypatch)
    assert at.selectbox(key="cycle").value == "2026-Q1"


def test_scores_default_to_one_cycle_and_list_every_cycle_on_request(tmp_path: Path):
    db = write_store(tmp_path / "two.duckdb", with_q2(small_company(), objectives=True),
                     as_of=date(2026, 5, 1))  # fmt: skip
    assert scored_cycles(db) == {"2026-Q2"}  # running, with objectives
    assert scored_cycles(db, "--cycle", "2026-Q1") == {"2026-Q1"}
    assert scored_cycles(db, "--cycle", "all") == {"2026-Q1", "2026-Q2"}


def test_scores_help_says_what_scores_does():
    help_text = " ".join(ok("scores", "--help").split())
    assert "default: the latest cycle with objectives" in help_text
    assert "`all`" in help_text and "the running one)" not in help_text


# --- an unknown cycle is an error everywhere --------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["summary"], ["summary", "--json"], ["scores"], ["scores", "--format", "json"],
     ["report", "--team", "co", "--out", "pack.xlsx"]],
)  # fmt: skip
def test_an_unknown_cycle_is_an_error(empty_q2_store: Path, tmp_path: Path, command: list[str]):
    command = [str(tmp_path / c) if c == "pack.xlsx" else c for c in command]
    done = run(*command, "--cycle", "2027-Q1", "--db", str(empty_q2_store))
    assert done.returncode == 1
    assert done.stdout == ""
    assert "unknown cycle '2027-Q1'; known: 2026-Q1, 2026-Q2" in done.stderr
    assert not (tmp_path / "pack.xlsx").exists()


# --- undo names what it undoes ----------------------------------------------------------------


def flat_csv(path: Path, current: int) -> Path:
    path.write_text(
        "Quarter,Team,Objective,Key Result,Owner,Start,Target,Current\n"
        f"2026-Q4,Sales,Grow revenue,Revenue 0 to 100,Ana,0,100,{current}\n"
    )
    return path


def test_undo_without_a_number_undoes_the_latest_write_and_names_it(tmp_path: Path):
    db = str(tmp_path / "s.duckdb")
    ok("ingest", str(flat_csv(tmp_path / "week1.csv", 10)), "--db", db, "--no-warm")
    ok("ingest", str(flat_csv(tmp_path / "week2.csv", 40)), "--db", db, "--no-warm")
    (tmp_path / "notes.csv").write_text("colour,size\nred,9\n")
    assert run("ingest", str(tmp_path / "notes.csv"), "--db", db, "--no-warm").returncode == 1
    history = ok("history", "--db", db).splitlines()
    assert history[0].startswith("#3") and "notes.csv: rejected" in history[0]
    out = ok("undo", "--db", db, "--no-warm")
    first = out.splitlines()[0]
    assert first.startswith("undone: #2 (recorded as #4): the import of week2.csv (")
    assert first.endswith("the latest write; after it #3 (rejected) changed nothing")
    scores = csv.DictReader(io.StringIO(ok("scores", "--db", db)))
    assert [row["score"] for row in scores] == ["0.1000"]  # week 1's value again


def test_undo_with_a_number_names_that_import(tmp_path: Path):
    db = str(tmp_path / "s.duckdb")
    ok("ingest", str(flat_csv(tmp_path / "week1.csv", 10)), "--db", db, "--no-warm")
    ok("ingest", str(flat_csv(tmp_path / "week2.csv", 40)), "--db", db, "--no-warm")
    first = ok("undo", "1", "--db", db, "--no-warm").splitlines()[0]
    assert first.startswith("undone: #1, #2 (recorded as #3): the import of week1.csv (")
    assert "latest" not in first


# --- a refused import creates nothing ---------------------------------------------------------


def test_a_wrong_path_creates_no_store(tmp_path: Path):
    db = tmp_path / "new.duckdb"
    done = run("ingest", str(tmp_path / "okrs.xlsx"), "--db", str(db))
    assert done.returncode == 1
    assert f"{tmp_path / 'okrs.xlsx'}: no such file or folder" in done.stderr
    assert "rejected: 1 problem; nothing was written." in done.stderr
    assert not db.exists() and list(tmp_path.iterdir()) == []


def test_a_wrong_path_leaves_the_history_of_a_store_as_it_was(tmp_path: Path):
    db = str(tmp_path / "s.duckdb")
    ok("ingest", str(flat_csv(tmp_path / "week1.csv", 10)), "--db", db, "--no-warm")
    before = ok("history", "--db", db)
    done = run("ingest", str(tmp_path / "typo.csv"), "--db", db, "--json")
    assert done.returncode == 1
    found = json.loads(done.stdout)
    assert (found["ok"], found["outcome"]) == (False, "rejected")
    assert found["problems"][0]["message"] == "no such file or folder"
    assert ok("history", "--db", db) == before


# --- unsupported kinds are said first, with how to convert them -------------------------------


def zipped(path: Path, member: str) -> Path:
    """A zip package as Numbers, LibreOffice and Word write them (a member inside)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, "<document/>")
    return path


@pytest.mark.parametrize(
    ("name", "said"),
    [("plan.numbers", "Numbers files cannot be read: in Numbers, File → Export To → CSV or Excel"),
     ("plan.ods", "OpenDocument spreadsheets cannot be read: in LibreOffice Calc, File → Save As"),
     ("plan.pdf", "PDF files cannot be read"),
     ("plan.docx", "Word documents cannot be read: copy the OKR table into a spreadsheet")],
)  # fmt: skip
def test_an_unsupported_kind_is_said_first(tmp_path: Path, name: str, said: str):
    path = tmp_path / name
    if name.endswith(".pdf"):
        path.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n")
    else:
        zipped(path, "content.xml")
    db = tmp_path / "s.duckdb"
    done = run("ingest", str(path), "--db", str(db))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"{path}: {said}")
    assert "no OKR table" not in done.stderr and not db.exists()
    # The Data page reads through the same reader: the same words, first.
    problems = ingest_files([(name, path.read_bytes())], tmp_path / "page.duckdb",
                            dry_run=True).problems  # fmt: skip
    assert problems[0].message.startswith(said)


# --- flags read as flags ----------------------------------------------------------------------


def test_flags_show_no_value_in_the_help():
    commands = re.findall(r"^│ (\w+) ", ok("--help"), re.M)
    assert {"demo", "ingest", "undo", "summary", "scores", "report", "serve"} <= set(commands)
    for command in commands:
        text = ok(command, "--help")
        assert "<bool>" not in text, command
    ingest_help = ok("ingest", "--help")
    assert re.search(r"--dry-run\s+Validate and say what would change", ingest_help)
    assert re.search(r"--mapping\s+<path>", ingest_help)  # an option with a value keeps it


# --- the README's examples run as written -----------------------------------------------------


def readme_commands() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Command line", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("#")[0].split() for line in block.splitlines()
            if line.startswith("okr-health ")]  # fmt: skip


def test_the_readme_says_how_to_get_the_command_and_its_examples_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Command line", 1)[1].split("```", 2)[1]
    assert ". .venv/bin/activate" in block  # after `make run`, this puts okr-health on PATH
    commands = readme_commands()
    assert len(commands) >= 8
    for words in commands:
        help_text = ok(words[1], "--help")
        for flag in re.findall(r"--[a-z-]+", " ".join(words)):
            assert flag in help_text, f"{' '.join(words)}: {flag} is not an option of {words[1]}"


def test_the_activated_environment_has_the_command():
    assert (Path(sys.executable).parent / "okr-health").exists()


# --- flags need the pattern they name ---------------------------------------------------------


def test_one_template_with_one_cycle_raises_no_goal_setting_flag(tmp_path: Path):
    db = str(tmp_path / "t.duckdb")
    ok("ingest", str(ROOT / "data" / "okr_template.xlsx"), "--db", db, "--no-warm")
    summary = json.loads(ok("summary", "--db", db, "--json"))
    assert summary["flags"]["sandbagging"] == [] and summary["flags"]["over_ambitious"] == []
    assert "sandbagging" not in ok("summary", "--db", db)
