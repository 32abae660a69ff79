"""The contract's tables as data (``tuoyu.models.schema``), checked against the contract
(``shared/contract.md``, its columns copied here by hand): every column it names is
there, required or optional as it says, with its Chinese header; a header a planner
writes means one column only; every reference points to a key; every planner reads
tables that exist; the bundled files carry every required column."""

from __future__ import annotations

import csv

import pytest

from tuoyu.data import BUNDLED
from tuoyu.models import schema
from tuoyu.models.schema import TABLES, Column

#: table -> (required columns, optional columns), as shared/contract.md lists them
CONTRACT: dict[str, tuple[set[str], set[str]]] = {
    "streets": ({"street_id", "name"}, {"neighbours"}),
    "calendar": ({"date", "kind"}, {"name"}),
    "institutions": ({"institution_id", "name", "street_id", "lon", "lat", "kind"},
                     {"operator", "risk", "opened_on", "active"}),
    "inspectors": ({"inspector_id", "name", "department", "skills", "max_per_month"},
                   {"street_id", "max_per_day"}),
    "inspector_leave": ({"inspector_id", "start", "end"}, set()),
    "conflicts": ({"inspector_id"}, {"institution_id", "operator", "reason"}),
    "inspections": ({"institution_id", "date", "outcome"}, {"inspector_ids"}),
    "centers": ({"center_id", "name", "street_id", "lon", "lat", "kind"},
                {"sessions_per_year", "open_days", "capacity"}),
    "guidance_staff": ({"staff_id", "name", "discipline", "max_per_month"},
                       {"street_id", "days"}),
    "staff_leave": ({"staff_id", "start", "end"}, set()),
    "events": ({"event_id", "name", "kind", "count", "staff_needed"},
               {"disciplines", "weekend", "months"}),
    "center_closures": ({"center_id", "start", "end"}, {"reason"}),
    "topics": ({"topic_id", "name"}, {"disciplines"}),
    "communities": ({"community_id", "name", "street_id", "pop_0_3"}, {"births"}),
    "providers": ({"provider_id", "name", "seats"},
                  {"street_id", "kind", "public", "inclusive"}),
    "kindergartens": ({"kindergarten_id", "name", "street_id", "public", "has_nursery"},
                      {"nursery_seats", "spare_rooms"}),
    "sites": ({"site_id", "name", "street_id", "max_classes"}, {"kind", "available_from"}),
}
#: Chinese headers the contract gives (table, column, header)
HEADERS = [("streets", "street_id", "街镇编号"), ("institutions", "institution_id", "机构编号"),
           ("institutions", "risk", "风险等级"), ("inspectors", "skills", "专长"),
           ("inspectors", "max_per_day", "每日上限"), ("centers", "open_days", "开放日"),
           ("guidance_staff", "discipline", "专业"), ("events", "staff_needed", "所需人数"),
           ("communities", "pop_0_3", "0–3岁人口"), ("kindergartens", "spare_rooms", "可增班数"),
           ("sites", "available_from", "可用年份"), ("providers", "inclusive", "普惠")]


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_every_column_the_contract_names_is_there_as_it_says(name: str) -> None:
    required, optional = CONTRACT[name]
    table = TABLES[name]
    have = {c.name: c for c in table.columns}
    assert required | optional <= set(have), (required | optional) - set(have)
    assert {c for c in required if not have[c].required} == set()
    assert {c for c in optional if have[c].required} == set()


@pytest.mark.parametrize(("table", "column", "header"), HEADERS)
def test_the_contracts_chinese_headers_are_read(table: str, column: str, header: str) -> None:
    assert header in TABLES[table].column(column).aliases


@pytest.mark.parametrize("name", sorted(TABLES))
def test_a_header_means_one_column_only(name: str) -> None:
    seen: dict[str, str] = {}
    for c in TABLES[name].columns:
        for header in (c.name, *c.aliases):
            assert seen.setdefault(header.lower(), c.name) == c.name, (name, header)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_a_reference_points_to_a_column_an_id_to_a_key(name: str) -> None:
    table = TABLES[name]
    if table.key is not None:
        assert table.column(table.key).unique
    for c in table.columns:
        if c.ref is not None:
            other, column = c.ref
            target = TABLES[other].column(column)  # the column exists (KeyError if not)
            if column.endswith("_id"):  # an id names one row: the other table's key
                assert target.unique or TABLES[other].key == column, (name, c.name)
        if c.kind == "enum":
            assert c.choices, (name, c.name)


def test_every_planners_tables_exist() -> None:
    from tuoyu.planning import registry

    for group in (schema.ROSTER_TABLES, schema.SESSION_TABLES, schema.SITING_TABLES,
                  schema.VISIT_TABLES):
        assert set(group) <= set(TABLES)
    for planner in registry.planners():
        assert set(planner.tables) <= set(TABLES), planner.kind


def test_the_bundled_files_carry_every_required_column() -> None:
    checked = 0
    for name, table in TABLES.items():
        path = BUNDLED / f"{name}.csv"
        if not path.exists():
            assert table.optional or table.spatial, name
            continue
        with path.open(encoding="utf-8-sig", newline="") as f:
            header = set(next(csv.reader(f)))
        assert {c.name for c in table.columns if c.required} <= header, name
        checked += 1
    assert checked >= 15


def test_a_column_says_what_a_valid_value_looks_like() -> None:
    assert Column("risk", "enum", choices=("low", "high")).describe() == "one of low, high"
    assert Column("skills", "list", choices=("safety", "fire")).describe() == (
        "a ';'-separated list of safety, fire")
    assert Column("d", "date").describe() == "a date YYYY-MM-DD"
    assert "周一" in Column("days", "weekdays").describe()
    with pytest.raises(KeyError):
        TABLES["streets"].column("nope")
