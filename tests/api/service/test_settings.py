"""The service's settings (``tuoyu.api.service.settings``): from arguments or the
``TUOYU_*`` environment; the store in the home folder unless a URL is given; the host
names the service answers for."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tuoyu.api.service.settings import SettingRefused, Settings


def test_the_environment_sets_the_defaults(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TUOYU_HOME", str(tmp_path))
    monkeypatch.delenv("TUOYU_DATABASE_URL", raising=False)
    monkeypatch.setenv("TUOYU_WORKERS", "3")
    monkeypatch.setenv("TUOYU_MAX_UPLOAD_MB", "1.5")
    monkeypatch.setenv("TUOYU_HEAVY", "4")
    monkeypatch.setenv("TUOYU_ALLOWED_HOSTS", " tuoyu.bs.gov.cn , ,Intranet ")
    s = Settings()
    assert s.home == tmp_path.resolve()
    assert s.url == f"sqlite:///{tmp_path.resolve() / 'tuoyu.sqlite'}"
    assert (s.workers, s.heavy) == (3, 4)
    assert s.max_upload_bytes == int(1.5 * 1024 * 1024)
    assert s.extra_hosts == ("tuoyu.bs.gov.cn", "Intranet")
    assert s.datasets_dir == tmp_path.resolve() / "datasets"
    assert s.jobs_dir == tmp_path.resolve() / "jobs"


def test_a_database_url_given_is_kept(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TUOYU_DATABASE_URL", "postgresql://u@db/tuoyu")
    assert Settings(home=tmp_path).url == "postgresql://u@db/tuoyu"
    assert Settings(home=tmp_path, database_url="sqlite:///x.db").url == "sqlite:///x.db"


def test_a_relative_home_is_made_absolute(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TUOYU_DATABASE_URL", raising=False)
    s = Settings(home=Path("h"))
    assert s.home == tmp_path.resolve() / "h" and str(s.home) in s.url


@pytest.mark.parametrize(("host", "local"), [("127.0.0.1", True), ("localhost", True),
                                             ("::1", True), ("0.0.0.0", False),
                                             ("10.1.2.3", False)])
def test_only_the_loopback_is_local(tmp_path: Path, host: str, local: bool) -> None:
    assert Settings(home=tmp_path, host=host).is_local is local


def test_the_host_names_answered_for(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("TUOYU_ALLOWED_HOSTS", raising=False)
    s = Settings(home=tmp_path, host="10.1.2.3", extra_hosts=("Tuoyu.Intranet",))
    assert s.allowed_hosts == {"127.0.0.1", "localhost", "::1", "10.1.2.3", "tuoyu.intranet"}
    every = Settings(home=tmp_path, host="0.0.0.0")
    assert socket.gethostname().lower() in every.allowed_hosts
    assert "0.0.0.0" in every.allowed_hosts and "evil.example" not in every.allowed_hosts


@pytest.mark.parametrize(("name", "value", "said"), [
    ("TUOYU_MAX_QUEUED", "abc", "环境变量 TUOYU_MAX_QUEUED=“abc”：应为整数，且不小于 1"),
    ("TUOYU_WORKERS", "0", "环境变量 TUOYU_WORKERS=“0”：应为整数，且不小于 1"),
    ("TUOYU_MAX_UPLOAD_MB", "nan", "TUOYU_MAX_UPLOAD_MB=“nan”：应为数字"),
    # read by the upload checks' module at its import: a traceback of tuoyu serve
    ("TUOYU_CHECK_MEMORY_MB", "2GB", "环境变量 TUOYU_CHECK_MEMORY_MB=“2GB”：应为数字，且不小于 64"),
    ("TUOYU_CHECK_SECONDS", "0", "环境变量 TUOYU_CHECK_SECONDS=“0”：应为数字，且不小于 1")])
def test_a_setting_that_is_no_usable_number_is_named(tmp_path: Path, monkeypatch, name: str,
                                                    value: str, said: str) -> None:
    """TUOYU_MAX_QUEUED=abc ended tuoyu serve in a traceback; TUOYU_WORKERS=0 started a
    service that never made a plan. Both are refused, named, Chinese first."""
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingRefused) as info:
        Settings(home=tmp_path)
    assert said in str(info.value).splitlines()[0]
