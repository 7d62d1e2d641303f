"""Deployment switches do what they say: XSRF on, upload size capped, importing switchable
off (read-only) and, when on, behind Streamlit's login and a list of importers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from importlib.metadata import version
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import okr_health.cli
from pipelines.store.connection import StoreReadOnly, open_store
from tests.security.test_security_pages import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Watched,
    needs_chromium,
    serve,
)
from tests.support.stores import small_company, write_store

ROOT = Path(__file__).resolve().parents[2]
DATA_PAGE = str(ROOT / "dashboard" / "views" / "data.py")
AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a-long-random-secret-for-the-test",
        "client_id": "okr-health",
        "client_secret": "not-a-real-secret",
        "server_metadata_url": "https://idp.example.com/.well-known/openid-configuration",
    }
}


# --- the serve command ----------------------------------------------------------------------


def served_args(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[list[str], dict]:
    """What `okr-health serve ARGS` would exec: Streamlit's arguments and environment."""
    seen: dict = {}
    monkeypatch.setattr(os, "execve", lambda exe, a, env: seen.update(a=a, env=env))  # cli's os
    okr_health.cli.app(["serve", *args], standalone_mode=False)
    return seen["a"], seen["env"]


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def test_serve_turns_xsrf_on_and_caps_uploads_at_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OKR_HEALTH_MAX_UPLOAD_MB", "7")
    args, env = served_args(monkeypatch)
    assert option(args, "--server.enableXsrfProtection") == "true"
    assert option(args, "--server.maxUploadSize") == "7"
    assert option(args, "--server.address") == "127.0.0.1"
    assert option(args, "--browser.gatherUsageStats") == "false"
    assert "OKR_HEALTH_READ_ONLY" not in env


def test_serve_read_only_switches_writes_off_for_the_dashboard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OKR_HEALTH_READ_ONLY", raising=False)
    _, env = served_args(monkeypatch, "--read-only")
    assert env["OKR_HEALTH_READ_ONLY"] == "1"


def test_serving_beyond_localhost_with_importing_on_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served_args(monkeypatch, "--address", "0.0.0.0")
    assert "anyone who reaches 0.0.0.0:8501 can import data" in capsys.readouterr().err
    served_args(monkeypatch, "--address", "0.0.0.0", "--read-only")
    assert capsys.readouterr().err == ""


# --- read-only and who may import ----------------------------------------------------------


