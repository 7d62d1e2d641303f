"""Tables prepared once per input (dashboard/table_payload.py) and the whole-table download
under a table sent in pages (dashboard/table_download.py)."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
from streamlit.dataframe_util import convert_pandas_df_to_arrow_bytes

from dashboard import table_formats
from dashboard.table_download import table_csv
from dashboard.table_payload import LAZY_ROWS, prepared


def _objectives(rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "title": [f"Objective {i}" for i in range(rows)],
            "score": [(i % 10) / 10 for i in range(rows)],
            "band": pd.Categorical(["low", "sweet"] * (rows // 2) + ["low"] * (rows % 2)),
            "team": ['=HYPERLINK("http://x")' if i == 0 else "Ops" for i in range(rows)],
        }
    )


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.RecordBatchStreamWriter(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def test_the_prepared_table_is_what_streamlit_would_send_for_the_frame():
    frame = _objectives(12)
    payload = prepared(frame, ("title", "band", "score"), (("score", False),), ())
    shown = table_formats.readable(
        frame.sort_values("score", ascending=False, na_position="last")[["title", "band", "score"]]
    )
    assert _ipc(payload.table) == convert_pandas_df_to_arrow_bytes(shown)
    back = payload.table.to_pandas()
    assert list(back.columns) == ["title", "band", "score"]
    assert back["score"].tolist() == sorted(frame["score"], reverse=True)
    assert payload.rows == 12 and payload.row_height is None and not payload.lazy


def test_the_same_frame_is_prepared_once_and_a_large_one_is_sent_in_pages():
    frame = _objectives(LAZY_ROWS + 1)
    first = prepared(frame, None, (), ("title",))
    assert prepared(frame, None, (), ("title",)) is first  # kept for the next view
    assert first.lazy and first.rows == LAZY_ROWS + 1
    assert first.row_height == 72  # "Objective 1000" wraps on two lines at most
    assert not prepared(_objectives(LAZY_ROWS), None, (), ()).lazy


def test_the_download_holds_every_row_in_order_with_headers_in_words_and_no_formula():
    frame = _objectives(LAZY_ROWS + 5)
    config = table_formats.column_config(frame[["team", "title", "score"]])
    data = table_csv(frame, ("team", "title", "score"), (("score", True),), config)
    back = pd.read_csv(io.BytesIO(data))
    assert list(back.columns) == ["Team", "Title", "Score"]
    assert len(back) == LAZY_ROWS + 5
    assert back["Score"].is_monotonic_increasing
    assert back.loc[back["Title"] == "Objective 0", "Team"].item() == '\'=HYPERLINK("http://x")'
