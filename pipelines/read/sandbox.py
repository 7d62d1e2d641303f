"""Run a reader in a child process with a memory and time limit, so a file cannot kill us.

Why a child process: the workbook reader (python-calamine, in Rust) reserves memory from
what a file declares — a cell at XFD1048576 next to one at A1 makes it allocate the whole
17-billion-cell grid (512 GB), a shared-string table declaring a billion strings makes it
reserve 24 GB — and when an allocation fails, Rust aborts the process. No `except` catches
that: in the dashboard it would take the server, and every user's session, down with it. The
checks in `pipelines/read/safety.py` refuse the cases known in advance; the child process contains
the rest. Its address space is capped (`parse_memory_mb`) and it is killed after
`parse_timeout_s`; when it dies, the caller gets a `ChildFailed` saying why. `start_in_child`
returns while the child works, so the caller can run the safety scan meanwhile and stop the
child if the scan refuses the file.

The child is a fresh interpreter (`python -m pipelines.read.sandbox`), not a fork: forking a
server with threads and open database handles is unsafe, and multiprocessing's spawn would
re-import the caller's main script. The function and its arguments go in on stdin as a
pickle, the result comes back on stdout. Start-up costs well under a tenth of a second
(the child imports python-calamine, not pandas or pyarrow).
"""

from __future__ import annotations

import pickle
import re
import resource
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")
PROJECT_DIR = Path(__file__).resolve().parents[2]
ALLOCATION = re.compile(rb"memory allocation of (\d+) bytes failed")
# What a workbook that needs too much memory most likely is; a text reader says its own.
BOMB = (
    "the file declares far more cells or strings than it holds — a decompression bomb? — "
    "or is damaged"
)


class ChildFailed(Exception):
    """The child process died or ran out of time; the message says which, in plain words."""


def run_in_child(
    fn: Callable[..., T], *args: Any, memory_mb: int, timeout_s: float, cause: str = BOMB
) -> T:
    """`fn(*args)` computed in a child process; `fn` must be importable, args and result pickle.

    Raises `ChildFailed` when the child exceeds its memory or time, or dies for any reason;
    an exception raised by `fn` comes back as `ChildFailed` with its message.
    """
    return start_in_child(fn, *args, memory_mb=memory_mb, timeout_s=timeout_s, cause=cause).result()


class Pending(Generic[T]):
    """A child process computing `fn(*args)`, started by `start_in_child`: the caller does
    other work meanwhile, then takes the `result()` or `cancel()`s it.

    The payload goes in and the result comes out through one blocking write and one
    blocking read on a helper thread; both run in C without the GIL, so the caller's own
    Python work (the safety scan) is not slowed by them, nor they by it.
    """

    def __init__(self, fn: Callable[..., T], args: tuple[Any, ...], memory_mb: int,
                 timeout_s: float, cause: str = BOMB) -> None:  # fmt: skip
        self.memory_mb = memory_mb
        self.cause = cause
        self.timeout_s = timeout_s
        payload = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        command = [sys.executable, "-m", "pipelines.read.sandbox", str(memory_mb)]
        # what the child says on stderr (a Rust abort message, a traceback); closed by
        # `result` or `cancel`
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115
        self.child = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            cwd=PROJECT_DIR,
        )
        self.out = b""
        self.timed_out = False
        self.timer = threading.Timer(timeout_s, self._time_up)
        self.timer.daemon = True
        self.timer.start()
        self.thread = threading.Thread(target=self._communicate, args=(payload,), daemon=True)
        self.thread.start()

    def _time_up(self) -> None:
        if self.child.poll() is None:
            self.timed_out = True
            self.child.kill()

    def _communicate(self, payload: bytes) -> None:
        stdin, stdout = self.child.stdin, self.child.stdout
        assert stdin is not None and stdout is not None
        try:
            try:
                stdin.write(payload)
            finally:
                stdin.close()
        except (BrokenPipeError, OSError, ValueError):
            pass  # the child died (or was stopped) before it read everything
        try:
            self.out = stdout.read()
        except (OSError, ValueError):
            self.out = b""
        self.child.wait()
        self.timer.cancel()

    def cancel(self) -> None:
        """Stop the child (its result is not wanted) and wait until it is gone."""
        if self.child.poll() is None:
            self.child.kill()
        self._finish()
        self.errors.close()

    def _finish(self) -> None:
        self.thread.join()
        self.timer.cancel()
        if self.child.stdout is not None:
            self.child.stdout.close()

    def result(self) -> T:
        self._finish()
        if self.timed_out:
            self.errors.close()
            raise ChildFailed(f"reading took longer than {self.timeout_s:g} s and was stopped")
        self.errors.seek(0)
        err = self.errors.read()
        self.errors.close()
        if self.child.returncode != 0 or not self.out:
            raise ChildFailed(_death(self.child.returncode, self.memory_mb, err, self.cause))
        status, value = pickle.loads(self.out)
        self.out = b""
        if status == "memory":
            raise ChildFailed(_death(None, self.memory_mb, b"", self.cause))
        if status == "error":
            raise ChildFailed(str(value))
        return cast(T, value)  # unpickled: what `fn` returned in the child


def start_in_child(
    fn: Callable[..., T], *args: Any, memory_mb: int, timeout_s: float, cause: str = BOMB
) -> Pending[T]:
    """Start computing `fn(*args)` in a child process (as `run_in_child`) and return at once;
    `cause` ends the message when the child runs out of memory (what the file most likely is)."""
    return Pending(fn, args, memory_mb, timeout_s, cause)


def _death(exitcode: int | None, memory_mb: int, stderr: bytes, cause: str = BOMB) -> str:
    asked = ALLOCATION.search(stderr)
    if exitcode is None or exitcode < 0 or asked or _out_of_memory(stderr):
        detail = f" (it asked for {int(asked.group(1)) / 2**30:,.0f} GB at once)" if asked else ""
        return (
            f"reading it needed more than the {memory_mb:,} MB of memory allowed"
            f"{detail} and was stopped (OKR_HEALTH_PARSE_MEMORY_MB): {cause}"
        )
    last = stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
    return f"the reader stopped unexpectedly (exit code {exitcode}: {last[0]})"


def _out_of_memory(stderr: bytes) -> bool:
    """Whether the child's last words say it ran out of memory: a `MemoryError`, or a library
    (numpy, pyarrow, OpenBLAS) that could not map or allocate what it needed."""
    return any(
        sign in stderr
        for sign in (
            b"MemoryError",  # Python's, pyarrow's ArrowMemoryError
            b"failed to map segment",  # a library that could not be loaded
            b"Memory allocation still failed",  # OpenBLAS, while numpy is imported
            b"std::bad_alloc",
        )
    )


def _main() -> None:
    limit = int(sys.argv[1]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    fn, args = pickle.load(sys.stdin.buffer)
    try:
        result: tuple[str, Any] = ("ok", fn(*args))
    except MemoryError:
        result = ("memory", None)
    except Exception as exc:  # everything goes back to the parent, as text
        said = f"{type(exc).__name__}: {exc}"
        # an allocation refused in C or C++ (pyarrow's ArrowMemoryError) is memory too
        result = ("memory", None) if _out_of_memory(said.encode()) else ("error", said)
    try:
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _main()
