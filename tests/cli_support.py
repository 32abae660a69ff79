"""The commands of the assembled ``tuoyu`` command line, walked (tests of the CLI)."""

from __future__ import annotations

from collections.abc import Iterator


def commands(cmd: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, object]]:
    """Every command and group under ``cmd`` with its path ("tuoyu" for the root)."""
    yield " ".join(path) or "tuoyu", cmd
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        yield from commands(sub, (*path, name))
