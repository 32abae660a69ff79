"""Messages of the sessions planner: findings, clashes, soft goals and targets, by code."""

MESSAGES: dict[str, tuple[str, str]] = {}
