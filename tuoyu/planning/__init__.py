"""The planning layer: one entry per planner, ``run(dataset, params, *, stop, progress)
-> Plan``. It loads the tables, reads the history it needs, builds, solves and explains.
The command line and the service's worker call it and nothing else below it.

- :mod:`tuoyu.planning.roster`   ``run(dataset, RosterParams, *, history, ...)``
- :mod:`tuoyu.planning.sessions` ``run(dataset, SessionParams, *, previous, ...)``
- :mod:`tuoyu.planning.siting`   ``run(dataset, SitingParams, ...)``

:mod:`tuoyu.planning.registry` lists them (one entry each); the faces derive every list
of planners from it.

The contract's types are imported from here by the faces (never from the optimizer):
the Plan, its status, its stages, soft goals and targets, the stop token and the
progress events.
"""

from tuoyu.optimizer.solve import (
           ProgressEvent,
           ProgressFn,
           SoftGoal,
           StageTime,
           Status,
           Stop,
           Target,
)
from tuoyu.planning.plan import Plan, failed_plan

__all__ = ["Plan", "ProgressEvent", "ProgressFn", "SoftGoal", "StageTime", "Status", "Stop",
           "Target", "failed_plan"]
