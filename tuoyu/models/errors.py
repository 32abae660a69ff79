"""Errors a planner can act on: which file, which row, which column, what was expected."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tuoyu.models.findings import Finding, warning


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can.

    ``row`` is the row number a planner sees in Excel: the header is row 1, so the
    first data row is row 2. ``None`` when the problem concerns the whole file.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    expected: str | None = None
    got: str | None = None
    #: the message's code in the catalogue (``tuoyu.api.text.input``) and its values, so
    #: the faces can say it in Chinese; ``message``/``expected`` stay the English words
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.expected is not None:
            text += f"; expected {self.expected}"
        if self.got is not None:
            text += f", got '{self.got}'"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "expected": self.expected,
            "got": self.got,
            "code": self.code or None,
        }

    def as_finding(self) -> Finding:
        """This problem as a finding (a warning) for a check that reports findings (the
        verify of a published workbook): its code and values, and where it is (``file``,
        ``row``, ``column``), which ``tuoyu.api.text.render`` says as the reader does."""
        return warning(self.code, **self.params, file=self.file, row=self.row,
                       column=self.column)


class DataError(Exception):
    """The input cannot be planned from; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self.render())

    def __reduce__(self) -> tuple[type, tuple[list[Problem]]]:
        # crosses process boundaries whole (a check apart raises it in the service)
        return (type(self), (self.problems,))

    def render(self, limit: int = 50) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more problems")
        head = (
            "The input has a problem:"
            if len(self.problems) == 1
            else f"The input has {len(self.problems)} problems:"
        )
        return head + "\n" + "\n".join(f"  - {line}" for line in lines)


class InfeasibleError(Exception):
    """No plan can meet the hard rules. ``clashes`` say which rules clash and by how much,
    as findings (code and amounts, severity error); the faces render them in Chinese or
    English through ``tuoyu.api.text``. ``kind`` is the planner (roster, sessions, siting).
    """

    def __init__(self, kind: str, clashes: Sequence[Finding]):
        self.kind = kind
        self.clashes: tuple[Finding, ...] = tuple(clashes)
        super().__init__(f"{kind}: " + "; ".join(f"{c.code} {dict(c.params)}"
                                                for c in self.clashes))


class TimeLimitError(InfeasibleError):
    """No plan was found within the time limit: not proof that none exists."""
