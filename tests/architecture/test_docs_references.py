"""Every rule the code points to is in the repository: no source file cites the old outside
specification ("SPEC §"), and every `docs/FILE.md` (with its `"Section"`, when one is named)
that a source file cites exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", ".git", "tests", "node_modules", "build", "out"}
# docs/scoring.md, or docs/scoring.md, "Ranges" (a heading of that file, any level)
CITATION = re.compile(r'docs/([\w./-]+\.md)(?:,\s*"([^"\n]+)")?')
OUTSIDE = "SPEC §"


def sources(root: Path) -> list[Path]:
    """The product's .py files: everything but tests and tooling folders."""
    return sorted(
        p for p in root.rglob("*.py") if not SKIPPED & set(p.relative_to(root).parts[:-1])
    )


def headings(doc: Path) -> set[str]:
    """The text of every Markdown heading of `doc`."""
    return {m.group(1).strip() for m in re.finditer(r"^#+\s+(.+)$", doc.read_text(), re.M)}


def broken_citations(root: Path) -> list[str]:
    """`path:line: what` for each citation of the outside spec or of a missing doc/section."""
    found = []
    for path in sources(root):
        name = path.relative_to(root)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE in line:
                found.append(f"{name}:{number}: cites {OUTSIDE!r}, a file outside the repository")
            for doc_name, section in CITATION.findall(line):
                doc = root / "docs" / doc_name
                if not doc.is_file():
                    found.append(f"{name}:{number}: docs/{doc_name} does not exist")
                elif section and section not in headings(doc):
                    found.append(f"{name}:{number}: docs/{doc_name} has no section {section!r}")
    return found


def test_every_citation_in_the_code_is_a_doc_of_the_repository():
    assert broken_citations(ROOT) == []


def test_the_check_finds_the_outside_spec_and_missing_docs(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "scoring.md").write_text("# Scoring\n\n## Ranges\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(
        '"""Scores (SPEC §5).\n\nSee docs/scoring.md, "Ranges" and docs/scoring.md, "Bands";\n'
        'docs/pages.md and docs/scoring.md."""\n'
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text('"""SPEC §5, docs/none.md"""\n')
    assert broken_citations(tmp_path) == [
        "pkg/a.py:1: cites 'SPEC §', a file outside the repository",
        "pkg/a.py:3: docs/scoring.md has no section 'Bands'",
        "pkg/a.py:4: docs/pages.md does not exist",
    ]
