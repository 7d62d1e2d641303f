"""Who may import on the Data page: reading is open to all, changing the data is privileged.

Three switches, in this order (see SECURITY.md):

- `OKR_HEALTH_READ_ONLY=1` (or `okr-health serve --read-only`): no Data page at all, and
  the store refuses writable connections in this process.
- Streamlit's OIDC login, configured by an `[auth]` section in `.streamlit/secrets.toml`:
  the Data page asks for a login (`st.login`) before it shows anything.
- `OKR_HEALTH_IMPORTERS=a@x.org,b@x.org`: with login, only these e-mail addresses may
  import; set without a login configured, it refuses everyone (it cannot check who is who).
"""

from __future__ import annotations

import streamlit as st

from pipelines.settings import Settings, settings

LOGIN = "login"


def login_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an `[auth]` section (Streamlit's OIDC login)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def import_refusal() -> str | None:
    """Why this session may not import (`LOGIN` when it only needs to log in), or None."""
    limits = settings()
    if limits.read_only:
        return (
            "Importing is switched off: this deployment only shows the data "
            f"({Settings.variable('read_only')}). Use `okr-health ingest` where writing is allowed."
        )
    if not login_configured():
        if limits.importers:
            return (
                f"{Settings.variable('importers')} names who may import, but no login is "
                "configured ([auth] in .streamlit/secrets.toml), so no one can be recognised: "
                "importing is refused."
            )
        return None
    if not st.user.is_logged_in:
        return LOGIN
    email = str(st.user.get("email") or "").lower()
    if limits.importers and email not in limits.importers:
        return f"{email or 'This account'} may not import ({Settings.variable('importers')})."
    return None
