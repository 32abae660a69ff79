"""HiGHS keeps one thread pool per process and refuses at once a model asking for
another thread count. Through ``highs_threads`` a planner's HiGHS model solves whatever
model of another thread count ran before it in the process (the calendar's default, the
siting's two, the roster relaxation's one), so a plan never depends on what ran before."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from tuoyu.optimizer.highs_pool import highs_run

#: a fresh process: models with the default count, 1, 2, the default, 1 again
SEQUENCE = """
import highspy
from tuoyu.optimizer.highs_pool import highs_run

def solve(threads):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = 1, 0
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = [1.0], [0.0], [1.0]
    lp.integrality_ = [highspy.HighsVarType.kInteger]
    h.passModel(lp)
    highs_run(h, threads)
    return h.getModelStatus() == highspy.HighsModelStatus.kOptimal

print(*[solve(t) for t in (None, 1, 2, None, 1)])
"""


def test_every_model_solves_whatever_count_the_one_before_asked_for():
    out = subprocess.run([sys.executable, "-c", SEQUENCE], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.split()[-5:] == ["True"] * 5, out.stdout + out.stderr


class _Recorder:
    """A stand-in HiGHS instance that records how many runs overlap in time."""

    running = 0
    most = 0
    guard = threading.Lock()

    def setOptionValue(self, name: str, value: object) -> None:  # noqa: N802 (HiGHS's)
        assert name == "threads" and isinstance(value, int) and value >= 1

    def run(self) -> str:
        with self.guard:
            _Recorder.running += 1
            _Recorder.most = max(_Recorder.most, _Recorder.running)
        time.sleep(0.01)  # long enough for another thread to try to start its run
        with self.guard:
            _Recorder.running -= 1
        return "ok"


def test_one_run_at_a_time_in_a_process(monkeypatch):
    """Runs from threads of one process (a Dask worker with several threads) never
    overlap: a reset of the pool for one of them never happens under another's solve.

    The pool's count is stood in for: the stand-ins run no HiGHS, so a real reset here
    would leave this test process's pool reset and its count noted (``_THREADS``) with no
    model started on it; the next model of default count would start the pool at its own
    count, and a later one asking for the noted count would be refused at once (the
    bundled siting plan failed so, once, in a README test run after this test)."""
    from tuoyu.optimizer import highs_pool

    monkeypatch.setattr(highs_pool, "highs_threads", lambda workers: max(1, int(workers)))
    _Recorder.running = _Recorder.most = 0
    threads = [threading.Thread(target=lambda w=w: [highs_run(_Recorder(), w or None)
                                                    for _ in range(5)])
               for w in (0, 1, 2, 0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _Recorder.running == 0 and _Recorder.most == 1
