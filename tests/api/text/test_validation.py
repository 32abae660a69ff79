"""A refused parameter said in Chinese first (``tuoyu.api.text.validation``): the real
errors pydantic raises for the planners' parameters, each said as which parameter
(its Chinese name and its key), why (the bound or the choices filled in) and what was
given, shortened; never pydantic's English in the Chinese sentence."""

from __future__ import annotations

import re

import pytest
from pydantic import TypeAdapter, ValidationError

from tuoyu.api.text.validation import FIELDS, MESSAGES, got, reason, sentence, where
from tuoyu.planning.params import RosterParams, SessionParams, SitingParams


def _errors(cls: type, **values: object) -> list[dict]:
    with pytest.raises(ValidationError) as info:
        cls(**values)
    return info.value.errors()


def _one(cls: type, **values: object) -> dict:
    errors = _errors(cls, **values)
    assert len(errors) == 1, errors
    return errors[0]


def test_a_bound_is_said_with_its_value_and_the_value_given() -> None:
    e = _one(RosterParams, month="2027-03", min_team=1)
    assert sentence(e) == "每组最少人数（min_team）：应不小于 2，实际为“1”"
    assert sentence(e, "en") == "inspectors per team (min_team): expected at least 2, got '1'"


def test_a_missing_parameter_has_no_value_given() -> None:
    e = _one(SessionParams)
    assert sentence(e) == "年份（year）：缺少此项"
    assert got(e) is None


def test_an_unknown_parameter_is_named_by_its_key() -> None:
    e = _one(RosterParams, month="2027-03", bogus=1)
    assert where(e) == "bogus" and reason(e) == "没有这个参数"
    assert sentence(e, "en") == "bogus: there is no such parameter, got '1'"


def test_a_choice_lists_the_choices() -> None:
    e = _one(SitingParams, model="x")
    text = sentence(e)
    assert text.startswith("模型（model）：应为以下之一：")
    for choice in ("capacitated", "mclp", "lscp"):
        assert choice in text


def test_our_own_rules_are_said_from_the_catalogue_and_name_their_parameter() -> None:
    e = _one(SitingParams, years="2029-2027")
    assert e["type"] == "tuoyu_years"
    assert where(e) == "规划年份（years）"
    assert reason(e) == MESSAGES["tuoyu_years"][0]
    month = _one(RosterParams, month="2027-13")
    assert reason(month, "en") == MESSAGES["tuoyu_month"][1]


def test_a_long_value_is_shortened_to_its_limit() -> None:
    e = {"type": "int_parsing", "loc": ("seed",), "input": "9" * 500}
    value = got(e)
    assert value is not None and len(value) == 100 and value.endswith("…")
    assert got({"type": "int_parsing", "input": {"a": 1}}) is None  # never a whole body


def test_a_type_not_named_keeps_pydantics_words() -> None:
    e = {"type": "some_new_type", "msg": "Value error, odd", "loc": ("p",)}
    assert reason(e) == "Value error, odd"


def test_a_placeholder_missing_from_the_error_stays_visible() -> None:
    e = {"type": "greater_than_equal", "loc": ("seed",), "ctx": {}}
    assert reason(e) == "应不小于 {ge}"


def test_an_error_of_the_whole_names_the_parameters() -> None:
    assert where({"type": "model_type", "loc": ()}) == "参数"
    assert where({"type": "model_type", "loc": ("body",)}, "en") == "parameters"


def test_a_union_members_kind_is_not_part_of_the_place() -> None:
    adapter = TypeAdapter(RosterParams | SessionParams)
    with pytest.raises(ValidationError) as info:
        adapter.validate_python({"kind": "sessions", "year": 1})
    e = next(x for x in info.value.errors() if "year" in x["loc"])
    assert where(e) == "年份（year）"


def test_every_chinese_sentence_is_chinese() -> None:
    """Each catalogue sentence and field name has Chinese characters in its Chinese side
    and the same placeholders in both."""
    han = re.compile(r"[\u4e00-\u9fff]")
    for zh, en in [*MESSAGES.values(), *FIELDS.values()]:
        assert han.search(zh), zh
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en))


