"""Run a reader in a child process with a memory and time limit, so a file cannot kill us.

Why a child process: the workbook reader (python-calamine, in Rust) reserves memory from
what a file declares — a cell at XFD1048576 next to one at A1 makes it allocate the whole
17-billion-cell grid (512 GB), a shared-string table declaring a billion strings makes it
reserve 24 GB — and when an allocation fails, Rust aborts the process. No `except` catches
that: in the dashboard it would take the server, and every user's session, down with it. The
checks in `pipelines/safety.py` refuse the cases known in advance; the child process contains
the rest. Its address space is capped (`parse_memory_mb`) and it is killed after
`parse_timeout_s`; when it dies, the caller gets a `ChildFailed` saying why.

The child is a fresh interpreter (`python -m pipelines.sandbox`), not a fork: forking a
server with threads and open database handles is unsafe, and multiprocessing's spawn would
re-import the caller's main script. The function and its arguments go in on stdin as a
pickle, the result comes back on stdout. Start-up costs about half a second of CPU.
"""

from __future__ import annotations

import pickle
import re
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
PROJECT_DIR = Path(__file__).resolve().parent.parent
ALLOCATION = re.compile(rb"memory allocation of (\d+) bytes failed")


class ChildFailed(Exception):
    """The child process died or ran out of time; the message says which, in plain words."""


def run_in_child(fn: Callable[..., T], *args: Any, memory_mb: int, timeout_s: float) -> T:
    """`fn(*args)` computed in a child process; `fn` must be importable, args and result pickle.

    Raises `ChildFailed` when the child exceeds its memory or time, or dies for any reason;
    an exception raised by `fn` comes back as `ChildFailed` with its message.
    """
    payload = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
    command = [sys.executable, "-m", "pipelines.sandbox", str(memory_mb)]
    with subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=PROJECT_DIR,
    ) as child:
        try:
            out, err = child.communicate(payload, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise ChildFailed(f"reading took longer than {timeout_s:g} s and was stopped") from None
    if child.returncode != 0 or not out:
        raise ChildFailed(_death(child.returncode, memory_mb, err))
    status, value = pickle.loads(out)
    if status == "memory":
        raise ChildFailed(_death(None, memory_mb, b""))
    if status == "error":
        raise ChildFailed(str(value))
    return value  # type: ignore[no-any-return]


def _death(exitcode: int | None, memory_mb: int, stderr: bytes) -> str:
    asked = ALLOCATION.search(stderr)
    if exitcode is None or exitcode < 0 or asked or b"MemoryError" in stderr:
        detail = f" (it asked for {int(asked.group(1)) / 2**30:,.0f} GB at once)" if asked else ""
        return (
            f"reading it needed more than the {memory_mb:,} MB of memory allowed"
            f"{detail} and was stopped (OKR_HEALTH_PARSE_MEMORY_MB): the file declares far "
            "more cells or strings than it holds — a decompression bomb? — or is damaged"
        )
    last = stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
    return f"the reader stopped unexpectedly (exit code {exitcode}: {last[0]})"


def _main() -> None:
    limit = int(sys.argv[1]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    fn, args = pickle.load(sys.stdin.buffer)
    try:
        result: tuple[str, Any] = ("ok", fn(*args))
    except MemoryError:
        result = ("memory", None)
    except Exception as exc:  # everything goes back to the parent, as text
        result = ("error", f"{type(exc).__name__}: {exc}")
    try:
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _main()
