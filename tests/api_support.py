"""Helpers of the API tests (no tests here): an app on a temporary home, a zip of the
bundled data, polling a job, and a clean PostgreSQL database when one is configured."""

from __future__ import annotations

import io
import os
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tuoyu.api.service.app import create_app
from tuoyu.api.service.settings import Settings
from tuoyu.data import BUNDLED

DATA = BUNDLED
ROSTER_FILES = ("streets.csv", "calendar.csv", "institutions.csv", "inspectors.csv",
                "inspector_leave.csv", "conflicts.csv", "inspections.csv")


def zip_bytes(folder: Path = DATA, names: tuple[str, ...] | None = None,
              prefix: str = "baoshan/", extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.iterdir()):
            if p.is_file() and (names is None or p.name in names):
                zf.write(p, prefix + p.name)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def settings(tmp: Path, url: str | None = None, **kw: Any) -> Settings:
    kw.setdefault("bundled_data", None)
    kw.setdefault("solver_time_limit", 30.0)
    return Settings(home=tmp / "home", database_url=url, **kw)


@contextmanager
def client(tmp: Path, url: str | None = None, **kw: Any) -> Iterator[TestClient]:
    with TestClient(create_app(settings(tmp, url, **kw)), base_url="http://localhost") as c:
        yield c


def wait(c: TestClient, job_id: str, timeout: float = 600.0,
         headers: dict[str, str] | None = None) -> dict[str, Any]:
    """Poll a job until it is finished; returns its last state."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        job = c.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} still {job['status']} after {timeout} s")


def upload(c: TestClient, data: bytes, filename: str = "baoshan.zip",
           headers: dict[str, str] | None = None, name: str | None = None) -> Any:
    form = {"name": name} if name else None
    return c.post("/api/v1/datasets", files={"file": (filename, data, "application/zip")},
                  data=form, headers=headers)


def postgres_url() -> str:
    """The PostgreSQL URL of the tests, on a freshly emptied schema; skips without one
    (fails instead when TUOYU_REQUIRE_POSTGRES=1)."""
    url = os.environ.get("TUOYU_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("TUOYU_REQUIRE_POSTGRES") == "1":
            pytest.fail("TUOYU_REQUIRE_POSTGRES=1 but TUOYU_TEST_POSTGRES_URL is not set")
        pytest.skip("TUOYU_TEST_POSTGRES_URL is not set")
    running = os.environ.get("PYTEST_CURRENT_TEST", "").partition("::")[2]
    if os.environ.get("PYTEST_XDIST_WORKER") and "postgres" not in running:
        pytest.fail(f"{running}: a test of PostgreSQL empties the shared schema; under "
                    "pytest-xdist only tests with 'postgres' in their name run one at a "
                    "time (tests/conftest.py: work_unit), so name it so", pytrace=False)
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    eng.dispose()
    return url


def serve_cli(env: dict[str, str], port: int) -> tuple[Any, str]:
    """``tuoyu serve`` as an operator starts it, in a session of its own (so that a test
    can kill it and every process it made), and its base URL once it answers /health (or
    after a minute of waiting: the test's own request then says what is wrong)."""
    import subprocess
    import sys

    import httpx

    server = subprocess.Popen(
        [sys.executable, "-m", "tuoyu.api.cli", "serve", "--port", str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    return server, base
