"""Check-ins keyed by the position of their key result: the form the metrics read them in.

A key result's *code* is its position in a list of key-result ids; a keyed check-in carries
the code instead of the text id, so millions of check-ins group and join as integers. The
store builds them in DuckDB (`pipelines.store.dataset.read_keyed_check_ins`);
`metrics.progress.checkins` builds them in pandas for frames made by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.arrow import positions, same_values


@dataclass(frozen=True)
class KeyedCheckIns:
    """Check-ins of known key results, ordered by key result and time.

    kr_ids  the distinct key-result ids, in their first order of appearance; a key
            result's *code* is its position here
    frame   kr_code, checked_at, value, grade, confidence (float), sorted by (kr_code,
            checked_at), ties kept in their original order
    """

    kr_ids: pd.Index
    frame: pd.DataFrame

    def codes(self, kr_ids: pd.Series) -> np.ndarray:
        """The code of each id in `kr_ids` (-1 for an id with no code)."""
        return codes_of(kr_ids, self.kr_ids)

    def known_on(self, as_of: pd.Timestamp) -> KeyedCheckIns:
        """The check-ins made by the end of the as-of day (later ones have not happened)."""
        moments = self.frame["checked_at"].to_numpy()
        keep = moments < np.datetime64(as_of + pd.Timedelta(days=1))
        if keep.all():
            return self
        return KeyedCheckIns(self.kr_ids, self.frame[keep].reset_index(drop=True))

    def as_check_ins(self) -> pd.DataFrame:
        """The check-ins as a canonical frame (kr_id, checked_at, value, grade, confidence)
        sharing this one's arrays: kr_id is a categorical over `kr_ids`, 4 bytes a row
        instead of a text id."""
        codes = self.frame["kr_code"].to_numpy()
        dtype = pd.CategoricalDtype(self.kr_ids)
        kr_id = pd.Categorical.from_codes(codes.astype(_code_type(len(self.kr_ids))), dtype=dtype)
        out = self.frame.drop(columns="kr_code")
        out.insert(0, "kr_id", kr_id)  # type: ignore[arg-type]  # stubs: no Categorical; pandas: yes
        return out

    def per_key_result(self, per_code: pd.DataFrame, kr_ids: pd.Series) -> pd.DataFrame:
        """`per_code` (indexed by code) laid out on the rows of `kr_ids`: one row per id,
        missing values where the key result has no row in `per_code`."""
        rows = per_code.reindex(self.codes(kr_ids))
        return rows.set_axis(kr_ids.index)


def _code_type(n: int) -> type:
    return np.int32 if n < 2**31 else np.int64


def codes_of(values: pd.Series, kr_ids: pd.Index) -> np.ndarray:
    """Position of each value in the unique index `kr_ids` (-1 when absent)."""
    if len(values) == 0:  # nothing to look up: do not hash 1M ids for it
        return np.zeros(0, dtype=np.intp)
    if isinstance(values.dtype, pd.CategoricalDtype):  # look the categories up, once each
        per_category = codes_of(pd.Series(values.cat.categories), kr_ids)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, per_category[codes], -1).astype(np.intp)
    if same_values(values, kr_ids):  # the rows the codes were made from, in their order
        return np.arange(len(kr_ids), dtype=np.intp)
    found = positions(values, pd.Series(kr_ids))
    if found is None:
        found = kr_ids.get_indexer(pd.Index(values))
    return np.asarray(found, dtype=np.intp)
