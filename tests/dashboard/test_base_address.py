"""The app's address written into its HTML page (dashboard/base_address.py): which requests
are pages, and the page a browser gets."""

from __future__ import annotations

import asyncio
from typing import Any

from dashboard.base_address import PRELOAD, BaseAddress, page_depth, with_base_address

PAGE = b"<!DOCTYPE html><html><head><title>Streamlit</title></head><body></body></html>"


def test_pages_below_the_root_are_counted_and_streamlits_own_routes_are_not_pages():
    assert page_depth("/", "") == 0
    assert page_depth("/coach", "") == 1
    assert page_depth("/okr/coach", "okr") == 1
    assert page_depth("/okr", "/okr/") == 0
    assert page_depth("/elsewhere/coach", "okr") is None
    for route in ("/_stcore/health", "/coach/_stcore/health", "/static/js/index.js",
                  "/favicon.png", "/media/abc.png", "/component/x/index.html"):  # fmt: skip
        assert page_depth(route, "") is None, route


def test_the_script_comes_first_in_the_head():
    html = with_base_address(PAGE, 1)
    assert html.startswith(b"<!DOCTYPE html><html><head><script>")
    assert b"var depth=1;" in html and b"BACKEND_BASE_URL" in html
    assert html.endswith(b"<title>Streamlit</title></head><body></body></html>")
    assert with_base_address(b"not a page", 1) == b"not a page"


def test_the_chart_code_is_asked_for_with_the_page_from_where_the_page_loads_its_own():
    html = with_base_address(PAGE, 0, PRELOAD)
    assert PRELOAD and all(name.startswith("PlotlyChart.") for name in PRELOAD)
    assert b'<link rel="modulepreload" href="./static/js/PlotlyChart.' in html
    assert html.index(b"</script>") < html.index(b"modulepreload") < html.index(b"<title>")


def served(path: str, body: bytes, kind: bytes, headers: list[tuple[bytes, bytes]]) -> tuple:
    """What BaseAddress sends for `path` when the app behind it answers `body`."""
    asked: list[list[tuple[bytes, bytes]]] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        asked.append(scope["headers"])
        headers = [(b"content-type", kind), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body[:10], "more_body": True})
        await send({"type": "http.response.body", "body": body[10:]})

    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    scope = {"type": "http", "method": "GET", "path": path, "headers": headers}
    asyncio.run(BaseAddress(inner, lambda: "")(scope, receive, send))
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    length = dict(sent[0]["headers"])[b"content-length"]
    return asked[0], content, int(length)


def test_a_page_is_asked_for_uncompressed_and_sent_with_the_script():
    gzip = [(b"accept-encoding", b"gzip"), (b"cookie", b"a=1")]
    asked, content, length = served("/coach", PAGE, b"text/html; charset=utf-8", gzip)
    assert asked == [(b"cookie", b"a=1")]
    assert b"var depth=1;" in content and length == len(content)


def test_anything_else_passes_untouched():
    gzip = [(b"accept-encoding", b"gzip")]
    asked, content, length = served("/_stcore/host-config", b'{"a": 1}', b"application/json",
                                    gzip)  # fmt: skip
    assert asked == gzip and content == b'{"a": 1}' and length == 8
