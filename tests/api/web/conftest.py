"""Shared by the browser tests of the pages: one server, one browser for the whole session
(starting them is most of a page test's time), a fresh page per test, and the tiny second
district uploaded once with one plan of each kind."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from web_support import (
    ARGS,
    CHROMIUM,
    api_get,
    calm,
    require_browser,
    start_server,
    stop_server,
)
from web_tiny import DISTRICT, zipped


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    home = tmp_path_factory.mktemp("tuoyu_web_home")
    proc, base = start_server(home)
    try:
        yield base
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, server: str) -> Iterator[object]:
    """A fresh page (own localStorage); any uncaught script error fails the test. Its
    ``wait_for_function`` polls (:func:`web_support.calm`)."""
    ctx = browser.new_context(base_url=server, viewport={"width": 1400, "height": 900})
    pg = calm(ctx.new_page())
    # the first read of a table runs apart and waits its turn: seconds each on a busy machine
    pg.set_default_timeout(120_000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield pg
    finally:
        ctx.close()
    assert not errors, f"script errors in the page: {errors}"




def wait_done(server: str, job_id: str, timeout: float = 300.0) -> dict:
    """Poll a job until it is no longer queued or running."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = api_get(f"{server}/api/v1/jobs/{job_id}").json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} still running after {timeout} s")


@pytest.fixture(scope="session")
def tiny(server: str) -> dict:
    """The tiny district (测试区) uploaded, and one finished plan of each kind on it:
    {"dataset": id, "district": name, "siting": job, "sessions": job, "roster": job}."""
    r = httpx.post(f"{server}/api/v1/datasets", files={"file": ("tiny.zip", zipped())},
                   data={"name": "测试数据"}, timeout=120)
    assert r.status_code == 201, r.text
    ds = r.json()["id"]
    made = {}
    for kind, params in (("siting", {"years": "2027-2029", "classes_per_year": "1-2"}),
                         ("sessions", {"year": 2027}), ("roster", {"month": "2027-03"})):
        job = httpx.post(f"{server}/api/v1/jobs", json={
            "kind": kind, "dataset_id": ds, "params": params}).json()
        made[kind] = job["id"]
    out = {"dataset": ds, "district": DISTRICT}
    for kind, job_id in made.items():
        job = wait_done(server, job_id)
        assert job["status"] == "done", job
        out[kind] = job
    return out
