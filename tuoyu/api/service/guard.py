"""What every request passes before it reaches a route: the host it was sent to, the
origin and type of what it writes, and the headers that keep pages from running
anything but our own scripts.

- **Host.** Only the host names the service was started for are answered (the host it
  listens on, the loopback names, and ``TUOYU_ALLOWED_HOSTS``): a page on another site
  cannot reach this service through DNS rebinding.
  A request with two ``Host`` headers is refused.
- **Writes.** A request that changes something (POST, PUT, PATCH, DELETE) is answered
  only from the service's own origin: its ``Origin``, when sent, must be this service's
  scheme, host and port (another port on the same machine is another site: any other
  local web app's page could write otherwise), and a browser's ``Sec-Fetch-Site`` must
  be ``same-origin`` (or ``none``: typed by the user). A request with neither header
  does not come from a page (a script, the command line). A body must be JSON or a
  multipart upload: a cross-site ``text/plain`` form post never records anything.
- **Pages.** Every response carries a Content-Security-Policy that forbids inline
  script and scripts from anywhere but this service, ``nosniff`` and no referrer.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tuoyu.api.service import errors

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BODY_TYPES = ("application/json", "multipart/form-data")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: the API documentation pages render our own OpenAPI with an inline bootstrap script
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'") + (
    "; worker-src 'self' blob:")
DOCS = ("/docs", "/redoc")


def host_name(value: str) -> str:
    """The host of a Host header or an origin, lower case, without port or brackets."""
    value = value.strip().lower()
    if "://" in value:
        value = urlsplit(value).netloc
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_parts(value: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin such as ``http://localhost:8000``; None for
    ``null`` or anything that is not an http(s) origin."""
    try:
        parts = urlsplit(value.strip().lower())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def own_origin(scheme: str, host_header: str, server: tuple[str, int | None] | None
               ) -> tuple[str, int]:
    """The scheme and port the request was sent to: the Host header's port, else the
    scheme's default (the port the server listens on when no Host header is sent)."""
    scheme = scheme if scheme in DEFAULT_PORTS else "http"
    parts = origin_parts(f"{scheme}://{host_header.strip()}") if host_header.strip() else None
    if parts is not None:
        return scheme, parts[2]
    if server is not None and server[1]:
        return scheme, int(server[1])
    return scheme, DEFAULT_PORTS[scheme]


def with_images_from(csp: str, origin: str | None) -> str:
    """``csp`` that also lets pages show images from ``origin`` (the basemap's tile server
    a planner configured, ``TUOYU_MAP_TILES``); unchanged without one."""
    if not origin:
        return csp
    return csp.replace("img-src 'self' data: blob:", f"img-src 'self' data: blob: {origin}")


class Guard:
    def __init__(self, app: ASGIApp, allowed_hosts: frozenset[str],
                 tiles_origin: str | None = None):
        self.app = app
        self.allowed = frozenset(h.lower() for h in allowed_hosts)
        #: the pages' policy: images also from the configured tile server, nothing else
        self.csp = with_images_from(CSP, tiles_origin)
        self.docs_csp = with_images_from(DOCS_CSP, tiles_origin)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope.get("headers") or []
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}
        hosts = sum(1 for k, _v in raw if k.lower() == b"host")
        if hosts > 1:
            await self._refuse(send, 400, "bad_request",
                               "拒绝带有多个 Host 请求头的请求。 / A request with more than one "
                               "Host header is refused.")
            return
        refusal = self.check(scope["method"], headers, scope.get("scheme", "http"),
                             scope.get("server"))
        if refusal is not None:
            await self._refuse(send, *refusal)
            return
        path = scope.get("path", "")
        csp = self.docs_csp if path in DOCS else self.csp

        async def with_headers(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                own = any(k.lower() == b"content-security-policy"
                          for k, _ in msg.get("headers", []))  # a route's own (narrower)
                extra = [] if own else [(b"content-security-policy", csp.encode())]
                extra += [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"no-referrer"),
                         (b"x-frame-options", b"DENY")]
                msg = {**msg, "headers": list(msg.get("headers", [])) + extra}
            await send(msg)

        await self.app(scope, receive, with_headers)

    def check(self, method: str, headers: dict[str, str], scheme: str = "http",
              server: tuple[str, int | None] | None = None) -> tuple[int, str, str] | None:
        host = host_name(headers.get("host", ""))
        if host not in self.allowed:
            names = ", ".join(sorted(self.allowed))
            return (421, "wrong_host",
                    f"本服务不接受发往主机名“{host[:100]}”的请求，只接受 {names}（见 "
                    f"TUOYU_ALLOWED_HOSTS）。 / This service does not answer for the host "
                    f"'{host[:100]}'; it answers for {names} (TUOYU_ALLOWED_HOSTS).")
        if method not in WRITES:
            return None
        origin = headers.get("origin")
        own = own_origin(scheme, headers.get("host", ""), server)
        if origin is not None and not self.same_origin(origin, own):
            return (403, "cross_origin",
                    f"拒绝来自其他网站页面的修改请求（其来源“{origin[:100]}”不是本服务 "
                    f"{own[0]}://…:{own[1]}）。 / A change sent from another site's page is "
                    f"refused (its origin '{origin[:100]}' is not this service's own, "
                    f"{own[0]}://…:{own[1]}).")
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return (403, "cross_origin",
                    "拒绝来自其他网站页面的修改请求。 / A change sent from another site's "
                    "page is refused.")
        has_body = headers.get("content-length", "0") not in ("", "0") or (
            "transfer-encoding" in headers)
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        if has_body and ctype not in BODY_TYPES:
            sent = ctype[:60] or "no type"
            return (415, "unsupported_media_type",
                    "请求内容应为 JSON（application/json）或文件上传（multipart/form-data），"
                    f"而不是“{sent}”。 / Send the body as JSON (application/json) or as a "
                    f"multipart upload (multipart/form-data), not '{sent}'.")
        return None

    def same_origin(self, origin: str, own: tuple[str, int]) -> bool:
        """An origin of this service: its scheme and port, and one of its host names."""
        parts = origin_parts(origin)
        return parts is not None and parts[1] in self.allowed and (parts[0], parts[2]) == own

    async def _refuse(self, send: Send, status: int, error: str, message: str) -> None:
        body = json.dumps(errors.body(error, message), ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"content-security-policy", CSP.encode())]})
        await send({"type": "http.response.body", "body": body})
