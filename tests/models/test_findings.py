"""A finding (``tuoyu.models.findings``) is data: a code, flat JSON parameters and a
severity; it cannot be changed once made, and it travels as JSON and back unchanged."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuoyu.models.findings import Finding, Severity, clash, info, warning

_json_leaf = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=12)
_params = st.dictionaries(st.text(min_size=1, max_size=8),
                          _json_leaf | st.lists(_json_leaf, max_size=4), max_size=5)


def test_each_helper_gives_its_severity() -> None:
    assert info("a.b", n=1).severity is Severity.INFO
    assert warning("a.b").severity is Severity.WARNING
    assert clash("a.b", staff="S1").severity is Severity.ERROR
    assert clash("a.b", staff="S1").as_dict() == {
        "code": "a.b", "severity": "error", "params": {"staff": "S1"}}


def test_a_finding_cannot_be_changed_after_it_is_made() -> None:
    given_params = {"ids": ["I1", "I2"], "n": 2}
    f = info("roster.x", **given_params)
    given_params["ids"].append("I3")  # the caller's list changes afterwards
    assert f.as_dict()["params"] == {"ids": ["I1", "I2"], "n": 2}
    with pytest.raises(TypeError):
        f.params["n"] = 3  # type: ignore[index]
    with pytest.raises(AttributeError):
        f.code = "other"  # type: ignore[misc]


def test_an_unknown_severity_is_refused() -> None:
    with pytest.raises(ValueError):
        Finding("a.b", {}, "fatal")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Finding.from_dict({"code": "a.b", "severity": "fatal"})


def test_a_dict_without_params_or_severity_is_an_info_without_params() -> None:
    assert Finding.from_dict({"code": "a.b"}) == Finding("a.b")
    assert Finding.from_dict({"code": "a.b", "params": None}).as_dict()["params"] == {}


@given(st.text(min_size=1, max_size=20), _params, st.sampled_from(list(Severity)))
def test_json_and_back_is_the_same_finding(code: str, params: dict, severity: Severity) -> None:
    f = Finding(code, params, severity)
    text = json.dumps(f.as_dict(), ensure_ascii=False)
    back = Finding.from_dict(json.loads(text))
    assert back == f
    assert back.as_dict() == {"code": code, "severity": str(severity), "params": params}
