"""The Data page's import template: the workbook a person downloads, fills in and uploads
(the demo company's worked example, `data/okr_template.xlsx`)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

TEMPLATE = Path(__file__).resolve().parents[2] / "data" / "okr_template.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_bytes() -> bytes | None:
    """The template's bytes, exactly as its download button gives them (None: not written)."""
    return TEMPLATE.read_bytes() if TEMPLATE.exists() else None


def show_template() -> None:
    """The template's download button, and how a mapping file reads."""
    st.subheader("Template")
    content = template_bytes()
    if content is not None:
        st.download_button(
            "Download the import template (XLSX)",
            content,
            file_name=TEMPLATE.name,
            mime=XLSX,
            key="download_template",
        )
    st.caption(
        'Mapping files: one `[table]` per canonical table naming `sheet = "…"` or `file = "…"` '
        'and `canonical_column = "source column"` (see docs/ingestion.md).'
    )
