"""A key result's measures as documents nest or name them, lifted to the plain fields a flat
sheet names (rules in docs/ingestion.md, "Documents (JSON)").

`{"metrics": {"current": 3, "total": 10}}` → `Current value` 3, `Target value` 10; Spanish
fields (`valor_actual`, `meta`, `avance`) alike. A nested object is lifted only when it holds a
measure; its other fields stay as `metrics total_label`. A field a flat sheet already reads
(`current`, `target`, `progress`) is left as it is.
"""

from __future__ import annotations

from pipelines.map.synonyms import FLAT, normalise_header

CURRENT, TARGET, START, PROGRESS = "Current value", "Target value", "Start value", "Progress"
# Inside a nested measure object (`metrics`, `progress`, `medicion`).
NESTED = {
    **dict.fromkeys(("current", "actual", "value", "valor", "valoractual", "achieved", "done",
                     "completed", "now", "actualvalue", "currentvalue"), CURRENT),
    **dict.fromkeys(("total", "target", "goal", "meta", "objetivo", "targetvalue", "valormeta",
                     "valorobjetivo", "max", "expected"), TARGET),
    **dict.fromkeys(("start", "initial", "baseline", "inicio", "valorinicial", "lineabase",
                     "from", "startvalue"), START),
    **dict.fromkeys(("progress", "percent", "percentage", "avance", "progreso", "porcentaje",
                     "pct"), PROGRESS),
}  # fmt: skip
# Beside the title: numbers under names the synonym table does not know.
PLAIN = {
    **dict.fromkeys(("valoractual", "valor", "actualvalue"), CURRENT),
    **dict.fromkeys(("meta", "valormeta", "valorobjetivo", "objetivo", "total"), TARGET),
    **dict.fromkeys(("valorinicial", "lineabase", "inicio"), START),
    **dict.fromkeys(("avance", "progreso", "porcentaje", "cumplimiento", "percent"), PROGRESS),
}  # fmt: skip
KNOWN = {normalise_header(s) for synonyms in FLAT.values() for s in synonyms}


def _number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    text = str(value).strip().rstrip("%").replace(",", ".") if isinstance(value, str) else ""
    try:
        float(text)
    except ValueError:
        return False
    return True


def lift_measures(kr: dict[str, object]) -> dict[str, object]:
    """The key result with its measures as plain fields (see the module); equal to `kr` when
    there is nothing to lift."""
    out: dict[str, object] = {}
    for key, value in kr.items():
        name = normalise_header(key)
        if isinstance(value, dict) and any(
            normalise_header(k) in NESTED and _number(v) for k, v in value.items()
        ):
            for sub, item in value.items():
                lifted = NESTED.get(normalise_header(sub))
                if lifted and _number(item) and lifted not in out:
                    out[lifted] = item
                else:
                    out[f"{key} {sub}"] = item
        elif name in PLAIN and name not in KNOWN and _number(value) and PLAIN[name] not in out:
            out[PLAIN[name]] = value
        else:
            out[key] = value
    return out
