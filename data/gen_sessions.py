"""Generate the guidance-session tables of the bundled Baoshan dataset (synthetic).

Writes ``centers.csv``, ``guidance_staff.csv``, ``staff_leave.csv``, ``events.csv`` and
``topics.csv`` into ``out_dir``. The network follows the three-year plan: 1 district
guidance center, 7 experimental bases, 11 guidance stations and about 60 community baby
centers (社区亲子宝宝苑) spread over the streets by population share; about 45 guidance
staff across education, medicine (community health service centers) and psychology.
``scale`` multiplies centers and staff (benchmark instances); the output is a pure
function of ``(scale, seed)``.

    python data/gen_sessions.py [--out tuoyu/data/baoshan] [--scale 1] [--seed 20261129]
        [--staff-scale N]
"""

from __future__ import annotations

import argparse
import csv
import zlib
from pathlib import Path

import numpy as np

#: code, name, approx lon, lat, rough population share (see shared/baoshan.md)
STREETS: tuple[tuple[str, str, float, float, float], ...] = (
    ("310113003", "友谊路街道", 121.487, 31.405, 0.06),
    ("310113007", "吴淞街道", 121.497, 31.383, 0.04),
    ("310113008", "张庙街道", 121.445, 31.336, 0.06),
    ("310113101", "罗店镇", 121.335, 31.412, 0.10),
    ("310113102", "大场镇", 121.405, 31.305, 0.16),
    ("310113103", "杨行镇", 121.430, 31.385, 0.11),
    ("310113104", "月浦镇", 121.420, 31.425, 0.07),
    ("310113106", "罗泾镇", 121.370, 31.480, 0.04),
    ("310113109", "顾村镇", 121.375, 31.350, 0.16),
    ("310113111", "高境镇", 121.480, 31.318, 0.07),
    ("310113112", "庙行镇", 121.440, 31.352, 0.05),
    ("310113113", "淞南镇", 121.480, 31.343, 0.06),
    ("310113501", "宝山工业园区", 121.345, 31.450, 0.02),
)

TOPICS = (
    ("T01", "新生儿护理与家庭访视", "education;medical"),
    ("T02", "膳食营养与喂养", "education;medical"),
    ("T03", "生长发育监测", "education;medical"),
    ("T04", "预防接种", "education;medical"),
    ("T05", "居家安全与意外伤害预防", "education"),
    ("T06", "常见疾病预防", "education;medical"),
    ("T07", "家长“七会”：会观察、会沟通、会陪伴", "education;psychology"),
    ("T08", "亲子阅读与游戏", "education"),
)

EVENTS = (
    (
        "E01",
        "宝山区亲子嘉年华（育儿加油站）",
        "district_event",
        1,
        6,
        "education;medical;psychology",
        True,
        "5;6;9;10",
    ),
    (
        "E02",
        "妇联家庭教育公益讲座",
        "lecture",
        8,
        2,
        "education;psychology",
        False,
        "3;4;5;6;9;10;11;12",
    ),
    ("E03", "公益科学育儿指导活动", "public_activity", 6, 3, "education;medical", True, ""),
    (
        "E04",
        "送教进村（乡村育儿指导）",
        "outreach",
        4,
        2,
        "education;medical",
        False,
        "4;5;6;9;10;11",
    ),
    (
        "E05",
        "送教进园区、进企业（工业园区职工家庭）",
        "outreach",
        3,
        2,
        "education;psychology",
        False,
        "3;5;9;11",
    ),
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鑫蕾晨雯婷琳欣怡"

FIELDS = {
    "centers": [
        "center_id",
        "name",
        "street_id",
        "lon",
        "lat",
        "kind",
        "sessions_per_year",
        "open_days",
        "capacity",
    ],
    "guidance_staff": ["staff_id", "name", "discipline", "street_id", "max_per_month", "days"],
    "staff_leave": ["staff_id", "start", "end"],
    "events": [
        "event_id",
        "name",
        "kind",
        "count",
        "staff_needed",
        "disciplines",
        "weekend",
        "months",
    ],
    "topics": ["topic_id", "name", "disciplines"],
}


def _rng(seed: int, family: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(family.encode("utf-8"))])


