"""One identity for what prints the same: the rule for ids and the names that key rows.

Two cells that look identical on screen are one id (or one cycle, team or owner): before an
id or a keying name is compared, stored or matched across imports it is put in Unicode NFC
(`é` typed as `e` + accent is `é`), stripped of invisible characters (zero-width space,
non-joiner and joiner U+200B–U+200D, word joiner U+2060, byte order mark U+FEFF) and of the
whitespace around it; ids are also folded from full-width forms (`ＯＫＲ１` is `OKR1`, NFKC).

Where one column of one source holds two different spellings of one id, that is a located
warning naming both forms (`identity_collisions`): never a silent merge or a silent split.
SECURITY.md lists the test that holds it.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# The canonical fields that identify a row or key one: ids fold full-width forms too.
KEY_FIELDS = frozenset(
    {
        "cycles.cycle_id",
        "cycles.name",
        "teams.team_id",
        "teams.name",
        "teams.parent_team_id",
        "objectives.objective_id",
        "objectives.cycle_id",
        "objectives.team_id",
        "objectives.owner",
        "objectives.parent_objective_id",
        "objectives.parent_kr_id",
        "key_results.kr_id",
        "key_results.objective_id",
        "key_results.owner",
        "check_ins.kr_id",
        "check_ins.author",
    }
)


def is_id_field(name: str) -> bool:
    """`table.x_id`: an id (full-width forms folded), as opposed to a keying name."""
    return name.endswith("_id")


def identity_text(text: str, fold_width: bool = False) -> str:
    """The one form of a key: NFC (NFKC with `fold_width`), no invisible characters, trimmed."""
    plain = text.translate(INVISIBLE)
    folded = (
        unicodedata.normalize("NFKC", plain) if fold_width else unicodedata.normalize("NFC", plain)
    )
    return folded.strip()


def identity_keys(values: pd.Series, fold_width: bool = False) -> pd.Series:
    """`identity_text` of every cell of a text column (missing stays missing; a cell left
    empty becomes missing). Pure-ASCII cells, the usual case, are already in their one form."""
    if values.empty or not pd.api.types.is_string_dtype(values.dtype):
        return values
    odd = values.notna() & ~values.str.isascii().fillna(True).astype(bool)
    positions = np.flatnonzero(odd.to_numpy(dtype=bool))
    if not len(positions):
        return values
    cells = values.iloc[positions]
    forms = {v: identity_text(v, fold_width) or None for v in pd.unique(cells)}
    out = values.copy()
    out.iloc[positions] = pd.Series([forms[v] for v in cells], dtype=values.dtype).to_numpy()
    return out


def visible(text: str) -> str:
    """A key with its invisible or combining characters and full-width forms spelled out
    (`e\\u0301`), so two forms that print the same can be told apart in a message."""
    out = []
    for ch in text:
        odd = unicodedata.category(ch) in ("Mn", "Cf", "Zs") and ch != " "
        if odd or ord(ch) in INVISIBLE or 0xFF01 <= ord(ch) <= 0xFFEE:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def identity_collisions(raw: pd.Series, keys: pd.Series) -> pd.Series:
    """For each row whose written form differs from another written form of the same key in
    this column, the message saying so (missing elsewhere)."""
    none = pd.Series(pd.NA, index=raw.index, dtype="str")
    text = raw.astype("str")
    changed = (text.notna() & keys.notna() & (text != keys)).to_numpy(dtype=bool, na_value=False)
    if not changed.any():
        return none
    involved = np.flatnonzero(keys.isin(set(keys.iloc[np.flatnonzero(changed)])).to_numpy())
    rows = list(zip(involved, text.iloc[involved], keys.iloc[involved], strict=True))
    forms: dict[str, list[str]] = {}
    for _, written, key in rows:
        seen = forms.setdefault(key, [])
        if written not in seen:
            seen.append(written)
    plain = {k: k if k in v else v[0] for k, v in forms.items() if len(v) > 1}  # as typed
    hits = [(at, w, k) for at, w, k in rows if k in plain and w != plain[k]]
    if not hits:
        return none
    out = none.copy()
    out.iloc[[int(at) for at, _, _ in hits]] = [
        f'"{visible(w)}" is written differently from "{visible(plain[k])}" on another row but '
        f'prints the same: both are read as one id "{k}" (retype one if they are two)'
        for _, w, k in hits
    ]
    return out
