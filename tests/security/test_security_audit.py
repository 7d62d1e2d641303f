"""Dependency audit: no installed package has a published vulnerability (pip-audit).

pip-audit asks a vulnerability service (PyPI's JSON API, or OSV) about every installed
distribution. Where the service cannot be reached — no network, or a mirror without the
per-release API — the audit is skipped with the reason, never passed silently: a report
that looked nothing up is not a clean report.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def test_no_installed_dependency_has_a_known_vulnerability() -> None:
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pip_audit", "--local", "--skip-editable", "--format",
             "json", "--progress-spinner", "off", "--timeout", "20"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.skip("dependency audit skipped: the vulnerability service did not answer in 300 s")
    if "No module named pip_audit" in result.stderr:
        pytest.skip("dependency audit skipped: pip-audit is not installed (pip install -e .[dev])")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"dependency audit skipped: the vulnerability service is unreachable ({last})")
    dependencies = report["dependencies"]
    looked_up = [d for d in dependencies if "skip_reason" not in d]
    if len(looked_up) < len(dependencies) / 2:
        reason = next((d["skip_reason"] for d in dependencies if "skip_reason" in d), "")
        pytest.skip(
            f"dependency audit skipped: the vulnerability service answered for "
            f"{len(looked_up)} of {len(dependencies)} packages ({reason})"
        )
    vulnerable = [
        f"{d['name']} {d['version']}: {v['id']} (fixed in {', '.join(v['fix_versions']) or '—'})"
        for d in looked_up
        for v in d.get("vulns", [])
    ]
    assert not vulnerable, "known vulnerabilities:\n" + "\n".join(vulnerable)
