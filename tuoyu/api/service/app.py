"""The FastAPI app: ``create_app(settings)``.

At creation the database is migrated (Alembic), the bundled data registered as
``baoshan``, and the access rule checked (a non-localhost host needs an admin token).
The job dispatcher runs while the app does (its lifespan).
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import string
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tuoyu import __version__
from tuoyu.api.exports.tiles import tile_origin, tile_url
from tuoyu.api.service import auth, errors
from tuoyu.api.service.apart import Slots
from tuoyu.api.service.datasets import (
    BUNDLED_ID,
    adopt_folder_served_as_baoshan,
    register_bundled,
    register_folder,
)
from tuoyu.api.service.deps import State
from tuoyu.api.service.guard import Guard
from tuoyu.api.service.jobs import JobManager
from tuoyu.api.service.settings import Settings
from tuoyu.api.store import make_engine, migrate
from tuoyu.planning import registry

WEB = Path(__file__).resolve().parents[1] / "web"
HOME = ("/", "index", "title_index", "托育规划 · 首页")
#: the pages that are no planner's own, after the planners' (the action plan's scorecard)
SHARED_PAGES = (("/plan", "plan", "title_plan", "三年行动计划目标完成情况"),)


def pages() -> dict[str, tuple[str, str, str]]:
    """route -> (page, title key, title): the home page, then each planner's
    (:mod:`tuoyu.planning.registry`), then the shared ones; every page shares
    web/layout.html."""
    found = [HOME] + [(p.page.route, p.page.name, p.page.title_key, p.page.title)
                      for p in registry.planners() if p.page is not None]
    found += list(SHARED_PAGES)
    return {route: (name, key, title) for route, name, key, title in found}
LEAFLET_CSS = '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">\n'
LEAFLET_JS = '<script src="/static/vendor/leaflet/leaflet.js"></script>\n'
ECHARTS_JS = '<script src="/static/vendor/echarts/echarts.common.min.js"></script>\n'
#: the vendored scripts a page needs besides app.js (offline: served under /static)
PAGE_SCRIPTS = {"map": LEAFLET_JS, "plan": ECHARTS_JS}


#: the shared pages' links in the header: (route, page, Chinese label); the planners'
#: own pages come from the registry (their ``nav`` label, else their title)
HOME_NAV = ("/", "index", "首页")
SHARED_NAV = (("/plan", "plan", "行动计划目标"),)


def nav_links() -> list[tuple[str, str, str]]:
    """Every page of the header, in order: the home page, each planner's page (the
    registry's order), the shared ones. Each is (route, page name, Chinese label); its
    link is ``#link-<name>`` (``#link-home`` for the home page) and its label in the
    pages' dictionary ``nav_<name>``."""
    links = [HOME_NAV] + [(p.page.route, p.page.name, p.page.nav or p.page.title)
                          for p in registry.planners() if p.page is not None]
    return links + list(SHARED_NAV)


def nav_html(current: str) -> str:
    """The header's links, the page shown marked ``current``; names escaped (data)."""
    out = []
    for route, name, text in nav_links():
        key = "home" if name == "index" else name
        mark = ' class="current"' if name == current else ""
        out.append(f'    <a href="{html.escape(route)}" id="link-{html.escape(key)}"{mark} '
                   f'data-i18n="nav_{html.escape(key)}">{html.escape(text)}</a>')
    return "\n".join(out)


def _tiles_meta() -> str:
    """A map page's configured basemap (``TUOYU_MAP_TILES``) for its script to read; none
    without one: the page then asks no other host for anything."""
    url = tile_url()
    return "" if url is None else (
        f'<meta name="tuoyu-map-tiles" content="{html.escape(url, quote=True)}">\n')


def _planners_meta() -> str:
    """Each registered planner's name in both languages (``<kind>.name`` of its
    messages), for the pages' job labels: a planner registered later is named too."""
    from tuoyu.api.text import label

    names = {p.kind: {lang: label(f"{p.kind}.name", lang) for lang in ("zh", "en")}
             for p in registry.planners()}
    return (f'<meta name="tuoyu-planners" '
            f'content="{html.escape(json.dumps(names, ensure_ascii=False), quote=True)}">\n')


def render_page(name: str, title_key: str, title: str) -> str:
    """A page: its own <main> in the one shared layout (head, header, scripts)."""
    main = (WEB / f"{name}.html").read_text(encoding="utf-8").strip()
    if not (WEB / "layout.html").is_file():
        return main
    layout = string.Template((WEB / "layout.html").read_text(encoding="utf-8"))
    leaflet = any(p.page is not None and p.page.name == name and p.page.leaflet
                  for p in registry.planners())
    return layout.substitute(
        title_key=title_key, title=title, main=main, page=name, nav=nav_html(name),
        styles=_planners_meta() + ((LEAFLET_CSS + _tiles_meta()) if leaflet else ""),
        scripts=LEAFLET_JS if leaflet else PAGE_SCRIPTS.get(name, ""),
    )


class StartupRefused(RuntimeError):
    """The service must not start as configured (the message says why)."""


class _TooLarge(Exception):
    pass