def test_every_parameter_of_every_planner_has_a_chinese_name() -> None:
    """Every parameter a planner takes (each registered planner's, the next one's too) is
    named in Chinese when refused: never its bare key in the Chinese sentence."""
    from tuoyu.planning.registry import planners

    missing = {(p.kind, f) for p in planners() for f in p.params.model_fields
               if f not in FIELDS}
    assert missing == set()
    refused = where(_one(planners()[-1].params, **_valid_of(planners()[-1].params),
                         wall_limit=-1), "zh")
    assert re.search(r"[\u4e00-\u9fff]", refused) and refused != "wall_limit", refused


def _valid_of(cls: type) -> dict:
    """The required parameters of ``cls`` with valid values (the rest default)."""
    samples = {"month": "2027-03", "year": 2027, "week": "2027-03-01"}
    return {f: samples[f] for f, info in cls.model_fields.items()
            if info.is_required() and f != "kind"}


def test_a_parameter_of_a_planners_own_meaning_is_named_for_that_planner(tmp_path) -> None:  # noqa: ANN001
    """``speed_kmh`` is siting's walk to a place (步行速度) and the home visits' journey
    door to door by any mode: a refused visits speed said 步行速度 (the visits go by car
    or e-bike at 20 km/h). Named for the planner wherever it is refused: the command line
    (``make_params``), the job body, the worker."""
    from api_support import client
    from typer.testing import CliRunner

    from tuoyu.api.cli import app
    from tuoyu.api.service.worker import _failure
    from tuoyu.planning.params import VisitParams

    visits = _one(VisitParams, week="2027-03-01", speed_kmh=500)
    siting = _one(SitingParams, years="2027-2029", speed_kmh=500)
    assert where(siting) == "步行速度（公里/小时）（speed_kmh）"
    assert where(visits, kind="visits") == "上门路上的速度（公里/小时，门到门）（speed_kmh）"
    assert where(visits, "en", "visits") == "travel speed door to door (km/h) (speed_kmh)"
    said = CliRunner().invoke(app, ["visits", "--week", "2027-03-01", "--speed", "500",
                                    "--out", str(tmp_path / "out")]).output
    assert "上门路上的速度" in said and "步行" not in said, said
    try:
        VisitParams(week="2027-03-01", speed_kmh=500)
    except ValidationError as exc:
        message, _ = _failure(exc, "visits")
    assert "上门路上的速度" in message["message"] and "步行" not in message["message"]
    with client(tmp_path) as c:
        for body in ({"kind": "visits", "dataset_id": "x",
                      "params": {"week": "2027-03-01", "speed_kmh": 500}},
                     {"kind": "visits", "dataset_id": "x",
                      "params": {"week": "2027-03-01", "speed_kmh": "fast"}}):
            r = c.post("/api/v1/jobs", json=body)
            assert r.status_code == 422 and "上门路上的速度" in r.json()["message"], r.text
            assert "步行" not in r.text


def test_the_weeks_rules_are_said_from_the_catalogue() -> None:
    """A week not starting on a Monday, a re-plan date outside the week: said in
    pydantic's English inside the Chinese sentence ("week: expected a Monday …")."""
    from tuoyu.planning.params import VisitParams

    monday = _one(VisitParams, week="2027-03-03")
    assert sentence(monday) == "计划周（周一）（week）：应为一周的周一，如 2027-03-01，实际为“2027-03-03”"
    outside = _one(VisitParams, week="2027-03-01", from_date="2027-04-01")
    assert sentence(outside) == "重新规划的起始日期（from_date）：日期 2027-04-01 不在所规划的一周（2027-03-01 起）内"


def test_every_rule_of_our_own_is_in_the_catalogue() -> None:
    """Each ``PydanticCustomError`` type the parameters raise has its sentence here."""
    from pathlib import Path

    import tuoyu.planning.params as params

    source = Path(params.__file__).read_text(encoding="utf-8")
    raised = set(re.findall(r'PydanticCustomError\(\s*"([a-z_]+)"', source))
    assert raised and raised <= set(MESSAGES), raised - set(MESSAGES)
