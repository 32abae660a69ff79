"""What a plan tells a planner, as data: a code plus its parameters, never a sentence.

A finding is rendered in Chinese or English only at the very top (the command line, the
pages, the workbooks) from the message catalogue ``tuoyu.api.text``: the optimizer and
the planning layer never build a sentence, so a new field never means parsing text.

``params`` holds plain JSON values (str, int, float, bool, None, lists of those): the
ids and amounts the sentence names. Keep them small and flat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Severity(StrEnum):
    INFO = "info"  # something a planner may want to know
    WARNING = "warning"  # a target missed, a fallback taken, something to check
    ERROR = "error"  # a clash: why no plan can meet the rules


def _freeze(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Finding:
    """One fact about a plan (or about why there is none): ``code`` names the message in
    the catalogue, ``params`` fills it in."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity = Severity.INFO

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _freeze(dict(self.params)))
        object.__setattr__(self, "severity", Severity(self.severity))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": str(self.severity), "params": _thaw(self.params)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Finding:
        return cls(str(d["code"]), dict(d.get("params") or {}), Severity(d.get("severity", "info")))


def info(code: str, **params: Any) -> Finding:
    return Finding(code, params, Severity.INFO)


def warning(code: str, **params: Any) -> Finding:
    return Finding(code, params, Severity.WARNING)


def clash(code: str, **params: Any) -> Finding:
    """A reason why the rules cannot all hold (severity error)."""
    return Finding(code, params, Severity.ERROR)