class _CountedBody:
    """One request's body counted as it streams in: past the limit, the app's reading
    stops (``_TooLarge``) and whatever it answers becomes the one 413. A body that stops
    arriving for ``idle`` seconds before it is complete ends the same way, with 408, and
    so does one that keeps arriving too slowly: after its first ``idle`` seconds, a body
    must have come at ``min_rate`` bytes a second on average (a byte every 29 s never
    stops, and would hold a connection, an upload slot or a staging file for days)."""

    def __init__(self, limit: BodyLimited, receive: Receive, send: Send,
                 idle: float | None = None, min_rate: float | None = None) -> None:
        self.limit, self._receive, self._send, self.idle = limit, receive, send, idle
        self.min_rate = min_rate if idle is not None else None
        self.seen = 0
        self.started: float | None = None  # the loop's clock when the body was first read
        self.complete = False  # the whole body has arrived
        self.refusal: Callable[[Send], Awaitable[None]] | None = None  # 413 or 408
        self.replaced = False  # the refusal was sent in the app's answer's place

    def _wait(self) -> tuple[float, bool]:
        """Seconds the next part may take, and whether the average rate (not the idle
        bound) ends it then."""
        assert self.idle is not None
        if not self.min_rate:
            return self.idle, False
        now = asyncio.get_running_loop().time()
        if self.started is None:
            self.started = now
        # the bytes seen keep the average until started + idle + seen / min_rate
        left = self.started + self.idle + self.seen / self.min_rate - now
        return (left, True) if left < self.idle else (self.idle, False)

    async def receive(self) -> Message:
        if self.complete or self.idle is None:
            msg = await self._receive()
        else:
            timeout, by_rate = self._wait()
            try:
                msg = await asyncio.wait_for(self._receive(), timeout=max(0.0, timeout))
            except TimeoutError:
                self.refusal = self._too_slow_on_average if by_rate else self._too_slow
                raise _TooLarge from None
        if msg["type"] == "http.request":
            self.seen += len(msg.get("body", b""))
            self.complete = not msg.get("more_body", False)
            if self.seen > self.limit.limit:
                self.refusal = self.limit._refuse
                raise _TooLarge
        return msg

    async def send(self, msg: Message) -> None:
        if self.refusal is None:
            await self._send(msg)
        elif msg["type"] == "http.response.start" and not self.replaced:
            self.replaced = True
            await self.refusal(self._send)

    async def _too_slow_on_average(self, send: Send) -> None:
        assert self.min_rate is not None
        rate = f"{self.min_rate / 1024:g}"
        await _answer(send, 408, errors.body(
            "body_too_slow", f"请求内容到达过慢（平均每秒不足 {rate} KB），已停止接收；请重新发送。"
            f" / The request's body arrived too slowly (under {rate} KB a second on"
            " average); send it again."), close=True)

    async def _too_slow(self, send: Send) -> None:
        seconds = f"{self.idle:g}"
        await _answer(send, 408, errors.body(
            "body_timeout", f"请求内容 {seconds} 秒内没有新的数据，已停止接收；请重新发送。"
            f" / The request's body stopped arriving for {seconds} s; send it again."),
            close=True)


