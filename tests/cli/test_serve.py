"""`okr-health serve`: Streamlit's own configuration holds wherever no flag is given, and
viewers get the viewer's toolbar."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from okr_health.serving import SERVE_DEFAULTS, streamlit_configured, streamlit_options


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("flags", "configured", "expected"),
    [
        ({}, set(), {**SERVE_DEFAULTS}),  # nothing said anywhere: the product's defaults
        (
            {},
            {"server.address"},
            {k: v for k, v in SERVE_DEFAULTS.items() if k != "server.address"},
        ),  # fmt: skip
        ({"server.port": "9000"}, {"server.port"}, {**SERVE_DEFAULTS, "server.port": "9000"}),
        (
            {"server.address": "0.0.0.0"},
            {"server.address"},
            {**SERVE_DEFAULTS, "server.address": "0.0.0.0"},
        ),  # fmt: skip
        (
            {},
            {"client.toolbarMode"},
            {k: v for k, v in SERVE_DEFAULTS.items() if k != "client.toolbarMode"},
        ),  # fmt: skip
    ],
)
def test_flags_win_then_streamlit_config_then_our_defaults(flags, configured, expected):
    options = streamlit_options(flags, configured, max_upload_mb=7)
    assert options == {**expected, "server.maxUploadSize": "7"}
    assert "server.port" in options or "server.port" not in flags


def test_viewers_get_the_viewer_toolbar_by_default():
    assert streamlit_options({}, set(), 7)["client.toolbarMode"] == "viewer"


def test_streamlit_configuration_is_read_from_files_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STREAMLIT_SERVER_PORT", raising=False)
    assert "server.port" not in streamlit_configured()
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "config.toml").write_text('[server]\naddress = "0.0.0.0"\n')
    monkeypatch.setenv("STREAMLIT_SERVER_PORT", "8999")
    assert {"server.port", "server.address"} <= streamlit_configured()


def test_serve_listens_on_streamlit_server_port(small_store: Path, tmp_path: Path):
    port = free_port()
    env = {**os.environ, "STREAMLIT_SERVER_PORT": str(port)}
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "okr_health.cli", "serve", "--db", str(small_store)],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{port}/_stcore/health"
                if urllib.request.urlopen(url, timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"not serving on STREAMLIT_SERVER_PORT={port}:\n{log.read_text()}")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
