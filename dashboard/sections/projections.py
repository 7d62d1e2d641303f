"""Owners' own projections against their finals, on the Coach page beside the confidence
calibration (docs/metrics.md, "Chance of landing"): who projects high, who projects low."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import table_formats
from metrics.progress.chance import PROJECTION_LEANING, projection_bias

LABELS = {"projected": "Projected (mean)", "final": "Final (mean)", "bias": "Projected − final",
          "abs_error": "Mean miss", "leaning": "Leaning", "key_results": "Key results"}  # fmt: skip


def show(key_results: pd.DataFrame) -> None:
    """Per owner and per team, on finished cycles (nothing when no one states projections)."""
    st.markdown("**Projected scores against the finals**")
    by_owner = projection_bias(key_results, "owner")
    if by_owner.empty:
        st.caption("No finished key result carries a projected score (Projected Score, "
                   "Mid-Q Projection) yet.")  # fmt: skip
        return
    st.caption(
        "Each owner's own projection of the grade against the final score, on finished "
        f"cycles. A mean gap beyond ±{PROJECTION_LEANING:g} leans high or low."
    )
    table_formats.show(by_owner, "projection_owners", labels=LABELS, sort=[("bias", False)])
    table_formats.show(projection_bias(key_results, "team"), "projection_teams", labels=LABELS,
                       sort=[("bias", False)])  # fmt: skip
