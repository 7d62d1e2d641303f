"""Several `okr-health serve` replicas over one store, behind nginx with sticky sessions.

Streamlit runs every session's script in one Python process, so one server uses one core;
replicas use the others. They share everything that lives on disk: the store (each opens it
read-only for the moment of a read, and re-reads it when its file changes, so an import made
while they serve is seen by every replica on its next click), the report cache beside it,
and one cookie secret (OKR_HEALTH_COOKIE_SECRET, or the file OKR_HEALTH_COOKIE_SECRET_FILE,
else a random one for this run) so cookies and XSRF tokens mean the same to every replica.
nginx (Debian's `nginx`) ties each browser to one replica (`deploy/nginx.conf`).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
TEMPLATE = PROJECT_DIR / "deploy" / "nginx.conf"
SECRET_VAR = "OKR_HEALTH_COOKIE_SECRET"
SECRET_FILE_VAR = "OKR_HEALTH_COOKIE_SECRET_FILE"
NGINX_VAR = "OKR_HEALTH_NGINX"  # the nginx binary, when it is not on PATH or in /usr/sbin
STREAMLIT_SECRET = "STREAMLIT_SERVER_COOKIE_SECRET"
START_TIMEOUT_S = 90.0


class DeployError(RuntimeError):
    """The proxy or a replica could not be started (the message says which and why)."""


def nginx_binary() -> str | None:
    """The nginx executable, or None when it is not installed."""
    named = os.environ.get(NGINX_VAR)
    if named:
        return named if Path(named).exists() else None
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


def cookie_secret() -> str:
    """The cookie secret every replica shares: OKR_HEALTH_COOKIE_SECRET, else the content of
    the file OKR_HEALTH_COOKIE_SECRET_FILE, else a new random one (valid for this run)."""
    value = os.environ.get(SECRET_VAR, "").strip()
    if value:
        return value
    path = os.environ.get(SECRET_FILE_VAR, "").strip()
    if path:
        text = Path(path).read_text(encoding="utf-8").strip()
        if not text:
            raise DeployError(f"{SECRET_FILE_VAR} names an empty file: {path}")
        return text
    return secrets.token_urlsafe(32)


def free_port(address: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind((address, 0))
        port: int = s.getsockname()[1]
        return port


def render_config(
    template: str,
    *,
    address: str,
    port: int,
    replica_ports: Sequence[int],
    run_dir: Path,
    max_upload_mb: int,
) -> str:
    """The nginx configuration for replicas listening on 127.0.0.1 at `replica_ports`."""
    addresses = [f"127.0.0.1:{p}" for p in replica_ports]
    fields = {
        "ADDRESS": address if ":" not in address else f"[{address}]",
        "PORT": str(port),
        "RUN_DIR": str(run_dir),
        "MAX_UPLOAD_MB": str(max_upload_mb),
        "SERVERS": "\n".join(f"        server {a} max_fails=1 fail_timeout=5s;" for a in addresses),
        "ROUTES": "\n".join(f"        r{i} {a};" for i, a in enumerate(addresses, 1)),
        "NAMES": "\n".join(f'        "{a}" r{i};' for i, a in enumerate(addresses, 1)),
    }
    text = template
    for name, value in fields.items():
        text = text.replace(f"@{name}@", value)
    return text


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Wait until `url`/_stcore/health answers ok; raise if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise DeployError(f"{url} exited with code {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise DeployError(f"{url} did not answer within {timeout:.0f} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _die_with_parent() -> None:
    """In a child before it runs: on Linux, get SIGTERM when the starting process dies, so a
    killed `okr-health serve --replicas` leaves no replica or proxy behind. Also starts the
    child's own process group, which `_stop` ends as a whole."""
    os.setsid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop(process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """Stop a process this module started, and whatever it started (its own process group)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # children left in the group go with it


@dataclass
class Deployment:
    """Running replicas and the proxy in front of them; `stop()` ends them all."""

    url: str
    replica_urls: list[str]
    replicas: list[subprocess.Popen[bytes]] = field(default_factory=list)
    proxy: subprocess.Popen[bytes] | None = None
    run_dir: Path | None = None

    def pids(self) -> list[int]:
        """The process ids of the replicas (the Streamlit servers) and of the proxy."""
        return [p.pid for p in [*self.replicas, *([self.proxy] if self.proxy else [])]]

    def stop(self) -> None:
        if self.proxy is not None:
            _stop(self.proxy)
        for process in self.replicas:
            _stop(process)
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self) -> Deployment:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def start(
    db: Path,
    *,
    replicas: int = 2,
    port: int = 8501,
    address: str = "127.0.0.1",
    read_only: bool = False,
    max_upload_mb: int = 200,
    log_dir: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> Deployment:
    """Start `replicas` dashboards on free loopback ports and nginx on `address:port` in
    front of them; return once every one answers. On any failure, stop what was started."""
    binary = nginx_binary()
    if binary is None:
        raise DeployError(
            "nginx is not installed: `apt-get install nginx` (Debian), or set "
            f"{NGINX_VAR} to its path"
        )
    if replicas < 1:
        raise DeployError("--replicas must be at least 1")
    run_dir = Path(tempfile.mkdtemp(prefix="okr-health-proxy-"))
    run_dir.chmod(0o755)  # nginx's worker may run as another user
    logs = log_dir or run_dir
    env = dict(os.environ, **(extra_env or {}))
    env[STREAMLIT_SECRET] = cookie_secret()
    env.pop(SECRET_VAR, None)
    deployment = Deployment(url=f"http://{_host(address)}:{port}", replica_urls=[], run_dir=run_dir)
    try:
        for number in range(1, replicas + 1):
            replica_port = free_port()
            log = logs / f"replica-{number}.log"
            command = [sys.executable, "-m", "okr_health.cli", "serve", "--db", str(db),
                       "--port", str(replica_port), "--address", "127.0.0.1"]  # fmt: skip
            command += ["--read-only"] if read_only else []
            with log.open("wb") as out:
                process = subprocess.Popen(
                    command,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=env,
                    preexec_fn=_die_with_parent,
                )
            deployment.replicas.append(process)
            deployment.replica_urls.append(f"http://127.0.0.1:{replica_port}")
        for url, process, number in zip(
            deployment.replica_urls, deployment.replicas, range(1, replicas + 1), strict=True
        ):
            wait_healthy(url, process, logs / f"replica-{number}.log", START_TIMEOUT_S)
        config = run_dir / "nginx.conf"
        config.write_text(
            render_config(
                TEMPLATE.read_text(encoding="utf-8"),
                address=address,
                port=port,
                replica_ports=[int(u.rsplit(":", 1)[1]) for u in deployment.replica_urls],
                run_dir=run_dir,
                max_upload_mb=max_upload_mb,
            ),
            encoding="utf-8",
        )
        log = logs / "nginx.log"
        with log.open("wb") as out:
            deployment.proxy = subprocess.Popen(
                [binary, "-p", str(run_dir), "-e", str(run_dir / "error.log"), "-c", str(config)],
                stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
            )  # fmt: skip
        try:
            wait_healthy(deployment.url, deployment.proxy, run_dir / "error.log", 20)
        except DeployError as exc:
            raise DeployError(f"nginx did not start: {exc}") from None
    except BaseException:
        deployment.stop()
        raise
    return deployment


def _host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def run(
    db: Path, *, replicas: int, port: int, address: str, read_only: bool, max_upload_mb: int
) -> None:
    """Start the deployment, print where it is, and keep it up until Ctrl-C or SIGTERM."""
    stopping = False

    def _on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _on_signal)
    with start(
        db,
        replicas=replicas,
        port=port,
        address=address,
        read_only=read_only,
        max_upload_mb=max_upload_mb,
    ) as deployment:
        print(
            f"OKR Health on {deployment.url} (nginx, sticky sessions) in front of "
            f"{replicas} replica(s): {', '.join(deployment.replica_urls)}. Ctrl-C stops them all.",
            flush=True,
        )
        try:
            while not stopping:
                for process in [*deployment.replicas, deployment.proxy]:
                    if process is not None and process.poll() is not None:
                        print(f"a process exited (pid {process.pid}); stopping", file=sys.stderr)
                        return
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
