"""The contract's tables as data: columns, types, Chinese aliases, defaults, references.

Every table a planner hands over is described here once (see ``../shared/contract.md``);
the reader in :mod:`tuoyu.models.reader` checks a folder against these descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["str", "int", "float", "bool", "date", "enum", "list", "weekdays", "months"]


@dataclass(frozen=True)
class Column:
    """One column: its English name, its Chinese aliases, type and constraints."""

    name: str
    kind: Kind = "str"
    required: bool = True
    default: Any = None
    choices: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    min: float | None = None  # a date column: the first year allowed
    max: float | None = None  # a date column: the last year allowed
    unique: bool = False
    ref: tuple[str, str] | None = None  # (table, column) that the value(s) must exist in
    allow_blank: bool = False  # required column whose cells may be blank (no default)
    #: the words a planner writes in Chinese for a choice (合格 for ``pass``), read as it
    words: tuple[tuple[str, str], ...] = ()
    #: an optional column added after datasets were fingerprinted: left out of the inputs'
    #: fingerprint while every cell is blank, so a dataset without it keeps its fingerprint
    blank_unprinted: bool = False

    def describe(self) -> str:
        """What a valid value looks like, in words."""
        if self.kind == "enum" and self.choices:
            return "one of " + ", ".join(self.choices)
        if self.kind == "list" and self.choices:
            return "a ';'-separated list of " + ", ".join(self.choices)
        return {
            "str": "text",
            "int": "a whole number",
            "float": "a number",
            "bool": "true or false (是/否)",
            "date": "a date YYYY-MM-DD",
            "enum": "one of the allowed values",
            "list": "a ';'-separated list",
            "weekdays": "weekdays like Mon;Tue;Sat (or 周一;周二)",
            "months": "months 1-12 like 3;4;5",
        }[self.kind]


@dataclass(frozen=True)
class Table:
    """One table of the contract."""

    name: str
    zh: str
    columns: tuple[Column, ...]
    key: str | None = None
    optional: bool = False
    spatial: bool = False  # geojson, or csv/xlsx with lon and lat
    polygons: bool = False  # polygons allowed in geojson
    allow_empty: bool = False
    checks: tuple[str, ...] = field(default=())  # names of extra row checks (see reader)
    #: its rows are personal data of people who are not staff (families, 个人信息保护法):
    #: never shown to a reader who may not see the plans that name them
    personal: bool = False

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


BOOL = "bool"

STREETS = Table(
    "streets",
    "街镇",
    (
        Column("street_id", unique=True, aliases=("街镇编号", "编号")),
        Column("name", aliases=("名称", "街镇名称")),
        Column("neighbours", "list", required=False, default=(), aliases=("相邻街镇",),
               ref=("streets", "street_id")),
    ),
    key="street_id",
)

CALENDAR = Table(
    "calendar",
    "日历调整",
    (
        Column("date", "date", unique=True, aliases=("日期",)),
        Column("kind", "enum", choices=("holiday", "workday"), aliases=("类型",),
               words=(("节假日", "holiday"), ("放假", "holiday"), ("休息日", "holiday"),
                      ("调休上班", "workday"), ("上班", "workday"), ("工作日", "workday"))),
        Column("name", required=False, default="", aliases=("名称",)),
    ),
    optional=True,
    allow_empty=True,
)

INSTITUTIONS = Table(
    "institutions",
    "托育机构",
    (
        Column("institution_id", unique=True, aliases=("机构编号", "编号")),
        Column("name", aliases=("机构名称", "名称")),
        Column("street_id", ref=("streets", "street_id"), aliases=("街镇编号",)),
        Column("lon", "float", min=-180, max=180, aliases=("经度",)),
        Column("lat", "float", min=-90, max=90, aliases=("纬度",)),
        Column(
            "kind",
            "enum",
            choices=("childcare_center", "kindergarten_class", "community_point"),
            aliases=("类型",),
        ),
        Column("operator", required=False, default="", aliases=("举办者",)),
        Column(
            "risk",
            "enum",
            required=False,
            default="medium",
            choices=("low", "medium", "high"),
            aliases=("风险等级",),
            words=(("低", "low"), ("中", "medium"), ("高", "high"), ("低风险", "low"),
                   ("中风险", "medium"), ("高风险", "high")),
        ),
        Column("opened_on", "date", required=False, default=None, aliases=("开办日期",)),
        Column("active", "bool", required=False, default=True, aliases=("在营",)),
    ),
    key="institution_id",
    spatial=True,
)

SKILLS = ("safety", "hygiene", "fire", "food")

INSPECTORS = Table(
    "inspectors",
    "检查人员",
    (
        Column("inspector_id", unique=True, aliases=("人员编号", "编号")),
        Column("name", aliases=("姓名",)),
        Column("department", aliases=("部门",)),
        Column(
            "street_id",
            required=False,
            default="",
            ref=("streets", "street_id"),
            aliases=("街镇编号",),
        ),
        Column("skills", "list", choices=SKILLS, aliases=("专长",)),
        Column("max_per_month", "int", min=0, max=31, aliases=("每月上限",)),
        Column(
            "max_per_day", "int", required=False, default=2, min=1, max=4, aliases=("每日上限",)
        ),
    ),
    key="inspector_id",
)

INSPECTOR_LEAVE = Table(
    "inspector_leave",
    "请假",
    (
        Column("inspector_id", ref=("inspectors", "inspector_id"), aliases=("人员编号",)),
        Column("start", "date", min=2000, max=2100, aliases=("开始", "开始日期")),
        Column("end", "date", min=2000, max=2100, aliases=("结束", "结束日期")),
    ),
    optional=True,
    allow_empty=True,
    checks=("start_before_end", "leave_span"),
)

CONFLICTS = Table(
    "conflicts",
    "回避",
    (
        Column("inspector_id", ref=("inspectors", "inspector_id"), aliases=("人员编号",)),
        Column(
            "institution_id",
            required=False,
            default="",
            ref=("institutions", "institution_id"),
            aliases=("机构编号",),
        ),
        Column(
            "operator",
            required=False,
            default="",
            ref=("institutions", "operator"),
            aliases=("举办者",),
        ),
        Column("reason", required=False, default="", aliases=("原因", "回避原因")),
    ),
    optional=True,
    allow_empty=True,
    checks=("institution_or_operator",),
)

INSPECTIONS = Table(
    "inspections",
    "检查记录",
    (
        Column("institution_id", ref=("institutions", "institution_id"), aliases=("机构编号",)),
        Column("date", "date", aliases=("日期", "检查日期")),
        Column("outcome", "enum", choices=("pass", "rectify", "fail"), aliases=("结果",),
               words=(("合格", "pass"), ("通过", "pass"), ("责令整改", "rectify"),
                      ("限期整改", "rectify"), ("整改", "rectify"), ("不合格", "fail"))),
        Column(
            "inspector_ids",
            "list",
            required=False,
            default=(),
            ref=("inspectors", "inspector_id"),
            aliases=("检查人员", "人员编号"),
        ),
    ),
    optional=True,
    allow_empty=True,
)

# --- guidance sessions -------------------------------------------------------------

CENTERS = Table(
    "centers",
    "指导场所",
    (
        Column("center_id", unique=True, aliases=("场所编号", "编号")),
        Column("name", aliases=("名称",)),
        Column("street_id", ref=("streets", "street_id"), aliases=("街镇编号",)),
        Column("lon", "float", min=-180, max=180, aliases=("经度",)),
        Column("lat", "float", min=-90, max=90, aliases=("纬度",)),
        Column(
            "kind",
            "enum",
            choices=("baby_center", "guidance_station", "experimental_base", "guidance_center"),
            aliases=("类型",),
        ),
        Column(
            "sessions_per_year",
            "int",
            required=False,
            default=None,
            min=0,
            max=200,
            aliases=("每年场次",),
        ),
        Column(
            "open_days", "weekdays", required=False, default=(0, 1, 2, 3, 4, 5), aliases=("开放日",)
        ),
        Column("capacity", "int", required=False, default=None, min=0, max=100_000, aliases=("容量",)),
    ),
    key="center_id",
    spatial=True,
)

DISCIPLINES = ("education", "medical", "psychology")

GUIDANCE_STAFF = Table(
    "guidance_staff",
    "指导人员",
    (
        Column("staff_id", unique=True, aliases=("人员编号", "编号")),
        Column("name", aliases=("姓名",)),
        Column("discipline", "enum", choices=DISCIPLINES, aliases=("专业",)),
        Column(
            "street_id",
            required=False,
            default="",
            ref=("streets", "street_id"),
            aliases=("所在街镇", "街镇编号"),
        ),
        Column("max_per_month", "int", min=0, max=62, aliases=("每月上限",)),
        Column(
            "days", "weekdays", required=False, default=(0, 1, 2, 3, 4, 5, 6), aliases=("可排日",)
        ),
    ),
    key="staff_id",
)

STAFF_LEAVE = Table(
    "staff_leave",
    "请假",
    (
        Column("staff_id", ref=("guidance_staff", "staff_id"), aliases=("人员编号",)),
        Column("start", "date", min=2000, max=2100, aliases=("开始", "开始日期")),
        Column("end", "date", min=2000, max=2100, aliases=("结束", "结束日期")),
    ),
    optional=True,
    allow_empty=True,
    checks=("start_before_end", "leave_span"),
)

CENTER_CLOSURES = Table(
    "center_closures",
    "场所停用",
    (
        Column("center_id", ref=("centers", "center_id"), aliases=("场所编号",)),
        Column("start", "date", min=2000, max=2100, aliases=("开始", "开始日期")),
        Column("end", "date", min=2000, max=2100, aliases=("结束", "结束日期")),
        Column("reason", required=False, default="", aliases=("原因",)),
    ),
    optional=True,
    allow_empty=True,
    checks=("start_before_end",),
)

EVENTS = Table(
    "events",
    "区级活动",
    (
        Column("event_id", unique=True, aliases=("活动编号", "编号")),
        Column("name", aliases=("名称", "活动名称")),
        Column(
            "kind",
            "enum",
            choices=("district_event", "lecture", "public_activity", "outreach"),
            aliases=("类型",),
        ),
        Column("count", "int", min=0, max=366, aliases=("每年次数",)),
        Column("staff_needed", "int", min=1, max=50, aliases=("所需人数",)),
        Column(
            "disciplines",
            "list",
            required=False,
            default=(),
            choices=DISCIPLINES,
            aliases=("专业要求",),
        ),
        Column("weekend", "bool", required=False, default=False, aliases=("周末",)),
        Column(
            "months", "months", required=False, default=tuple(range(1, 13)), aliases=("可选月份",)
        ),
        # where it is held (a park, a hall): its calendar entries' location, after the district
        Column("place", required=False, default="", aliases=("地点", "活动地点"),
               blank_unprinted=True),
    ),
    key="event_id",
    optional=True,
    allow_empty=True,
)

TOPICS = Table(
    "topics",
    "主题",
    (
        Column("topic_id", unique=True, aliases=("主题编号", "编号")),
        Column("name", aliases=("名称", "主题名称")),
        Column(
            "disciplines",
            "list",
            required=False,
            default=("education",),
            choices=DISCIPLINES,
            aliases=("专业要求",),
        ),
    ),
    key="topic_id",
    optional=True,
)

# --- nursery-class siting -----------------------------------------------------------

COMMUNITIES = Table(
    "communities",
    "居委/小区",
    (
        Column("community_id", unique=True, aliases=("编号", "居委编号")),
        Column("name", aliases=("名称",)),
        Column("street_id", ref=("streets", "street_id"), aliases=("街镇编号",)),
        Column("lon", "float", min=-180, max=180, aliases=("经度",)),
        Column("lat", "float", min=-90, max=90, aliases=("纬度",)),
        Column("pop_0_3", "float", min=0, max=1e6, aliases=("0–3岁人口", "0-3岁人口")),
        Column("births", "float", required=False, default=None, min=0, max=1e6, aliases=("上年出生数",)),
    ),
    key="community_id",
    spatial=True,
    polygons=True,
)

PROVIDERS = Table(
    "providers",
    "现有托育点",
    (
        Column("provider_id", unique=True, aliases=("编号",)),
        Column("name", aliases=("名称",)),
        Column(
            "street_id",
            required=False,
            default="",
            ref=("streets", "street_id"),
            aliases=("街镇编号",),
        ),
        Column("lon", "float", min=-180, max=180, aliases=("经度",)),
        Column("lat", "float", min=-90, max=90, aliases=("纬度",)),
        Column("kind", required=False, default="", aliases=("类型",)),
        Column("seats", "int", min=0, max=100_000, aliases=("托位",)),
        Column("public", "bool", required=False, default=False, aliases=("公办",)),
        Column("inclusive", "bool", required=False, default=False, aliases=("普惠",)),
    ),
    key="provider_id",
    spatial=True,
    optional=True,
    allow_empty=True,
)

KINDERGARTENS = Table(
    "kindergartens",
    "幼儿园",
    (
        Column("kindergarten_id", unique=True, aliases=("编号", "幼儿园编号")),
        Column("name", aliases=("名称",)),
        Column("street_id", ref=("streets", "street_id"), aliases=("街镇编号",)),
        Column("lon", "float", min=-180, max=180, aliases=("经度",)),
        Column("lat", "float", min=-90, max=90, aliases=("纬度",)),
        Column("public", "bool", aliases=("公办",)),
        Column("has_nursery", "bool", aliases=("已开托班",)),
        Column("nursery_seats", "int", required=False, default=None, min=0, max=100_000, aliases=("现有托位",)),
        Column(
            "spare_rooms", "int", required=False, default=0, min=0, max=20, aliases=("可增班数",)
        ),
    ),
    key="kindergarten_id",
    spatial=True,
)

SITES = Table(
    "sites",
    "候选新址",
    (
        Column("site_id", unique=True, aliases=("编号",)),
        Column("name", aliases=("名称",)),
        Column("street_id", ref=("streets", "street_id"), aliases=("街镇编号",)),
        Column("lon", "float", min=-180, max=180, aliases=("经度",)),
        Column("lat", "float", min=-90, max=90, aliases=("纬度",)),
        Column("kind", required=False, default="community_site", aliases=("类型",)),
        Column("max_classes", "int", min=0, max=20, aliases=("最多班数",)),
        Column(
            "available_from",
            "int",
            required=False,
            default=None,
            min=2000,
            max=2100,
            aliases=("可用年份",),
        ),
    ),
    key="site_id",
    spatial=True,
    optional=True,
    allow_empty=True,
)

# --- home guidance visits to newborn families ---------------------------------------

#: a half-day token as a planner writes it: ``Mon AM``, ``周三下午``, ``Sat`` (both halves)
FAMILIES = Table(
    "families",
    "新生儿家庭",
    (
        Column("family_id", unique=True, aliases=("家庭编号", "编号")),
        Column("street_id", ref=("streets", "street_id"), aliases=("街镇编号",)),
        Column(
            "community_id",
            ref=("communities", "community_id"),
            aliases=("居委编号", "居委"),
        ),
        Column("lon", "float", required=False, default=None, min=-180, max=180,
               aliases=("经度",)),
        Column("lat", "float", required=False, default=None, min=-90, max=90,
               aliases=("纬度",)),
        Column("birth_date", "date", aliases=("出生日期",)),
        Column("registered_on", "date", aliases=("登记日期",)),
        Column("needs", "list", choices=DISCIPLINES, aliases=("指导需求", "需求")),
        Column("half_days", "list", aliases=("可上门时段", "可上门半天")),
        Column("visited_on", "date", required=False, default=None, aliases=("已上门日期",)),
        # who made the family's earlier visit (a second visit: the same person again is
        # preferred, a weighed goal); ids of guidance staff, not checked against today's
        # table (a person may have left: then nobody matches)
        Column("earlier_visitors", "list", required=False, default=(),
               aliases=("上次上门人员",)),
    ),
    key="family_id",
    allow_empty=True,
    personal=True,
)

VISIT_STAFF = Table(
    "visit_staff",
    "入户指导人员",
    (
        Column("staff_id", unique=True, ref=("guidance_staff", "staff_id"),
               aliases=("人员编号", "编号")),
        Column("base_lon", "float", min=-180, max=180, aliases=("驻点经度",)),
        Column("base_lat", "float", min=-90, max=90, aliases=("驻点纬度",)),
        Column("max_visits_per_day", "int", required=False, default=4, min=1, max=12,
               aliases=("每日入户上限",)),
        Column("days", "weekdays", required=False, default=None, aliases=("入户日",)),
    ),
    key="staff_id",
)

BOOKED_SESSIONS = Table(
    "sessions",
    "活动安排",
    (
        Column("date", "date", aliases=("日期",)),
        Column("start", aliases=("开始",)),
        Column("end", aliases=("结束",)),
        Column("center_id", required=False, default="", aliases=("场所编号",)),
        Column("event_id", required=False, default="", aliases=("活动编号",)),
        Column("topic_id", required=False, default="", aliases=("主题编号",)),
        Column("staff_ids", "list", required=False, default=(),
               ref=("guidance_staff", "staff_id"), aliases=("指导人员", "人员编号")),
    ),
    optional=True,
    allow_empty=True,
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        STREETS,
        CALENDAR,
        INSTITUTIONS,
        INSPECTORS,
        INSPECTOR_LEAVE,
        CONFLICTS,
        INSPECTIONS,
        CENTERS,
        GUIDANCE_STAFF,
        STAFF_LEAVE,
        CENTER_CLOSURES,
        EVENTS,
        TOPICS,
        COMMUNITIES,
        PROVIDERS,
        KINDERGARTENS,
        SITES,
        FAMILIES,
        VISIT_STAFF,
        BOOKED_SESSIONS,
    )
}

ROSTER_TABLES = (
    "streets",
    "calendar",
    "institutions",
    "inspectors",
    "inspector_leave",
    "conflicts",
    "inspections",
)
SESSION_TABLES = (
    "streets",
    "calendar",
    "centers",
    "guidance_staff",
    "staff_leave",
    "center_closures",
    "events",
    "topics",
)
SITING_TABLES = ("streets", "communities", "providers", "kindergartens", "sites")
VISIT_TABLES = (
    "streets",
    "calendar",
    "communities",
    "guidance_staff",
    "staff_leave",
    "visit_staff",
    "families",
    "sessions",
)
