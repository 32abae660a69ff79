"""The planning layer: one entry per planner, ``run(dataset, params, *, stop, progress)
-> Plan``. It loads the tables, reads the history it needs, builds, solves and explains.
The command line and the service's worker call it and nothing else below it.

- :mod:`tuoyu.planning.roster`   ``run(dataset, RosterParams, *, history, ...)``
- :mod:`tuoyu.planning.sessions` ``run(dataset, SessionParams, *, previous, ...)``
- :mod:`tuoyu.planning.siting`   ``run(dataset, SitingParams, ...)``

:mod:`tuoyu.planning.registry` lists them (one entry each); the faces derive every list
of planners from it.
"""

from tuoyu.planning.plan import Plan, failed_plan

__all__ = ["Plan", "failed_plan"]
