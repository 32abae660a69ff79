"""A wheel built from the checkout carries the bundled dataset and the migrations: the
planners run from an empty folder with nothing but the installed package."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# building and installing a wheel (about 15 s on 2 cores, one worker's whole share of the
# README's command): in the marked suite `.ci/run` runs after it; the planners' rules are
# tested in the README's command on the checkout itself
pytestmark = pytest.mark.heavy


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                        str(out), str(ROOT)], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        pytest.fail(f"pip wheel failed: {r.stderr[-2000:]}")
    (whl,) = out.glob("tuoyu-*.whl")
    return whl


def test_the_wheel_holds_the_data_the_pages_and_the_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("tuoyu/data/baoshan/institutions.csv", "tuoyu/data/baoshan/centers.csv",
                   "tuoyu/data/baoshan/communities.csv",
                   "tuoyu/api/store/migrations/versions/0001_initial.py",
                   "tuoyu/api/store/migrations/versions/0002_job_lease.py",
                   "tuoyu/api/store/migrations/script.py.mako",
                   "tuoyu/api/web/layout.html", "tuoyu/api/web/static/app.js",
                   "tuoyu/api/web/static/vendor/leaflet/leaflet.js",
                   "tuoyu/api/web/static/vendor/swagger-ui/swagger-ui-bundle.js",
                   "tuoyu/api/web/static/vendor/echarts/echarts.common.min.js",
                   "tuoyu/api/web/static/vendor/echarts/LICENSE",
                   "tuoyu/api/web/plan.html", "tuoyu/api/web/static/plan.js"):
        assert needed in names, needed
    assert not any(n.startswith(("data/", "tests/", "benchmarks/")) for n in names)
    # the suite keeps bytecode caches in the checkout (conftest.py): never in the wheel
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_the_installed_package_plans_from_an_empty_folder(wheel: Path,
                                                          tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "empty"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "TUOYU_DATABASE_URL": ""}
    where = subprocess.run([sys.executable, "-c", "import tuoyu; print(tuoyu.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.strip().startswith(str(site))
    for args, files in (
        (["roster", "--month", "2027-03", "--time-limit", "60"], ["roster.csv", "draw.json"]),
        (["siting", "--years", "2027-2028"], ["siting.geojson", "coverage.csv"]),
    ):
        out = work / args[0]
        r = subprocess.run([sys.executable, "-m", "tuoyu.api.cli", *args, "--out", str(out)],
                           cwd=work, env=env, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr[-3000:]
        for f in files:
            assert (out / f).is_file(), (args, f)
