"""A process apart from the service (a job's worker, an upload check, a table read)
runs at idle priority unless told otherwise, ends with its service, and starts light:
importing what it does first loads none of the planners, the store or pandas."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tuoyu.api.service.proc import yield_to_the_service


def test_worker_priority_is_idle_by_default_and_normal_when_set(
        monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(os, "SCHED_IDLE"):
        pytest.skip("no SCHED_IDLE on this system")
    for setting, expected in (("normal", os.SCHED_OTHER), (None, os.SCHED_IDLE),
                              ("idle", os.SCHED_IDLE)):
        if setting is None:
            monkeypatch.delenv("TUOYU_WORKER_PRIORITY", raising=False)
        else:
            monkeypatch.setenv("TUOYU_WORKER_PRIORITY", setting)
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        try:
            yield_to_the_service(child.pid)
            assert os.sched_getscheduler(child.pid) == expected, setting
        finally:
            child.kill()
            child.wait()


def test_a_process_apart_starts_without_the_planners():
    """The reason this module exists: a table read or an upload check in a process
    apart imported the whole worker first (the planners, the store, pandas: about a
    CPU-second per process)."""
    code = ("import sys; import tuoyu.api.service.proc, tuoyu.api.service.apart; "
            "print(sorted(m for m in ('pandas', 'sqlalchemy', 'ortools', 'tuoyu.planning', "
            "'tuoyu.api.store') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_a_process_ends_with_its_parent(tmp_path):
    """``end_with_parent``: the grandchild is gone once its parent is killed."""
    import signal
    import time

    pid_file = tmp_path / "pid"
    code = ("import os, subprocess, sys, time\n"
            "child = subprocess.Popen([sys.executable, '-c', 'import os, sys, time; "
            "from tuoyu.api.service.proc import end_with_parent; "
            "end_with_parent(int(sys.argv[1])); open(sys.argv[2], \"w\").write(str(os.getpid())); "
            "time.sleep(60)', str(os.getpid()), sys.argv[1]])\n"
            "time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", code, str(pid_file)])
    try:
        for _ in range(600):
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.05)
        child = int(pid_file.read_text())
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    for _ in range(200):  # the kernel's signal, or the watchdog within half a second
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        try:  # reaped by init; a zombie still answers kill(0)
            with open(f"/proc/{child}/stat") as f:
                if f.read().split()[2] == "Z":
                    break
        except OSError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the child outlived its parent")


def test_a_process_apart_has_the_environment_of_its_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Processes apart are forked from a forkserver started with the environment of the
    service's first process apart: each still sees the service's environment as it is
    when it starts (a setting changed, added or removed since), as a spawned one did."""
    from tuoyu.api.service.apart import run_apart

    monkeypatch.setenv("TUOYU_PROBE", "one")
    assert run_apart(os.getenv, "TUOYU_PROBE") == "one"  # the forkserver started by now
    monkeypatch.setenv("TUOYU_PROBE", "two")
    monkeypatch.setenv("TUOYU_PROBE_NEW", "3")
    assert run_apart(os.getenv, "TUOYU_PROBE") == "two"
    assert run_apart(os.getenv, "TUOYU_PROBE_NEW") == "3"
    monkeypatch.delenv("TUOYU_PROBE")
    assert run_apart(os.getenv, "TUOYU_PROBE") is None
