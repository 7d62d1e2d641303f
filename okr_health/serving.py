"""What `okr-health serve` asks of Streamlit: the product's defaults, under whatever
Streamlit's own configuration (config files, STREAMLIT_* variables) and the flags say."""

from __future__ import annotations

import os

LOOPBACK = ("127.0.0.1", "localhost", "::1")
# What `serve` sets when neither a flag nor Streamlit's own configuration (.streamlit/
# config.toml, ~/.streamlit/config.toml, STREAMLIT_* variables) says otherwise.
SERVE_DEFAULTS = {
    "server.address": "127.0.0.1",
    "server.headless": "true",
    "server.enableXsrfProtection": "true",
    "browser.gatherUsageStats": "false",
    "client.toolbarMode": "viewer",  # viewers get no Deploy button and no developer menu
    # A page view's CPU, measured (benchmarks/load.py): watching the sources walks every
    # module after every run (a quarter), and a full garbage collection after every run
    # walks the whole report (a third); Python's own collector still runs as usual.
    "server.fileWatcherType": "none",
    "server.runOnSave": "false",
    "runner.postScriptGC": "false",
}


def streamlit_configured() -> set[str]:
    """The options Streamlit's own configuration sets (files in the working directory and
    the home folder, and STREAMLIT_* variables), read as `streamlit run` will read them."""
    from streamlit import config as st_config
    from streamlit.config_option import ConfigOption

    options = st_config.get_config_options(force_reparse=True)
    default = ConfigOption.DEFAULT_DEFINITION
    return {
        key
        for key, option in options.items()
        if option.where_defined != default or (option.env_var and option.env_var in os.environ)
    }


def streamlit_options(
    flags: dict[str, str | None], configured: set[str], max_upload_mb: int
) -> dict[str, str]:
    """The options `serve` passes to Streamlit: every flag given, then each default of
    SERVE_DEFAULTS that Streamlit's configuration does not set itself. The upload cap is
    OKR_HEALTH_MAX_UPLOAD_MB's, always (importing refuses larger files anyway)."""
    options = {key: value for key, value in SERVE_DEFAULTS.items() if key not in configured}
    options.update({key: value for key, value in flags.items() if value is not None})
    options["server.maxUploadSize"] = str(max_upload_mb)
    return options


def streamlit_option(key: str) -> str | None:
    """An option as Streamlit's configuration sets it (its default when nothing does)."""
    from streamlit import config as st_config

    value = st_config.get_option(key)
    return None if value is None else str(value)


__all__ = [
    "LOOPBACK",
    "SERVE_DEFAULTS",
    "streamlit_configured",
    "streamlit_option",
    "streamlit_options",
]
