"""What `okr-health serve` runs: the dashboard (app.py) as Streamlit's ASGI app, with the
middleware that tells the browser where the app lives (dashboard/base_address.py).

`streamlit run dashboard/asgi.py` finds `app` and serves it with the same options as
`streamlit run dashboard/app.py`; tests and `AppTest` keep running app.py itself.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from dashboard.base_address import BaseAddress

APP_SCRIPT = Path(__file__).resolve().parent / "app.py"

app = st.App(str(APP_SCRIPT), middleware=[Middleware(BaseAddress)])
