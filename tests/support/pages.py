"""Helpers for page tests: open the app on a store, read tiles and the data behind charts."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def open_app(db: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None) -> AppTest:
    """Run the dashboard on `db`, optionally switched to the page file `page` (e.g. 'coach')."""
    monkeypatch.setenv("OKR_HEALTH_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    """The value shown on the tile labelled `label`."""
    return next(m.value for m in at.metric if m.label == label)


def plotly_values(values: Any) -> list:
    """A Plotly array as a list, decoding Plotly's typed-array form {'dtype', 'bdata'}."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def charts(at: AppTest) -> list[dict]:
    """The figure specs of every Plotly chart on the page, in order."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def chart_titled(at: AppTest, start: str) -> dict:
    """The figure spec of the first chart whose title starts with `start`."""
    found = [
        c for c in charts(at) if c["layout"].get("title", {}).get("text", "").startswith(start)
    ]
    assert found, [c["layout"].get("title", {}).get("text") for c in charts(at)]
    return found[0]


def link_text(link: str) -> str:
    """What a table's link cell shows: the text after `#` (see dashboard.table_formats)."""
    return unquote(urlsplit(link).fragment)


def link_id(link: str) -> str:
    """The `id` (or `name`) a link to an objective's (or owner's) page carries."""
    query = parse_qs(urlsplit(link).query)
    return (query.get("id") or query.get("name") or [""])[0]


DATA_PAGE = str(Path(__file__).resolve().parents[2] / "dashboard" / "views" / "data.py")


def open_data_page(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The Data page alone (no router) on the store at `db`, run once and error-free."""
    monkeypatch.setenv("OKR_HEALTH_DB", str(db))
    at = AppTest.from_file(DATA_PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The shown table that has `column` (AppTest does not expose a dataframe's key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def opened_key(expander: Any) -> str | None:
    """The session-state key of an expander built when opened (dashboard/on_open.py), from
    its element id ("$$ID-<hash>-<key>"); None for any other expander."""
    from dashboard.on_open import PREFIX

    key = str(expander.proto.id).split("-", 2)[-1]
    return key if key.startswith(PREFIX) else None


def open_all(at: AppTest) -> AppTest:
    """Open every expander that builds its contents when opened, as a viewer clicking each
    would, and rerun: their tables are then on the page."""
    for _ in range(3):  # an opened expander may hold another
        keys = [k for e in at.expander if (k := opened_key(e)) and not at.session_state[k]]
        if not keys:
            break
        for key in keys:
            at.session_state[key] = True
        at.run()
        assert not at.exception, at.exception
    return at
