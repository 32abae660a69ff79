"""What every request passes before it reaches a route: the host it was sent to, the
origin and type of what it writes, and the headers that keep pages from running
anything but our own scripts.

- **Host.** Only the host names the service was started for are answered (the host it
  listens on, the loopback names, and ``TUOYU_ALLOWED_HOSTS``): a page on another site
  cannot reach this service through DNS rebinding.
- **Writes.** A request that changes something (POST, PUT, PATCH, DELETE) from a browser
  page of another origin is refused (its ``Origin`` or ``Sec-Fetch-Site`` says so), and
  a body must be JSON or a multipart upload: a cross-site ``text/plain`` form post
  never records anything.
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
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
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


class Guard:
    def __init__(self, app: ASGIApp, allowed_hosts: frozenset[str]):
        self.app = app
        self.allowed = frozenset(h.lower() for h in allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers") or []}
        refusal = self.check(scope["method"], headers)
        if refusal is not None:
            await self._refuse(send, *refusal)
            return
        path = scope.get("path", "")
        csp = DOCS_CSP if path in DOCS else CSP

        async def with_headers(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                extra = [(b"content-security-policy", csp.encode()),
                         (b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"no-referrer"),
                         (b"x-frame-options", b"DENY")]
                msg = {**msg, "headers": list(msg.get("headers", [])) + extra}
            await send(msg)

        await self.app(scope, receive, with_headers)

    def check(self, method: str, headers: dict[str, str]) -> tuple[int, str, str] | None:
        host = host_name(headers.get("host", ""))
        if host not in self.allowed:
            return (421, "wrong_host",
                    f"This service does not answer for the host '{host[:100]}'; it answers "
                    f"for {', '.join(sorted(self.allowed))} (TUOYU_ALLOWED_HOSTS).")
        if method not in WRITES:
            return None
        origin = headers.get("origin")
        if origin is not None and origin != "null" and host_name(origin) not in self.allowed:
            return (403, "cross_origin",
                    "A change sent from another site's page is refused.")
        if origin == "null" or headers.get("sec-fetch-site") == "cross-site":
            return (403, "cross_origin",
                    "A change sent from another site's page is refused.")
        has_body = headers.get("content-length", "0") not in ("", "0") or (
            "transfer-encoding" in headers)
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        if has_body and ctype not in BODY_TYPES:
            return (415, "unsupported_media_type",
                    "Send the body as JSON (application/json) or as a multipart upload "
                    f"(multipart/form-data), not '{ctype[:60] or 'no type'}'.")
        return None

    async def _refuse(self, send: Send, status: int, error: str, message: str) -> None:
        body = json.dumps(errors.body(error, message), ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"content-security-policy", CSP.encode())]})
        await send({"type": "http.response.body", "body": body})