async def _answer(send: Send, status: int, content: dict[str, Any], close: bool = False
                  ) -> None:
    body = json.dumps(content, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


#: the routes whose bodies are uploads (a dataset, outcomes): up to TUOYU_MAX_UPLOAD_MB;
#: every other body (a job, a token, a re-plan, a commitment …) up to SMALL_BODY
UPLOAD_ROUTES = re.compile(r"^/api/v1/datasets(/[^/]+/outcomes)?/?$")
SMALL_BODY = 1024 * 1024


class BodyLimit:
    """Refuse request bodies over the limit with 413: by Content-Length when sent, and by
    counting the bytes as they stream in (a chunked upload has no Content-Length).
    Uploads (:data:`UPLOAD_ROUTES`) may reach ``limit``; every other body ``small``
    (a job's parameters are a few hundred bytes: a caller, even one without a token, can
    make the service hold at most that much of a request before it is answered)."""

    def __init__(self, app: ASGIApp, limit: int, stated: int | None = None,
                 small: int = SMALL_BODY, idle: float | None = None,
                 min_rate: float | None = None):
        self.app = app
        self.upload_limit = limit
        self.stated = stated or limit  # the limit a planner is told (the upload's own)
        self.small = small
        self.idle = idle  # seconds a body may stop arriving (None: no bound)
        self.min_rate = min_rate  # bytes a second on average after ``idle`` (None: none)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = UPLOAD_ROUTES.match(scope.get("path", "")) is not None
        limit = BodyLimited(self.upload_limit if upload else self.small,
                            self.stated if upload else self.small, upload)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit.limit:
            await limit._refuse(send)
            return
        body = _CountedBody(limit, receive, send, self.idle, self.min_rate)
        try:
            await self.app(scope, body.receive, body.send)
        except _TooLarge:
            if not body.replaced and body.refusal is not None:
                body.replaced = True
                await body.refusal(send)


class BodyLimited:
    """One request's limit: how many bytes, the limit it is told, and whether an upload."""

    def __init__(self, limit: int, stated: int, upload: bool) -> None:
        self.limit, self.stated, self.upload = limit, stated, upload

    async def _refuse(self, send: Send) -> None:
        await _answer(send, 413, errors.body("too_large", errors.too_large_message(
            self.stated, self.upload)))


def _open_store(settings: Settings) -> tuple[Engine, str]:
    """The store, migrated; refuses a network service without an admin token; registers
    the bundled district and cleans what a killed service (or command) left half-made:
    staging folders of uploads and of plans (the plans and datasets are whole or absent)."""
    from tuoyu.api.exports.output import clean_stale_in
    from tuoyu.api.service.datasets import clean_staging
    from tuoyu.api.text import message

    settings.home.mkdir(parents=True, exist_ok=True)
    migrate(settings.url)
    engine = make_engine(settings.url)
    if not settings.is_local and auth.count_tokens(engine, "admin") == 0:
        raise StartupRefused("\n".join(message("service.no_admin_token",
                                                 {"host": settings.host}, lang)
                                         for lang in ("zh", "en")))
    # before the bundled row names the bundled data again
    adopt_folder_served_as_baoshan(engine, settings.bundled_data)
    register_bundled(engine, settings.bundled_data)
    default = BUNDLED_ID
    if settings.data is not None:
        default = register_folder(engine, settings.data)
    clean_staging(settings.datasets_dir)
    clean_staging(settings.home)
    clean_stale_in(settings.jobs_dir)
    return engine, default


def _add_docs(app: FastAPI) -> None:
    """The API documentation from vendored assets: it works on an intranet with no
    internet."""
    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title=app.title + " - Swagger UI",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/leaflet/images/marker-icon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json", title=app.title + " - ReDoc",
            redoc_js_url="/static/vendor/redoc/redoc.standalone.js",
            redoc_favicon_url="/static/vendor/leaflet/images/marker-icon.png",
            with_google_fonts=False,
        )


def _add_pages(app: FastAPI) -> None:
    """Every page (:func:`pages`) at its route, and the static files under /static."""
    app.mount("/static", StaticFiles(directory=WEB / "static", check_dir=False), name="static")

    def page(name: str, title_key: str, title: str) -> Any:
        def serve_page() -> HTMLResponse:
            if not (WEB / f"{name}.html").is_file():
                raise errors.not_found(f"The page {name}", f"页面“{name}”")
            return HTMLResponse(render_page(name, title_key, title))

        return serve_page

    for route, (name, title_key, title) in pages().items():
        app.add_api_route(route, page(name, title_key, title), methods=["GET", "HEAD"],
                          include_in_schema=False)


def _description() -> str:
    """The OpenAPI page's description: the registered planners, by name."""
    from tuoyu.api.text import label

    names = "; ".join(f"{label(f'{p.kind}.name', 'zh')} ({label(f'{p.kind}.name', 'en')})"
                      for p in registry.planners())
    return f"The planning service of a district childcare office: {names}. See docs/api.md."


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine, default_dataset = _open_store(settings)
    jobs = JobManager(settings, engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        jobs.start()
        before = sys.getswitchinterval()
        sys.setswitchinterval(max(settings.switch_interval, 1e-6))
        try:
            yield
        finally:
            sys.setswitchinterval(before)
            jobs.stop()

    app = FastAPI(title="tuoyu 托育 planning service", version=__version__,
                  description=_description(), lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.tuoyu = State(settings=settings, engine=engine, jobs=jobs,
                            slots=Slots(settings.heavy, per_holder=1),
                            default_dataset=default_dataset)
    errors.install(app)
    from tuoyu.api.service import routes_datasets, routes_jobs, routes_scorecard, routes_tokens

    app.include_router(routes_datasets.router)
    app.include_router(routes_scorecard.router)
    app.include_router(routes_jobs.make_router())
    app.include_router(routes_tokens.router)

    @app.get("/api/v1/health", tags=["service"])
    def health(request: Request) -> dict[str, Any]:
        """The service answers; ``dispatching``: whether this process starts the queued
        jobs (another service on the same store may: ``jobs`` says so in words)."""
        from tuoyu.api.text import message

        dispatching = jobs.dispatching
        key = ("service.dispatching" if dispatching else "service.not_dispatching"
               if settings.start_jobs else "service.no_dispatcher")
        said = message(key, {}, errors.request_lang(request))  # type: ignore[arg-type]
        return {"status": "ok", "version": __version__, "dispatching": dispatching,
                "jobs": said}

    _add_docs(app)
    _add_pages(app)
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes + 1024 * 1024,
                       stated=settings.max_upload_bytes,
                       idle=settings.body_idle_seconds if settings.body_idle_seconds > 0
                       else None,
                       min_rate=settings.body_min_kb_per_second * 1024
                       if settings.body_min_kb_per_second > 0 else None)
    app.add_middleware(Guard, allowed_hosts=settings.allowed_hosts, tiles_origin=tile_origin())
    app.add_middleware(errors.Unexpected)  # outermost: an unexpected error ends here
    return app
