"""The service's settings, from arguments or the environment (``TUOYU_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _store():  # noqa: ANN202  (imported late: the store pulls in SQLAlchemy and Alembic)
    from tuoyu.api import store

    return store


class SettingRefused(ValueError):
    """A ``TUOYU_*`` variable that is not a number the service can use (``TUOYU_WORKERS=abc``
    ended ``tuoyu serve`` in a traceback; ``TUOYU_WORKERS=0`` started a service that never
    made a plan): the message names it, in Chinese and English."""

    def __init__(self, name: str, value: str, whole: bool, least: float) -> None:
        from tuoyu.api.text import message

        said = {"name": name, "value": value[:40], "least": least,
                "kind": {"zh": "整数", "en": "a whole number"} if whole
                else {"zh": "数字", "en": "a number"}}
        super().__init__(f"{message('service.bad_setting', said, 'zh')}\n"
                         f"{message('service.bad_setting', said, 'en')}")


def _env(name: str, default: str, kind: type[int] | type[float], least: float) -> Any:
    """The setting ``name`` from the environment (``default`` when not set): a number of
    ``kind`` of at least ``least``, else :class:`SettingRefused`."""
    raw = os.environ.get(name, default)
    try:
        value = kind(raw.strip())
    except ValueError:
        value = None
    if value is None or value != value or value < least or value == float("inf"):
        raise SettingRefused(name, raw, kind is int, least)
    return value


def _default_bundled() -> Path | None:
    from tuoyu.data import BUNDLED as BUNDLED_DATA

    return BUNDLED_DATA if BUNDLED_DATA.is_dir() else None


@dataclass
class Settings:
    """Where the service keeps things and how much it may do at once.

    ``home`` holds uploaded datasets and job outputs; ``database_url`` the metadata
    (SQLite in ``home`` by default). ``bundled_data`` is registered as dataset ``baoshan``; ``data``, a planner's folder,
    under an id of its own (``folder-…``).
    """

    home: Path = field(default_factory=lambda: _store().home())
    database_url: str | None = field(default_factory=lambda: os.environ.get("TUOYU_DATABASE_URL"))
    workers: int = field(default_factory=lambda: _env("TUOYU_WORKERS", "2", int, 1))
    max_upload_mb: float = field(
        default_factory=lambda: _env("TUOYU_MAX_UPLOAD_MB", "50", float, 0.001)
    )
    #: heavy requests (upload checks, outcomes, verify) at once, in all;
    #: one caller (a token, or a role without tokens) has one at a time
    heavy: int = field(default_factory=lambda: _env("TUOYU_HEAVY", "2", int, 1))
    #: plans waiting to be started (``queued``) at most, in all: a flood of job requests
    #: is refused (429) instead of queuing hours of solving ahead of the next planner's
    max_queued: int = field(default_factory=lambda: _env("TUOYU_MAX_QUEUED", "20", int, 1))
    #: of those, at most this many of one dataset: one district's flood leaves places for
    #: the others' plans
    max_queued_per_dataset: int = field(
        default_factory=lambda: _env("TUOYU_MAX_QUEUED_PER_DATASET", "10", int, 1))
    host: str = "127.0.0.1"
    bundled_data: Path | None = field(default_factory=_default_bundled)
    #: a planner's own data folder (``tuoyu serve --data DIR``): registered under its own
    #: id (``folder-…``, named by its district), the dataset the pages open on
    data: Path | None = None
    solver_time_limit: float = 60.0
    solver_workers: int = 2
    start_jobs: bool = True  # False: jobs stay queued (tests of the queue itself)
    #: seconds a thread of the service may hold Python's interpreter lock while another
    #: waits for it (Python's default: 0.005). Each request passes between the event
    #: loop and a pool thread; at 5 ms each such pass may wait behind another request's
    #: pool thread, and eight readers at once queue up (``TUOYU_SWITCH_INTERVAL_MS``)
    switch_interval: float = field(
        default_factory=lambda: _env("TUOYU_SWITCH_INTERVAL_MS", "1", float, 0.001) / 1000)
    #: seconds a request's body may stop arriving before it is complete (then 408)
    body_idle_seconds: float = field(
        default_factory=lambda: _env("TUOYU_BODY_IDLE_SECONDS", "30", float, 0))
    #: KB a second a request's body must arrive at on average after its first
    #: ``body_idle_seconds`` (else 408; 0: no bound)
    body_min_kb_per_second: float = field(
        default_factory=lambda: _env("TUOYU_BODY_MIN_KBPS", "4", float, 0))
    #: memory (MB) and wall-clock seconds an upload's check may take in its own process
    #: (``tuoyu.api.service.apart``, which reads them itself; checked here at the start)
    check_memory_mb: float = field(
        default_factory=lambda: _env("TUOYU_CHECK_MEMORY_MB", "2048", float, 64))
    check_seconds: float = field(
        default_factory=lambda: _env("TUOYU_CHECK_SECONDS", "300", float, 1))
    #: host names the service answers for, besides the loopback names and ``host``
    extra_hosts: tuple[str, ...] = field(default_factory=lambda: tuple(
        h.strip() for h in os.environ.get("TUOYU_ALLOWED_HOSTS", "").split(",") if h.strip()))

    def __post_init__(self) -> None:
        self.home = Path(self.home).resolve()
        if not self.database_url:
            self.database_url = _store().default_url(self.home)

    @property
    def url(self) -> str:
        assert self.database_url is not None
        return self.database_url

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def is_local(self) -> bool:
        return self.host in LOCAL_HOSTS

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """The host names requests may be addressed to (the Host header)."""
        hosts = set(LOCAL_HOSTS) | {self.host} | set(self.extra_hosts)
        if self.host in ("0.0.0.0", "::"):  # every interface: the machine's own names too
            import socket

            hosts |= {socket.gethostname(), socket.getfqdn()}
        return frozenset(h.lower() for h in hosts)

    @property
    def datasets_dir(self) -> Path:
        return self.home / "datasets"

    @property
    def jobs_dir(self) -> Path:
        return self.home / "jobs"
