"""Tell the browser where the app lives, so a page opened by its own address logs no 404.

Opened at a page's address (`/coach`), Streamlit's frontend does not know whether `/coach` is
a page or the path the app is served under, so it probes `/coach/_stcore/health` and
`/coach/_stcore/host-config` first (two 404s in the console) and the app's root next
(streamlit/streamlit#7074, open upstream). The frontend skips the probing when the page sets
`window.__streamlit.BACKEND_BASE_URL` before its scripts run. `BaseAddress` is an ASGI
middleware that writes that setting into the HTML page the server sends: the server knows
how many path segments of the request lie below the app's root (none for the Overview, one
for `/coach`), and the script drops as many from the address the browser shows, so the
answer also holds behind a proxy that serves the app under a prefix of its own. The same
page also asks for the frontend's chart code at once (`PRELOAD`): a first render does not wait
for it after the server's run. See docs/pages.md, "Opening a page by its address".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Streamlit's own routes and files: never a page, never rewritten.
NOT_PAGES = ("_stcore", "static", "component", "media", "app", "auth", "oauth2callback")

SCRIPT = (
    "<script>(function(){{var depth={depth};"
    'var parts=location.pathname.replace(/\\/+$/,"").split("/");'
    "if(depth>0){{parts=parts.slice(0,Math.max(1,parts.length-depth));}}"
    'var base=parts.join("/")+"/";'
    "window.__streamlit=Object.assign({{}},window.__streamlit,"
    "{{BACKEND_BASE_URL:location.origin+base}});}})();</script>"
)


def page_depth(path: str, base_url_path: str) -> int | None:
    """How many segments of `path` lie below the app's root (`base_url_path`, Streamlit's
    server.baseUrlPath): 0 for the main page, 1 for `/coach`. None when `path` is one of
    Streamlit's own routes or a file (a dot in its last segment), not a page."""
    base = [s for s in base_url_path.split("/") if s]
    segments = [s for s in path.split("/") if s]
    if segments[: len(base)] != base:
        return None
    below = segments[len(base) :]
    if any(s in NOT_PAGES for s in below) or (below and "." in below[-1]):
        return None
    return len(below)


def with_base_address(html: bytes, depth: int, preload: tuple[str, ...] = ()) -> bytes:
    """`html` with the script that sets the app's address placed first in its <head>, and
    a `modulepreload` link for each of the frontend's files in `preload`."""
    head = SCRIPT.format(depth=depth).encode() + b"".join(
        b'<link rel="modulepreload" href="./static/js/%s">' % name.encode() for name in preload
    )
    return html.replace(b"<head>", b"<head>" + head, 1) if b"<head>" in html else html


def frontend_chunks(*prefixes: str) -> tuple[str, ...]:
    """The file names of the frontend's lazily loaded pieces that start with `prefixes`
    (their names carry a content hash), as installed with Streamlit."""
    import streamlit

    folder = Path(streamlit.__file__).parent / "static" / "static" / "js"
    return tuple(sorted(p.name for prefix in prefixes for p in folder.glob(f"{prefix}.*.js")))


# Every page but the Data page draws Plotly charts, whose frontend piece (4.7 MB of JavaScript
# at Streamlit 1.67) is fetched only when the first chart arrives: asked for with the page, it
# is fetched and compiled while the server runs the page, not after.
PRELOAD = frontend_chunks("PlotlyChart")


class BaseAddress:
    """ASGI middleware: the app's HTML page, sent for a page's address, carries the app's
    address (see the module's docstring). Everything else passes through untouched."""

    def __init__(self, app: ASGIApp, base_url_path: Callable[[], str] | None = None) -> None:
        self.app = app
        self.base_url_path = base_url_path or _configured_base_url_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        depth = None
        if scope["type"] == "http" and scope.get("method") == "GET":
            depth = page_depth(str(scope.get("path", "")), self.base_url_path())
        if depth is None:
            await self.app(scope, receive, send)
            return
        # The page is small: ask for it uncompressed, so it can be read and rewritten.
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]
        start: Message = {}
        body: list[bytes] = []

        async def rewrite(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body.append(bytes(message.get("body", b"")))
            if message.get("more_body", False):
                return
            content = b"".join(body)
            kept = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            kind = dict((k.lower(), v) for k, v in kept).get(b"content-type", b"")
            if start.get("status") == 200 and kind.startswith(b"text/html"):
                content = with_base_address(content, depth, PRELOAD)
            start["headers"] = [*kept, (b"content-length", str(len(content)).encode())]
            await send(start)
            await send({"type": "http.response.body", "body": content})

        await self.app({**scope, "headers": headers}, receive, rewrite)


def _configured_base_url_path() -> str:
    from streamlit import config

    return str(config.get_option("server.baseUrlPath") or "")
