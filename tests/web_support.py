"""The browser tests' plumbing: the real app under uvicorn in a subprocess on 127.0.0.1 and
a free port (home and database in a temporary folder), Debian's Chromium headless shell (or
its full Chromium) driven by Playwright. Without either or Playwright the tests skip, unless
``TUOYU_REQUIRE_BROWSER=1`` (CI after ``.ci/setup-browser.sh``): then they fail."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

#: Debian's headless shell (package chromium-headless-shell) when there: the same Blink as the
#: full browser, at less than half its CPU in these tests; else the full browser;
#: ``TUOYU_CHROMIUM`` names another.
HEADLESS_SHELL = Path("/usr/lib/chromium/chromium-headless-shell")
CHROMIUM = Path(os.environ.get("TUOYU_CHROMIUM") or (
    HEADLESS_SHELL if HEADLESS_SHELL.exists() else "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SOLVE_WAIT_MS = 180_000
#: how often a page's wait_for_function looks again (see :func:`calm`)
POLL_MS = 100

SERVE = """
import sys
import uvicorn
from tuoyu.api.service.app import create_app
from tuoyu.api.service.settings import Settings
from pathlib import Path
data = Path(sys.argv[3]) if len(sys.argv) > 3 else None  # tuoyu serve --data DIR
settings = Settings(host="127.0.0.1", solver_time_limit=float(sys.argv[2]), workers=2, data=data)
uvicorn.run(create_app(settings), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def require_browser() -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append(str(CHROMIUM))
    if importlib.util.find_spec("playwright") is None:
        missing.append("playwright (pip)")
    if not missing:
        return
    why = "browser tests need " + " and ".join(missing) + " (.ci/setup-browser.sh installs them)"
    if os.environ.get("TUOYU_REQUIRE_BROWSER") == "1":
        pytest.fail(why + "; TUOYU_REQUIRE_BROWSER=1 forbids skipping", pytrace=False)
    pytest.skip(why)


def calm(pg: Any) -> Any:
    """The page ``pg`` with ``wait_for_function`` looking every :data:`POLL_MS` ms instead
    of on every animation frame (Playwright's default, "raf", keeps Chromium drawing frames
    for the whole wait: a sixth of a core per page waiting for a plan, taken from the
    solver and the other test process). The condition waited for is the same."""
    wait = pg.wait_for_function

    def wait_for_function(expression: str, *, arg: Any = None, timeout: float | None = None,
                          polling: float | str = POLL_MS) -> Any:
        if "=>" not in expression and not expression.lstrip().startswith(("function", "async")):
            # an expression, not a function: with a polling interval Playwright evaluates
            # it with eval() in the page, which the pages' Content-Security-Policy refuses
            # (no 'unsafe-eval'); a function it calls directly
            expression = f"() => ({expression})"
        return wait(expression, arg=arg, timeout=timeout, polling=polling)

    pg.wait_for_function = wait_for_function
    return pg


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(home: Path, solver_time_limit: float = 60.0,
                 data: Path | None = None) -> tuple[subprocess.Popen, str]:
    """The real app under uvicorn in a subprocess; returns it and its base URL when it
    answers. ``data``: a planner's folder served as ``tuoyu serve --data`` does."""
    port = free_port()
    env = {**os.environ, "TUOYU_HOME": str(home),
           "TUOYU_DATABASE_URL": f"sqlite:///{home / 'tuoyu.sqlite'}"}
    log = open(home / "server.log", "wb")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen([sys.executable, "-c", SERVE, str(port), str(solver_time_limit),
                             *([str(data)] if data is not None else [])],
                            env=env, cwd=str(home), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.close()
            raise RuntimeError("the service stopped at start:\n" +
                               (home / "server.log").read_text(errors="replace"))
        try:
            if httpx.get(base + "/api/v1/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the service did not answer within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)




def api_get(url: str, **kw: object) -> httpx.Response:
    """GET as a page does: a table read apart answers 429 "busy" while another heavy read
    of the same caller runs (the page's own), so wait for the turn; reads take seconds."""
    kw.setdefault("timeout", 120)
    deadline = time.monotonic() + 300
    while True:
        r = httpx.get(url, **kw)  # type: ignore[arg-type]
        if r.status_code != 429 or time.monotonic() > deadline:
            return r
        time.sleep(0.5)
