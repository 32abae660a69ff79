"""Messages of the action plan's scorecard (三年行动计划目标): figures, where each comes
from, why one is unknown."""

MESSAGES: dict[str, tuple[str, str]] = {
    "scorecard.title": ("{district}托育服务三年行动计划 {year} 年目标完成情况",
                        "{district} childcare action plan: targets of {year}"),
    "scorecard.district": ("全区", "District"),
    # the figures
    "scorecard.on_site": ("在营机构年度实地检查覆盖率", "active institutions inspected on site"),
    "scorecard.follow_up": ("整改复查按期完成率", "follow-ups made on time"),
    "scorecard.sessions": ("亲子宝宝苑年度指导活动达标率（每苑至少 6 场）",
                           "baby centers with their sessions (at least 6 a year)"),
    "scorecard.events": ("区级亲子活动（至少 1 场）", "district events (at least 1 a year)"),
    "scorecard.integrated": ("托幼一体幼儿园占比（至少 50%）",
                             "kindergartens with nursery classes (托幼一体, at least 50%)"),
    "scorecard.inclusive": ("有普惠托育点的街镇（全覆盖）",
                            "streets with an inclusive childcare point (all)"),
    "scorecard.new_classes": ("当年新增公办托班（5–8 个）", "new public nursery classes (5–8 a year)"),
    "scorecard.within_15_min": ("15 分钟步行圈内有托位的 0–3 岁儿童",
                                "children 0–3 within a 15-minute walk of a place"),
    # how a figure reads
    "scorecard.of": ("{value} / {total}（{share}）", "{value} of {total} ({share})"),
    "scorecard.count": ("{value}", "{value}"),
    "scorecard.goal.share": ("目标 ≥ {goal}", "goal ≥ {goal}"),
    "scorecard.goal.range": ("目标 {goal}–{goal_max}", "goal {goal}–{goal_max}"),
    "scorecard.goal.count": ("目标 ≥ {goal}", "goal ≥ {goal}"),
    "scorecard.no_target": ("—（无须考核）", "— (nothing to count)"),
    "scorecard.unknown": ("尚无法得知", "not known yet"),
    "scorecard.detail.sessions": ("最少的一苑 {fewest} 场；已举办 {held} 场",
                                  "fewest at one center {fewest}; {held} held so far"),
    "scorecard.detail.events": ("已举办 {held} 场", "{held} held so far"),
    "scorecard.detail.integrated_plan": ("含选址方案当年底前新开托班", "with the siting plan's new classes by year end"),
    "scorecard.detail.integrated_now": ("仅现有托班（尚无选址方案）", "existing classes only (no siting plan yet)"),
    # where each figure comes from
    "scorecard.source.on_site": (
        "数据集“托育机构”表中的在营机构；当年实地检查：数据集“检查记录”表与系统中登记的检查结果",
        "active institutions of the dataset; on site: the dataset's inspections history and "
        "the outcomes recorded in the store",
    ),
    "scorecard.source.follow_up": (
        "当年到期（结果为责令整改或不合格后 30 天内）且已到期的复查，是否在期限内再次检查",
        "follow-ups due this year by today (30 days after a rectify/fail outcome), made in time",
    ),
    "scorecard.source.sessions": (
        "最新一份当年的活动日历（服务中保存的方案，或方案文件夹中的 sessions.csv）；数据集“指导场所”表",
        "the newest calendar of the year (a stored plan or sessions.csv of the plans folder); "
        "the dataset's centers",
    ),
    "scorecard.source.events": (
        "最新一份当年的活动日历中的区级活动（数据集“区级活动”表中类型为区级活动的）",
        "district events (events of kind district_event) in the newest calendar of the year",
    ),
    "scorecard.source.integrated": (
        "数据集“幼儿园”表中已开托班的幼儿园，加上最新选址方案当年底前在幼儿园新开的托班",
        "the dataset's kindergartens with a nursery class, plus the newest siting plan's "
        "classes in kindergartens by year end",
    ),
    "scorecard.source.inclusive": (
        "数据集“现有托育点”表中的普惠托育点和公办幼儿园托班，加上最新选址方案当年底前新开的公办托班",
        "inclusive providers and public kindergartens' classes of the dataset, plus the "
        "newest siting plan's classes by year end",
    ),
    "scorecard.source.new_classes": ("最新一份覆盖当年的选址方案（siting.geojson）",
                                     "the newest siting plan covering the year (siting.geojson)"),
    "scorecard.source.within_15_min": (
        "最新一份覆盖当年的选址方案的 15 分钟步行圈（coverage.csv）；儿童数取数据集“居委/小区”表的 0–3 岁人口"
        "（全部 0–3 岁儿童；选址方案按需要托位的儿童计，人数较少，比例相近）",
        "the 15-minute circle of the newest siting plan covering the year (coverage.csv); "
        "children: pop_0_3 of the dataset's communities (every child 0–3; the siting plan "
        "counts the children needing a place: fewer, a similar share)",
    ),
    # why a figure is not known
    "scorecard.missing.visits": ("尚无检查记录", "no inspection recorded yet"),
    "scorecard.missing.follow_ups_due": ("当年尚无到期的整改复查", "no follow-up due this year yet"),
    "scorecard.missing.visits_year": ("尚无当年登记的检查结果", "no outcome recorded in the year yet"),
    "scorecard.missing.institutions": ("数据集没有机构表", "the dataset has no institutions table"),
    "scorecard.missing.roster_tables": ("数据集缺少检查排班所需的表", "the dataset lacks the roster's tables"),
    "scorecard.missing.session_tables": ("数据集缺少活动日历所需的表", "the dataset lacks the calendar's tables"),
    "scorecard.missing.siting_tables": ("数据集缺少选址所需的表", "the dataset lacks the siting tables"),
    "scorecard.missing.centers": ("数据集没有指导场所表", "the dataset has no centers table"),
    "scorecard.missing.events": ("数据集没有区级活动表", "the dataset has no events table"),
    "scorecard.missing.sessions": ("尚未生成当年的活动日历", "no calendar of the year made yet"),
    "scorecard.missing.kindergartens": ("数据集没有幼儿园表", "the dataset has no kindergartens table"),
    "scorecard.missing.providers": ("数据集没有托育点和幼儿园表", "the dataset has no providers or kindergartens"),
    "scorecard.missing.openings": ("尚未生成覆盖当年的选址方案", "no siting plan covering the year made yet"),
    "scorecard.missing.reach": ("尚未生成覆盖当年的选址方案", "no siting plan covering the year made yet"),
    "scorecard.missing.reach_year": ("选址方案不含当年", "the siting plan does not cover the year"),
    "scorecard.written": ("已写入：{path}", "written: {path}"),
    "scorecard.from_plans": ("所用方案：活动日历 {sessions}；选址 {siting}",
                             "plans used: calendar {sessions}; siting {siting}"),
    "scorecard.none": ("无", "none"),
    "scorecard.plan_job": ("页面中生成的方案（{time} 完成）", "the plan made in the pages ({time})"),
    "scorecard.plan_folder": ("文件夹 {folder} 中的方案", "the plan in the folder {folder}"),
    "scorecard.plan_cli": ("命令行生成的方案（{time} 写入）",
                           "the plan made on the command line (written {time})"),
}
