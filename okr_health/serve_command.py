"""`okr-health serve`: the dashboard on the store, alone or as replicas behind nginx."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from okr_health.options import DbOption, fail
from okr_health.serving import (
    LOOPBACK,
    streamlit_configured,
    streamlit_option,
    streamlit_options,
)
from okr_health.terminal import echo
from pipelines.settings import Settings, settings
from pipelines.store.connection import resolve_db_path

# The dashboard as an ASGI app (app.py behind the middleware of dashboard/base_address.py)
DASHBOARD_APP = Path(__file__).resolve().parent.parent / "dashboard" / "asgi.py"


def serve(
    db: DbOption = None,
    port: Annotated[
        int | None,
        typer.Option(help="Port to listen on (default: Streamlit's configuration, else 8501)."),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(help="Address to bind (default: Streamlit's configuration, else 127.0.0.1)."),
    ] = None,
    read_only: Annotated[
        bool,
        typer.Option(
            "--read-only",
            help="Show the data only: no Data page, no writes (OKR_HEALTH_READ_ONLY=1 for the "
            "dashboard). Load data with `okr-health ingest` instead.",
        ),
    ] = False,
    replicas: Annotated[
        int,
        typer.Option(
            "--replicas",
            min=1,
            help="Dashboards to run over the store, behind nginx on --port (more than one "
            "implies --proxy). Each uses a core.",
        ),
    ] = 1,
    proxy: Annotated[
        bool,
        typer.Option(
            "--proxy", help="Put nginx (sticky sessions) in front, on --port; see deploy/."
        ),
    ] = False,
) -> None:
    """Open the dashboard (Streamlit) on the store.

    Streamlit's own configuration (.streamlit/config.toml, STREAMLIT_SERVER_PORT and the
    other STREAMLIT_* variables) holds wherever no flag is given. Unless it says otherwise:
    bound to 127.0.0.1, XSRF protection on, no usage statistics, and the toolbar of a viewer
    (no Deploy button, no developer menu). Uploads are capped at OKR_HEALTH_MAX_UPLOAD_MB.
    See SECURITY.md before binding beyond localhost.
    With --replicas N (or --proxy) nginx serves --port and N dashboards on loopback ports
    behind it share the store, its report cache and one cookie secret
    (OKR_HEALTH_COOKIE_SECRET or OKR_HEALTH_COOKIE_SECRET_FILE): see the README's Deploying.
    """
    limits = settings()
    if replicas > 1 or proxy:
        from okr_health import deploy

        try:
            deploy.run(
                resolve_db_path(db).resolve(),
                replicas=replicas,
                port=port if port is not None else int(streamlit_option("server.port") or 8501),
                address=address or streamlit_option("server.address") or "127.0.0.1",
                read_only=read_only,
                max_upload_mb=limits.max_upload_mb,
            )
        except deploy.DeployError as exc:
            fail(f"error: {exc}")
        return
    env = dict(os.environ, OKR_HEALTH_DB=str(resolve_db_path(db).resolve()))
    secret = os.environ.get("OKR_HEALTH_COOKIE_SECRET") or os.environ.get(
        "OKR_HEALTH_COOKIE_SECRET_FILE"
    )
    if secret:  # one secret for every replica (okr_health/deploy.py), or for restarts
        from okr_health.deploy import STREAMLIT_SECRET, cookie_secret

        env[STREAMLIT_SECRET] = cookie_secret()
        env.pop("OKR_HEALTH_COOKIE_SECRET", None)
    flags = {"server.port": None if port is None else str(port), "server.address": address}
    options = streamlit_options(flags, streamlit_configured(), limits.max_upload_mb)
    if read_only:
        env[Settings.variable("read_only")] = "1"
    else:
        bound = options.get("server.address") or streamlit_option("server.address") or ""
        if bound not in LOOPBACK and not limits.read_only:
            where = f"{bound or 'this machine'}:{port or streamlit_option('server.port')}"
            echo(
                f"note: anyone who reaches {where} can import data on the "
                "Data page unless a login is configured ([auth] in .streamlit/secrets.toml, "
                "with OKR_HEALTH_IMPORTERS); use --read-only to show the data only. "
                "See SECURITY.md.",
                err=True,
            )
    args = [sys.executable, "-m", "streamlit", "run", str(DASHBOARD_APP)]
    for key, value in options.items():
        args += [f"--{key}", value]
    os.execve(sys.executable, args, env)
