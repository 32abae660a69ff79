"""双随机 is unannounced: a roster names who is inspected when, so a viewer reads a
roster's result and files only once its month is past (the office's today); a planner at
once. A plan naming families stays for planners whatever the date."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tuoyu.api.service.errors import ApiError
from tuoyu.api.service.routes_jobs import _refuse_unless_readable


@dataclass
class _Job:
    kind: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Who:
    role: str
    name: str = "t"

    def may(self, role: str) -> bool:
        return self.role == "planner" or (self.role == "admin")


@pytest.mark.parametrize(("today", "viewer_reads"), [
    ("2027-03-15", False),  # in the month: unannounced
    ("2027-03-31", False),  # its last day: inspections may still happen
    ("2027-04-01", True),   # the month is past
])
def test_a_viewer_reads_a_roster_only_after_its_month(monkeypatch: pytest.MonkeyPatch,
                                                     today: str, viewer_reads: bool) -> None:
    monkeypatch.setenv("TUOYU_TODAY", today)
    job = _Job("roster", {"month": "2027-03", "seed": 1})
    _refuse_unless_readable(job, _Who("planner"))  # a planner always
    if viewer_reads:
        _refuse_unless_readable(job, _Who("viewer"))
    else:
        with pytest.raises(ApiError) as err:
            _refuse_unless_readable(job, _Who("viewer"))
        assert err.value.status == 403
        assert err.value.message.startswith("双随机检查不事先告知：2027-03-31 之后")


def test_families_stay_for_planners_and_a_calendar_is_public(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUOYU_TODAY", "2030-01-01")
    with pytest.raises(ApiError) as err:
        _refuse_unless_readable(_Job("visits", {"week": "2027-03-01"}), _Who("viewer"))
    assert err.value.status == 403 and "个人信息" in err.value.message
    _refuse_unless_readable(_Job("sessions", {"year": 2027}), _Who("viewer"))
