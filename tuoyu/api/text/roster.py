"""Messages of the roster planner: findings, clashes, soft goals and targets, by code."""

MESSAGES: dict[str, tuple[str, str]] = {}
