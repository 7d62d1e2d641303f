"""Many viewers at once: page views per second and server CPU per view, 1 and 2 replicas.

    python -m benchmarks.load                       # make bench-load
    python -m benchmarks.load --sessions 10 --rounds 3 --replicas 1,2

The demo company is written to a fresh store (its report cached beside it, as after any
import), and `okr-health serve --replicas R --proxy` starts R dashboards behind nginx on
loopback. Each session speaks Streamlit's own websocket protocol through the proxy, as the
browser does (a cookie from the first page, then `/_stcore/stream`): it asks for the
Overview, the Coach page and the Closing meeting page in turn, `--rounds` times, and a view
counts as finished when the server says the script finished and the page's heading was
sent. A session talks like a browser without being one, so the client's own CPU stays
small beside the servers' on a 2-core machine.

Measured per run: views per second over the whole run (all sessions at once), p50 and p95
time from asking for a page to its finished script, and the CPU seconds the replicas'
processes consumed (from /proc) divided by the views. Every replica first renders each page
once (not counted), so its process holds the report, as a dashboard that has been open a
while does. Loopback only; every loop is bounded and the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from okr_health import deploy

PAGES = ("Overview", "Coach", "Closing meeting")
VIEW_TIMEOUT_S = 120.0
RUN_TIMEOUT_S = 900.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has consumed so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class Session:
    """One viewer: a sticky cookie from the proxy, then Streamlit's websocket."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.pages: dict[str, str] = {}  # page name -> script hash
        self.cookie = ""
        self.socket: object = None

    async def open(self) -> None:
        import websockets

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        await asyncio.to_thread(lambda: opener.open(self.url + "/", timeout=30).read())
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        ws_url = self.url.replace("http://", "ws://") + "/_stcore/stream"
        self.socket = await websockets.connect(
            ws_url,
            subprotocols=["streamlit"],  # type: ignore[list-item]
            additional_headers={"Cookie": self.cookie},
            max_size=None,
            open_timeout=30,
        )

    async def view(self, page: str) -> float:
        """Ask for `page` and wait for its finished run; the seconds it took."""
        message = BackMsg()
        message.rerun_script.query_string = ""
        if page in self.pages:
            message.rerun_script.page_script_hash = self.pages[page]
        socket = self.socket
        started = time.perf_counter()
        await socket.send(message.SerializeToString())  # type: ignore[attr-defined]
        heading_seen = False
        wanted = page.encode()
        async with asyncio.timeout(VIEW_TIMEOUT_S):
            while True:
                data = await socket.recv()  # type: ignore[attr-defined]
                forward = ForwardMsg()
                forward.ParseFromString(data)
                kind = forward.WhichOneof("type")
                if kind == "navigation" or kind == "new_session":
                    pages = (
                        forward.navigation.app_pages
                        if kind == "navigation"
                        else forward.new_session.app_pages
                    )
                    self.pages.update({p.page_name: p.page_script_hash for p in pages})
                elif kind == "delta" and not heading_seen and wanted in data:
                    element = forward.delta.new_element
                    heading_seen = element.HasField("heading") and element.heading.body == page
                elif kind == "script_finished":
                    if forward.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                        break
                    if forward.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        raise RuntimeError(f"{page}: the script failed")
        if not heading_seen:
            raise RuntimeError(f"{page}: the page finished without its heading")
        return time.perf_counter() - started

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()  # type: ignore[attr-defined]


@dataclass
class Result:
    replicas: int
    sessions: int
    views: int
    seconds: float
    cpu_s: float
    latencies: list[float] = field(default_factory=list)
    per_replica_cpu: list[float] = field(default_factory=list)

    @property
    def views_per_s(self) -> float:
        return self.views / self.seconds

    @property
    def cpu_per_view(self) -> float:
        return self.cpu_s / self.views

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def _walk(url: str, rounds: int, latencies: list[float]) -> None:
    session = Session(url)
    await session.open()
    try:
        for _ in range(rounds):
            for page in PAGES:
                latencies.append(await session.view(page))
    finally:
        await session.close()


async def _load(url: str, sessions: int, rounds: int) -> list[float]:
    latencies: list[float] = []
    async with asyncio.timeout(RUN_TIMEOUT_S):
        await asyncio.gather(*(_walk(url, rounds, latencies) for _ in range(sessions)))
    return latencies


def measure(db: Path, replicas: int, sessions: int, rounds: int) -> Result:
    """Start `replicas` dashboards behind nginx, warm each, then run the sessions at once."""
    with deploy.start(db, replicas=replicas, port=deploy.free_port()) as running:
        for url in running.replica_urls:  # each replica loads the report once (not counted)
            asyncio.run(_load(url, 1, 1))
        pids = [p.pid for p in running.replicas]
        before = [cpu_seconds(pid) for pid in pids]
        started = time.perf_counter()
        latencies = asyncio.run(_load(running.url, sessions, rounds))
        seconds = time.perf_counter() - started
        spent = [cpu_seconds(pid) - b for pid, b in zip(pids, before, strict=True)]
    return Result(replicas, sessions, len(latencies), seconds, sum(spent), latencies, spent)


def demo_store(folder: Path) -> Path:
    """The demo company in a fresh store, its report cached beside it (as `okr-health demo`
    leaves it)."""
    db = folder / "demo.duckdb"
    subprocess.run(
        [sys.executable, "-m", "okr_health.cli", "demo", "--db", str(db)],
        check=True,
        capture_output=True,
    )
    return db


def table(results: list[Result]) -> str:
    lines = [
        "| replicas | sessions | views | views/s | p50 | p95 | server CPU / view "
        "| CPU per replica |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.replicas} | {r.sessions} | {r.views} | {r.views_per_s:.2f} | "
            f"{r.percentile(0.5):.2f} s | {r.percentile(0.95):.2f} s | {r.cpu_per_view:.3f} s | "
            f"{', '.join(f'{c:.1f} s' for c in r.per_replica_cpu)} |"
        )
    by = {r.replicas: r for r in results}
    if 1 in by and 2 in by:
        ratio = by[2].views_per_s / by[1].views_per_s
        verdict = "met" if ratio >= 1.6 else "not met"
        lines.append("")
        lines.append(f"2 replicas / 1 replica: {ratio:.2f}x the views per second "
                     f"(target >= 1.6x: {verdict})")  # fmt: skip
    worst = max(r.cpu_per_view for r in results)
    lines.append(f"server CPU per view: worst {worst:.3f} s (target <= 0.1 s: "
                 f"{'met' if worst <= 0.1 else 'not met'})")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="walks through the pages each")
    parser.add_argument("--replicas", default="1,2", help="comma-separated, e.g. 1,2")
    parser.add_argument("--db", type=Path, help="an existing store (default: the demo)")
    args = parser.parse_args(argv)
    if deploy.nginx_binary() is None:
        sys.exit("nginx is not installed: apt-get install nginx (make test installs it)")
    with tempfile.TemporaryDirectory(prefix="okr-load-") as folder:
        db = args.db or demo_store(Path(folder))
        results = []
        for replicas in (int(r) for r in args.replicas.split(",")):
            result = measure(db, replicas, args.sessions, args.rounds)
            print(f"{replicas} replica(s): {result.views} views in {result.seconds:.1f} s",
                  flush=True)  # fmt: skip
            results.append(result)
    print(
        f"\n{args.sessions} sessions at once, each through {', '.join(PAGES)} {args.rounds} "
        f"times; the demo store, its report cached; {os.cpu_count()} cores\n"
    )
    print(table(results))


if __name__ == "__main__":
    main()