def test_read_only_refuses_every_write(small_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKR_HEALTH_READ_ONLY", "1")
    with pytest.raises(StoreReadOnly, match="OKR_HEALTH_READ_ONLY=1"), open_store(small_store):
        pass
    with open_store(small_store, read_only=True) as conn:  # reading goes on
        assert conn.execute("SELECT count(*) FROM objectives").fetchone()[0] == 3
    result = subprocess.run(
        [sys.executable, "-m", "okr_health.cli", "ingest", str(ROOT / "data" / "okr_template.xlsx"),
         "--db", str(small_store)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: writing to the store is")
    assert "Traceback" not in result.stderr


def data_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> AppTest:
    monkeypatch.setenv("OKR_HEALTH_DB", str(tmp_path / "store.duckdb"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return AppTest.from_file(DATA_PAGE, default_timeout=60)


def shows_uploader(at: AppTest) -> bool:
    return any(True for _ in at.get("file_uploader"))


def test_data_page_refuses_in_a_read_only_deployment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = data_page(tmp_path, monkeypatch, OKR_HEALTH_READ_ONLY="1")
    at.run()
    assert not at.exception and not shows_uploader(at)
    assert "Importing is switched off" in at.error[0].value


def test_data_page_asks_for_login_when_login_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = data_page(tmp_path, monkeypatch)
    at.secrets = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception and not shows_uploader(at)
    assert [b.label for b in at.button] == ["Log in"]


@pytest.mark.parametrize(
    ("email", "allowed"), [("ana@example.com", True), ("mallory@example.com", False)]
)
def test_only_listed_importers_may_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, email: str, allowed: bool
) -> None:
    at = data_page(tmp_path, monkeypatch, OKR_HEALTH_IMPORTERS="Ana@example.com,bo@example.com")
    at.secrets = AUTH
    at.user = {"is_logged_in": True, "email": email, "name": "Someone"}
    at.run()
    assert not at.exception
    assert shows_uploader(at) is allowed
    if not allowed:
        assert f"{email} may not import (OKR_HEALTH_IMPORTERS)" in at.error[0].value


def test_an_importers_list_without_login_refuses_everyone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = data_page(tmp_path, monkeypatch, OKR_HEALTH_IMPORTERS="ana@example.com")
    at.run()
    assert not at.exception and not shows_uploader(at)
    assert "no login is configured" in at.error[0].value


def test_streamlit_is_at_least_the_release_that_clears_its_advisories() -> None:
    """1.54.0 fixes CVE-2026-33682 (< 1.54.0); CVE-2026-10804 (< 1.53.1), CVE-2024-42474
    (< 1.37.0), GHSA-8qw9-gf7w-42x5 (< 1.30.0), CVE-2023-27494 and CVE-2022-35918 (< 1.11.1)
    are older."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    bound = next(re.search(r">=([\d.]+)", d).group(1) for d in deps if d.startswith("streamlit"))
    assert tuple(map(int, bound.split("."))) >= (1, 54)
    installed = tuple(int(p) for p in version("streamlit").split(".")[:2])
    assert installed >= (1, 54)
    assert any(d.startswith("defusedxml") for d in deps)


# --- the running server ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory):
    """Two dashboards on the small company: importing on with a 1 MB upload limit, and
    read-only."""
    folder = tmp_path_factory.mktemp("config")
    db = write_store(folder / "store.duckdb", small_company())
    env = {**os.environ, "OKR_HEALTH_MAX_UPLOAD_MB": "1"}
    on, on_url = serve(db, folder / "on.log", env=env)
    off, off_url = serve(db, folder / "off.log", "--read-only")
    try:
        yield on_url, off_url
    finally:
        for proc in (on, off):
            proc.terminate()
            proc.wait(timeout=20)


def test_upload_without_the_xsrf_token_is_refused(servers: tuple[str, str]) -> None:
    url, _ = servers
    request = urllib.request.Request(
        f"{url}/_stcore/upload_file/session/file", data=b"x" * 10, method="PUT"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403


@needs_chromium
def test_upload_limit_holds_in_the_page_and_on_the_server(servers: tuple[str, str]) -> None:
    """The page refuses a 1.5 MB file before sending it; and a request that sends 1.5 MB
    anyway, with a valid session and XSRF token, is refused by the server (413)."""
    from playwright.sync_api import sync_playwright

    url, _ = servers
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context()
        watched = Watched(context.new_page())
        watched.open(url, "Overview")
        watched.open(url, "Data")
        puts: list = []
        watched.page.on("request", lambda r: puts.append(r) if r.method == "PUT" else None)
        uploader = watched.page.locator('input[type="file"]').first
        uploader.set_input_files(
            files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": b"a,b\n" * 400_000}]
        )
        assert watched.has_text("File must be 1.0MB or smaller.")
        uploader.set_input_files(
            files=[{"name": "small.csv", "mimeType": "text/csv", "buffer": b"a,b\n1,2\n"}]
        )
        watched.page.wait_for_timeout(1500)
        assert puts, "the small file was never uploaded"
        sent = puts[-1]  # the page's own upload: its session and XSRF token, sent by hand
        response = context.request.put(
            sent.url,
            headers={"X-Xsrftoken": sent.headers["x-xsrftoken"]},
            multipart={"file": {"name": "big.csv", "mimeType": "text/csv",
                                "buffer": b"a" * 1_500_000}},
        )  # fmt: skip
        assert response.status == 413
        small = context.request.put(
            sent.url,
            headers={"X-Xsrftoken": sent.headers["x-xsrftoken"]},
            multipart={"file": {"name": "ok.csv", "mimeType": "text/csv", "buffer": b"a,b\n"}},
        )
        assert small.status == 204  # the same request, within the limit, is accepted
        browser.close()


@needs_chromium
def test_read_only_dashboard_has_no_data_page(servers: tuple[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    _, url = servers
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        watched = Watched(browser.new_page())
        watched.open(url, "Overview")
        nav = watched.page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Overview" in nav and "Closing meeting" in nav and "Data" not in nav
        watched.page.goto(f"{url}/data")
        watched.page.wait_for_timeout(3000)
        assert watched.page.locator('input[type="file"]').count() == 0
        browser.close()
