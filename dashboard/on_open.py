"""Expanders whose contents are built and sent only while they are open (docs/pages.md,
"Contents built when opened"): a closed one costs a view its label only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

PREFIX = "opened_"  # the session-state key of each such expander starts with it


@contextmanager
def opened(label: str, key: str, expanded: bool = False) -> Iterator[bool]:
    """An expander labelled `label`: inside the block, True while it is open (build its
    contents then), False while it is closed. Opening or closing it reruns the page."""
    with st.expander(label, expanded=expanded, key=PREFIX + key, on_change="rerun") as box:
        yield bool(box.open)
