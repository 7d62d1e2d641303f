"""Two `okr-health serve` replicas behind nginx, used through the proxy in Chromium.

`okr-health serve --replicas 2` is started as a person would start it, on loopback ports:
two browsers land on different replicas and stay there (sticky sessions), a closing pack
downloads through the proxy and opens in openpyxl, an import made with `okr-health ingest`
while they serve is seen by both replicas on the next click, and stopping the command
leaves no replica and no nginx behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from okr_health.deploy import TEMPLATE, free_port, nginx_binary, render_config

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
CHANGE = (
    "Quarter,Team,Objective,Key Result,Owner,Start,Target,Current\n"
    "2026-Q4,Sales,Seen through the proxy,Deals 0 to 10,Ann,0,10,5\n"
)

needs_browser_and_nginx = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
    pytest.mark.skipif(
        nginx_binary() is None, reason="needs nginx (`apt-get install nginx`; make test)"
    ),
]


def test_config_routes_each_replica_by_its_cookie(tmp_path: Path) -> None:
    text = render_config(
        TEMPLATE.read_text(),
        address="127.0.0.1",
        port=8600,
        replica_ports=[8601, 8602],
        run_dir=tmp_path,
        max_upload_mb=50,
    )
    assert "@" not in text.split("http {", 1)[1]  # every field filled in
    assert "listen 127.0.0.1:8600;" in text
    assert "r1 127.0.0.1:8601;" in text and '"127.0.0.1:8602" r2;' in text
    assert "client_max_body_size 50m;" in text
    if nginx_binary():  # nginx itself accepts it
        (tmp_path / "nginx.conf").write_text(text)
        check = subprocess.run(
            [str(nginx_binary()), "-t", "-p", str(tmp_path), "-e", str(tmp_path / "e.log"),
             "-c", str(tmp_path / "nginx.conf")],
            capture_output=True, text=True,
        )  # fmt: skip
        assert check.returncode == 0, check.stderr


def descendants(pid: int) -> set[int]:
    """Every process started, directly or not, by `pid` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    store: Path
    log: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("deploy")
    store = folder / "okr.duckdb"
    cli = [sys.executable, "-m", "okr_health.cli"]
    subprocess.run([*cli, "demo", "--db", str(store)], check=True, capture_output=True)
    port = free_port()
    log = folder / "serve.log"
    env = dict(os.environ, OKR_HEALTH_COOKIE_SECRET="one secret for both replicas")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*cli, "serve", "--db", str(store), "--replicas", "2", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"the proxy did not start:\n{log.read_text()}")
        yield Served(url, process, store, log)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=60)


def wait_for_page(page: Any, heading: str) -> None:
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid^=\"stStatusWidgetRunning\"]')",
        timeout=60_000,
    )
    page.wait_for_timeout(300)


def objectives_tile(page: Any) -> int:
    tile = page.locator('[data-testid="stMetric"]').filter(has_text="Objectives").first
    return int(tile.locator('[data-testid="stMetricValue"]').inner_text())


def open_nav(page: Any, heading: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_text(heading, exact=True).click()
    wait_for_page(page, heading)


@pytest.mark.parametrize("_", [None], ids=["two replicas"])
@needs_browser_and_nginx[0]
@needs_browser_and_nginx[1]
def test_two_replicas_behind_nginx(served: Served, tmp_path: Path, _: None) -> None:
    from openpyxl import load_workbook
    from playwright.sync_api import sync_playwright

    started = descendants(served.process.pid)
    assert len(started) >= 3, started  # two replicas and nginx (master and worker)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        sessions = []
        errors: list[str] = []
        for _n in range(2):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "response",
                lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
            )
            page.goto(served.url)
            wait_for_page(page, "Overview")
            sessions.append((context, page))
        replicas = [
            {c["name"]: c["value"] for c in context.cookies()}.get("okr_replica")
            for context, _page in sessions
        ]
        assert sorted(str(r) for r in replicas) == ["r1", "r2"], replicas  # one on each replica
        before = [objectives_tile(page) for _context, page in sessions]
        assert before[0] == before[1] > 0

        # A closing pack, downloaded through the proxy, from the second replica.
        page = sessions[1][1]
        open_nav(page, "Closing meeting")
        caption = (
            page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first
        ).inner_text()
        unit = caption.split(" · ")[0]
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Download Excel").click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        workbook = load_workbook(target, read_only=True)
        cells = {str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
                 for v in row if v is not None}  # fmt: skip
        assert any(unit in cell for cell in cells), (unit, sorted(cells)[:20])
        workbook.close()

        # An import while they serve: each replica shows it on its next click.
        change = tmp_path / "change.csv"
        change.write_text(CHANGE)
        subprocess.run(
            [sys.executable, "-m", "okr_health.cli", "ingest", str(change), "--db",
             str(served.store)],
            check=True, capture_output=True,
        )  # fmt: skip
        after = []
        for _context, page in sessions:
            open_nav(page, "Coach")
            open_nav(page, "Overview")
            after.append(objectives_tile(page))
        assert after[0] == after[1] != before[0], (before, after)
        fresh = browser.new_page()
        fresh.goto(served.url)
        wait_for_page(fresh, "Overview")
        assert objectives_tile(fresh) == after[0]
        assert [
            {c["name"]: c["value"] for c in context.cookies()}.get("okr_replica")
            for context, _page in sessions
        ] == replicas  # each browser stayed on its replica
        assert errors == []
        browser.close()

    # Stopping the command stops everything it started.
    served.process.send_signal(signal.SIGTERM)
    served.process.wait(timeout=60)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(pid) for pid in started):
        time.sleep(0.2)
    assert not [pid for pid in started if alive(pid)], served.log.read_text()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{served.url}/_stcore/health", timeout=2)