def _write(path: Path, fields: list[str], rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


#: district shapes unlike Baoshan (issue 18), for benchmarks and held-out tests:
#: ``streets`` the streets used (indices into STREETS) with their shares of the centers,
#: ``staff_streets`` where the staff live (default: the same), ``leave`` the share of
#: staff with leave and its length in days, ``babies`` baby centers per scale unit.
SHAPES: dict[str, dict[str, object]] = {
    "baoshan": {},
    # few huge streets: three streets hold three quarters of the centers
    "few_big": dict(streets={4: 0.3, 8: 0.25, 5: 0.2, 0: 0.05, 2: 0.05, 3: 0.05, 9: 0.05,
                             10: 0.03, 11: 0.02}),
    # many small streets, evenly
    "many_small": dict(streets={i: 1.0 for i in range(len(STREETS))}),
    # staff thin in some streets: they live in five streets only
    "thin_staff": dict(staff_streets={4: 0.3, 8: 0.3, 5: 0.2, 0: 0.1, 3: 0.1}),
    # heavy leave: half the staff, 20-90 days each
    "heavy_leave": dict(leave=(0.5, 20, 90)),
    # the held-out city shape: 9 streets (few big), staff thin in some of them,
    # heavier leave; 497 centers and 360 staff at scale 6 with staff scale 8
    "city9": dict(streets={4: 0.3, 8: 0.25, 5: 0.15, 0: 0.06, 2: 0.06, 3: 0.06, 9: 0.05,
                           10: 0.04, 11: 0.03},
                  staff_streets={4: 0.35, 8: 0.3, 5: 0.15, 0: 0.1, 3: 0.1},
                  leave=(0.35, 10, 60), babies=64.67),
    # staff in three streets only, half of them on long leave (20-90 days), a few big
    # streets (like the lead's held-out 东滩区): the first calendars of the model overload
    # the few people there are, round after round of staffing cuts
    "thin3": dict(streets={4: 0.35, 8: 0.25, 5: 0.06, 0: 0.06, 2: 0.06, 3: 0.06, 9: 0.06,
                           10: 0.05, 11: 0.05},
                  staff_streets={4: 0.5, 8: 0.3, 3: 0.2}, leave=(0.5, 20, 90)),
}


def _street_for(rng: np.random.Generator, n: int, shares: dict[int, float] | None = None
                ) -> list[int]:
    """Streets (indices) of ``n`` centers or staff: every street of ``shares`` (default:
    all, by population share) gets at least one, the rest by share."""
    if shares is None:
        shares = {i: s[4] for i, s in enumerate(STREETS)}
    idx = sorted(shares)
    p = np.array([shares[i] for i in idx], dtype=float)
    out = list(idx)
    extra = rng.choice(len(idx), size=max(0, n - len(idx)), p=p / p.sum())
    out += [idx[int(x)] for x in extra]
    return sorted(out[:n])


def _point(rng: np.random.Generator, street: int) -> tuple[float, float]:
    _, _, lon, lat, _ = STREETS[street]
    # within ~1.5 km of the street's centre; inside Baoshan's box
    lo = float(np.clip(lon + rng.normal(0, 0.012), 121.28, 121.51))
    la = float(np.clip(lat + rng.normal(0, 0.010), 31.29, 31.50))
    return round(lo, 6), round(la, 6)


def _name(rng: np.random.Generator) -> str:
    s = SURNAMES[int(rng.integers(len(SURNAMES)))]
    g = "".join(GIVEN[int(i)] for i in rng.integers(len(GIVEN), size=int(rng.integers(1, 3))))
    return s + g


def centers(scale: int, seed: int, shape: str = "baoshan") -> list[dict[str, object]]:
    rng = _rng(seed, "centers")
    sh = SHAPES[shape]
    where = sh.get("streets")
    rows: list[dict[str, object]] = []
    lon, lat = _point(rng, 0)
    rows.append(
        dict(
            center_id="GC01",
            name="宝山区托育服务指导中心",
            street_id=STREETS[0][0],
            lon=lon,
            lat=lat,
            kind="guidance_center",
            sessions_per_year=4,
            open_days="Mon;Tue;Wed;Thu;Fri;Sat",
            capacity=80,
        )
    )
    plan = (
        ("EB", "experimental_base", 7, "托育实验基地", 4),
        ("GS", "guidance_station", 11, "科学育儿指导站", 4),
        ("BC", "baby_center", 60, "社区亲子宝宝苑", 6),
    )
    for prefix, kind, n, label, per_year in plan:
        count = n * scale
        if kind == "baby_center" and "babies" in sh:
            count = round(float(sh["babies"]) * scale)  # type: ignore[arg-type]
        streets = _street_for(rng, count, where)  # type: ignore[arg-type]
        seen: dict[int, int] = {}
        for i, st in enumerate(streets):
            seen[st] = seen.get(st, 0) + 1
            lo, la = _point(rng, st)
            r = rng.random()
            open_days = (
                "Mon;Tue;Wed;Thu;Fri;Sat"
                if r < 0.6
                else "Tue;Wed;Thu;Fri;Sat;Sun"
                if r < 0.8
                else "Mon;Wed;Fri;Sat"
            )
            rows.append(
                dict(
                    center_id=f"{prefix}{i + 1:03d}" if scale == 1 else f"{prefix}{i + 1:05d}",
                    name=f"{STREETS[st][1]}{label}{'' if kind == 'baby_center' else ''}{seen[st]}号",
                    street_id=STREETS[st][0],
                    lon=lo,
                    lat=la,
                    kind=kind,
                    sessions_per_year=per_year if kind != "baby_center" else "",
                    open_days=open_days,
                    capacity=int(rng.integers(15, 41)),
                )
            )
    return rows


def staff(scale: int, seed: int, shape: str = "baoshan") -> list[dict[str, object]]:
    rng = _rng(seed, "guidance_staff")
    rows: list[dict[str, object]] = []
    sh = SHAPES[shape]
    where = sh.get("staff_streets", sh.get("streets"))
    plan = (("education", 22, "ED"), ("medical", 15, "MD"), ("psychology", 8, "PS"))
    for discipline, n, prefix in plan:
        streets = _street_for(rng, n * scale, where)  # type: ignore[arg-type]
        for i, st in enumerate(streets):
            r = rng.random()
            days = (
                "" if r < 0.5 else "Mon;Tue;Wed;Thu;Fri;Sat" if r < 0.8 else "Mon;Tue;Wed;Thu;Fri"
            )
            rows.append(
                dict(
                    staff_id=f"{prefix}{i + 1:03d}" if scale == 1 else f"{prefix}{i + 1:05d}",
                    name=_name(rng),
                    discipline=discipline,
                    street_id=STREETS[st][0],
                    max_per_month=int(rng.choice([3, 4, 4, 5, 6])),
                    days=days,
                )
            )
    return rows


def leave(staff_rows: list[dict[str, object]], seed: int, shape: str = "baoshan"
          ) -> list[dict[str, object]]:
    rng = _rng(seed, "staff_leave")
    out = []
    share, lo, hi = SHAPES[shape].get("leave", (1 / 6, 5, 30))  # type: ignore[misc]
    picks = rng.choice(len(staff_rows), size=max(1, int(len(staff_rows) * share)),
                       replace=False)
    for j in sorted(int(x) for x in picks):
        month = int(rng.integers(1, 12))
        day = int(rng.integers(1, 20))
        length = int(rng.integers(lo, hi))
        start = np.datetime64(f"2027-{month:02d}-{day:02d}")
        out.append(
            dict(
                staff_id=staff_rows[j]["staff_id"],
                start=str(start),
                end=str(start + np.timedelta64(length, "D")),
            )
        )
    return out


def generate(
    out_dir: Path, scale: int = 1, seed: int = 20261129, staff_scale: int | None = None,
    shape: str = "baoshan",
) -> None:
    """Write the five session tables into ``out_dir`` (created if needed);
    ``staff_scale`` (default ``scale``) multiplies the staff alone (e.g. 6 and 8: 469
    centers and 360 staff, the ratio of the issue's city instance); ``shape`` one of
    :data:`SHAPES` (the bundled data is ``baoshan``)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    c = centers(scale, seed, shape)
    s = staff(scale if staff_scale is None else staff_scale, seed, shape)
    events = [dict(zip(FIELDS["events"], e, strict=True)) for e in EVENTS]
    for e in events:
        e["weekend"] = "true" if e["weekend"] else "false"
        if scale > 1:
            e["count"] = int(e["count"]) * scale  # type: ignore[call-overload]
    _write(out_dir / "centers.csv", FIELDS["centers"], c)
    _write(out_dir / "guidance_staff.csv", FIELDS["guidance_staff"], s)
    _write(out_dir / "staff_leave.csv", FIELDS["staff_leave"], leave(s, seed, shape))
    _write(out_dir / "events.csv", FIELDS["events"], events)
    _write(
        out_dir / "topics.csv",
        FIELDS["topics"],
        [dict(zip(FIELDS["topics"], t, strict=True)) for t in TOPICS],
    )


WEEK = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def heldout(
    out_dir: Path,
    seed: int,
    year: int = 2026,
    baby: int = 40,
    other: int = 5,
    staff_n: int = 30,
    leave_share: float = 0.4,
    closure_share: float = 0.15,
    weekend_only_share: float = 0.15,
) -> Path:
    """A district unlike Baoshan, for held-out tests: fewer staff per center, more and
    longer leave, center closures, weekend-only staff; streets and calendar copied from
    the bundled data. A pure function of its arguments."""
    import shutil

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    bundled = Path(__file__).resolve().parents[1] / "tuoyu" / "data" / "baoshan"
    for name in ("streets.csv", "calendar.csv"):
        shutil.copy(bundled / name, out_dir / name)
    rng = _rng(seed, "heldout")
    kinds = ["baby_center"] * baby + ["guidance_station"] * other
    centers_rows = []
    for i, kind in enumerate(kinds):
        st = int(rng.integers(len(STREETS)))
        lo, la = _point(rng, st)
        days = [d for d in WEEK if rng.random() < 0.75] or ["Sat"]
        centers_rows.append(
            dict(
                center_id=f"C{i + 1:03d}",
                name=f"{STREETS[st][1]}{i + 1}号",
                street_id=STREETS[st][0],
                lon=lo,
                lat=la,
                kind=kind,
                sessions_per_year=6 if kind == "baby_center" else 4,
                open_days=";".join(days),
                capacity=20,
            )
        )
    n_ed = max(1, round(staff_n * 0.5))
    n_md = max(1, round(staff_n * 0.33))
    plan = (("education", n_ed, "ED"), ("medical", n_md, "MD"),
            ("psychology", staff_n - n_ed - n_md, "PS"))
    staff_rows = []
    for disc, n, prefix in plan:
        for i in range(n):
            r = rng.random()
            days = (
                "Sat;Sun" if r < weekend_only_share
                else "Mon;Tue;Wed;Thu;Fri" if r < 0.5
                else ";".join(d for d in WEEK if rng.random() < 0.8) or "Mon"
            )
            staff_rows.append(
                dict(
                    staff_id=f"{prefix}{i + 1:02d}",
                    name=_name(rng),
                    discipline=disc,
                    street_id=STREETS[int(rng.integers(len(STREETS)))][0],
                    max_per_month=int(rng.choice([4, 5, 6, 8])),
                    days=days,
                )
            )
    leave_rows = []
    for srow in staff_rows:
        if rng.random() < leave_share:
            start = np.datetime64(f"{year}-{int(rng.integers(1, 12)):02d}-{int(rng.integers(1, 28)):02d}")
            leave_rows.append(dict(staff_id=srow["staff_id"], start=str(start),
                                   end=str(start + np.timedelta64(int(rng.integers(7, 45)), "D"))))
    closures = []
    for c in centers_rows:
        if rng.random() < closure_share:
            start = np.datetime64(f"{year}-{int(rng.integers(1, 12)):02d}-{int(rng.integers(1, 28)):02d}")
            closures.append(dict(center_id=c["center_id"], start=str(start),
                                 end=str(start + np.timedelta64(int(rng.integers(7, 40)), "D")),
                                 reason="维修"))
    events = [dict(zip(FIELDS["events"], e, strict=True)) for e in EVENTS[:4]]
    for e in events:
        e["weekend"] = "true" if e["weekend"] else "false"
    _write(out_dir / "centers.csv", FIELDS["centers"], centers_rows)
    _write(out_dir / "guidance_staff.csv", FIELDS["guidance_staff"], staff_rows)
    _write(out_dir / "staff_leave.csv", FIELDS["staff_leave"],
           leave_rows or [dict(staff_id=staff_rows[0]["staff_id"], start=f"{year}-01-01",
                               end=f"{year}-01-01")])
    _write(out_dir / "center_closures.csv", ["center_id", "start", "end", "reason"], closures)
    _write(out_dir / "events.csv", FIELDS["events"], events)
    _write(out_dir / "topics.csv", FIELDS["topics"],
           [dict(zip(FIELDS["topics"], t, strict=True)) for t in TOPICS])
    return out_dir


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "tuoyu" / "data" / "baoshan")
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--seed", type=int, default=20261129)
    ap.add_argument("--staff-scale", type=int, help="multiply the staff alone (default --scale)")
    ap.add_argument("--heldout", action="store_true", help="a held-out district (see heldout())")
    ap.add_argument("--shape", choices=sorted(SHAPES), default="baoshan",
                    help="district shape (see SHAPES): few_big, many_small, thin_staff, "
                    "heavy_leave, city9")
    ap.add_argument("--year", type=int, default=2026)
    a = ap.parse_args()
    if a.heldout:
        heldout(a.out, a.seed, a.year)
    else:
        generate(a.out, a.scale, a.seed, a.staff_scale, a.shape)


if __name__ == "__main__":
    main()
