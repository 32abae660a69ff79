"""HiGHS keeps one thread pool per process and refuses at once a model asking for
another thread count. Through ``highs_threads`` a planner's HiGHS model solves whatever
model of another thread count ran before it in the process (the calendar's default, the
siting's two, the roster relaxation's one), so a plan never depends on what ran before."""

from __future__ import annotations

import subprocess
import sys

#: a fresh process: models with the default count, 1, 2, the default, 1 again
SEQUENCE = """
import highspy
from tuoyu.optimizer.highs_pool import highs_threads

def solve(threads):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if threads is not None:
        h.setOptionValue("threads", highs_threads(threads))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = 1, 0
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = [1.0], [0.0], [1.0]
    lp.integrality_ = [highspy.HighsVarType.kInteger]
    h.passModel(lp)
    h.run()
    return h.getModelStatus() == highspy.HighsModelStatus.kOptimal

print(*[solve(t) for t in (None, 1, 2, None, 1)])
"""


def test_every_model_solves_whatever_count_the_one_before_asked_for():
    out = subprocess.run([sys.executable, "-c", SEQUENCE], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.split()[-5:] == ["True"] * 5, out.stdout + out.stderr
