"""Messages of the sessions planner: findings, clashes, soft goals and targets, by code."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sessions.name": ("年度指导活动日历", "Guidance-session calendar"),  # the planner's name
    # -- soft goals ---------------------------------------------------------------------
    "sessions.goal.moved": (
        "重新排期：改到其他半天的后续场次", "re-plan: future sessions moved to another half-day"
    ),
    "sessions.goal.topic_changed": (
        "重新排期：更换主题的场次", "re-plan: kept sessions with another topic"
    ),
    "sessions.goal.spacing": (
        "间隔短于均匀分布的天数", "days by which gaps fall short of an even spread"
    ),
    "sessions.goal.weekend": ("偏离周末比例目标的场次", "sessions off the weekend target"),
    "sessions.goal.other_lead": (
        "日历估计：固定主讲无法到场的场次（仅用于下界）",
        "calendar estimate: sessions their home lead cannot lead (bound only)",
    ),
    "sessions.goal.far": (
        "跨出本街镇及相邻街镇的出行人次", "staff trips beyond home and neighbouring streets"
    ),
    "sessions.goal.neighbour": ("到相邻街镇的出行人次", "staff trips to a neighbouring street"),
    "sessions.goal.load": (
        "超出公平份额的场次（工作量均衡）", "sessions above staff's fair share (balance)"
    ),
    "sessions.goal.extra_lead": (
        "非场所固定主讲带领的场次", "sessions not led by the center's home lead"
    ),
    "sessions.goal.staff_changed": (
        "重新排期：更换人员的人次", "re-plan: kept sessions with another person"
    ),
    "sessions.goal.month_share": (
        "各月场次超出当月份额浮动范围的场次（分学科计）",
        "sessions beyond their month's share of the year (per discipline)",
    ),
    "sessions.goal.event_spread": (
        "同类区级活动集中在同一月份的超出次数",
        "district events of one kind bunched in one month (occurrences beyond)",
    ),
    "sessions.goal.quarters": (
        "场所活动覆盖不足三个季度的缺口（季度数）",
        "quarters short of three at a center's sessions",
    ),
    # -- targets ------------------------------------------------------------------------
    **{
        f"sessions.target.month_{mo:02d}": (
            f"{mo}月场所活动场次（目标为按开放天数折算的月度份额）",
            f"center sessions in month {mo} (goal: the month's share by open days)",
        )
        for mo in range(1, 13)
    },
    "sessions.target.months_even": (
        "场次在月度份额浮动范围内的月份数", "months within their share of the year"
    ),
    "sessions.holiday_month": (
        "{month}月有 {holidays} 天法定节假日，月度份额按开放天数相应减少（为平均月份的 {share}%）。",
        "Month {month} has {holidays} public holidays: its share of the year is smaller "
        "by its open days ({share}% of an average month).",
    ),
    "sessions.target.sessions_per_center": (
        "社区亲子宝宝苑达到年度场次（个）", "baby centers reaching their sessions a year"
    ),
    "sessions.target.sessions_per_venue": (
        "其他场所达到年度场次（个）", "other venues reaching their sessions a year"
    ),
    "sessions.target.events_held": (
        "区级活动按次数举办（项）", "district events held as often as required"
    ),
    # -- how the solve went -------------------------------------------------------------
    "sessions.summary.head": (
        "{year} 年指导活动：场所活动 {sessions} 场（周末 {weekend} 场），区级活动 {events} 场；"
        "每人全年 {low}–{high} 场。",
        "Guidance sessions {year}: {sessions} center sessions ({weekend} on weekends), "
        "{events} district event occurrences; {low}–{high} sessions a person.",
    ),
    "sessions.not_proven_optimal": (
        "未证明最优：目标值 {objective}，整个方案的下界 {bound}。下界只计对任何日历都成立的"
        "人员安排费用（跨街道出行、非固定带队人、超出公平份额的工作量），以及按月份放宽计算时"
        "月份均衡、活动分散必然产生的费用；其余日历目标（间隔、周末、季度、重排变动）在下界中"
        "按 0 计，其费用全部计入差距。",
        "Not proven optimal: objective {objective}, bound of the whole plan {bound}. The "
        "bound counts the team costs that hold for any calendar (trips across streets, "
        "sessions not led by the home lead, load above the fair share) and what a "
        "relaxation by months shows the month share and the events' spread must cost; the "
        "other calendar goals (spacing, weekend, quarters, re-plan changes) count 0 in it, "
        "so their whole cost is in the gap.",
    ),
    "sessions.staffing_cuts": (
        "第一版日历按人数可行，但按具体人员排不开；追加了 {cuts} 条人员容量约束，"
        "第 {rounds} 版日历可以排出全部人员。",
        "The first calendar fitted the staff counts but not the people themselves; "
        "{cuts} staffing cuts were added and calendar number {rounds} can be staffed.",
    ),
    "sessions.fast_mode": (
        "快速模式：并行搜索（{workers} 个线程）按秒计时；同样的输入再运行一次可能得到另一份同样有效的日历。",
        "Fast mode: parallel search ({workers} threads) within the time limit in seconds; "
        "another run of the same inputs may give another, equally valid calendar.",
    ),
    "sessions.wall_clock_stop": (
        "“{stage}”这一步在 {seconds} 秒时被时钟上限截停：本次结果可能与其他运行不同；"
        "请在负载较低时重试或加大时限。",
        "Stage {stage} was stopped by the wall clock after {seconds} s: this result may "
        "differ from another run; retry on a less busy machine or with a longer time limit.",
    ),
    "sessions.calendar_not_found": (
        "在时限内未找到日历（第 {part}/{parts} 部分）；这并不说明无解，请加大时限。",
        "No calendar was found within the time limit (part {part} of {parts}); this does "
        "not prove there is none: give a longer time limit.",
    ),
    "sessions.days_spread": (
        "同月内分散活动日期（不增加任何目标的代价）：{moved} 场活动改到同月较空的日子，"
        "同一天最多的活动由 {before} 场降为 {after} 场。",
        "The sessions spread over their months' days at no cost to any goal: {moved} "
        "moved to quieter days of the same month; the busiest day now holds {after} "
        "sessions ({before} before).",
    ),
    "sessions.days_spread_busiest_kept": (
        "同月内分散活动日期（不增加任何目标的代价）：{moved} 场活动改到同月较空的日子；"
        "同一天最多的活动仍为 {after} 场（那一天的活动换不到其他日子而不增加代价）。",
        "The sessions spread over their months' days at no cost to any goal: {moved} "
        "moved to quieter days of the same month; the busiest day still holds {after} "
        "(its sessions cannot move without a cost).",
    ),
    "sessions.try_plan_kept": (
        "先在人员目标下界处试排的方案（目标值 {tried}）优于完整搜索并局部改进后的方案"
        "（目标值 {made}），采用前者并对其做同样的局部改进；两者都满足全部硬性规则。",
        "The plan first tried at the team goals' bound (objective {tried}) costs less than "
        "the full search's plan after its local improvement ({made}): the former is kept "
        "and given the same local improvement; both meet every hard rule.",
    ),
    "sessions.first_calendar_kept": (
        "搜索在时限内未找到可排出全部人员的日历：采用按人员实际空闲构造的首版日历"
        "（满足全部硬性规则），其后的人员安排、主题与局部改进在它之上继续优化。",
        "The search found no calendar that can be staffed within the time limit: the first "
        "calendar, built where the staff are actually free (every hard rule kept), is used, "
        "and the teams, topics and local improvement work on from it.",
    ),
    "sessions.decomposed": (
        "大规模实例：日历按街镇分 {parts} 部分依次求解，下界只计人员安排部分。",
        "Big instance: the calendar was planned in {parts} parts (by street), one after "
        "another; the bound counts the teams' part only.",
    ),
    "sessions.teams_fallback": (
        "{stage}：时限内未优化完人员安排，采用一个满足全部规则的可行安排。",
        "{stage}: the teams were not optimized in time; a valid assignment meeting every "
        "rule is used.",
    ),
    # -- changes of a re-plan -----------------------------------------------------------
    "sessions.change.moved": (
        "{key}：{old_date}（{old_half}）改到 {new_date}（{new_half}），{what}（本身未受变更影响，随重新排期调整）",
        "{key}: {old_date} (half {old_half}) -> {new_date} (half {new_half}), {what} (not itself "
        "affected by the change; moved by the re-plan)",
    ),
    "sessions.change.staff": (
        "{key}：{date} 人员 {old} 改为 {new}", "{key}: {date} staff {old} -> {new}"
    ),
    "sessions.change.topic": (
        "{key}：{date} 主题 {old} 改为 {new}", "{key}: {date} topic {old} -> {new}"
    ),
    "sessions.change.forced.closed": (
        "{key}：{old_date}（{old_half}）场所当天不再开放（闭馆、节假日或开放日变更），"
        "改到 {new_date}（{new_half}），{what}",
        "{key}: {old_date} (half {old_half}) the center is no longer open that day "
        "(closure, holiday or open days changed) -> {new_date} (half {new_half}), {what}",
    ),
    "sessions.change.forced.gone": (
        "{key}：{date} 人员 {old} 已不在人员表中，由 {new} 接替",
        "{key}: {date} {old} is no longer in the staff table; {new} takes the place",
    ),
    "sessions.change.forced.discipline": (
        "{key}：{date} 人员 {old} 的学科已变更，由 {new} 接替",
        "{key}: {date} {old} is of another discipline now; {new} takes the place",
    ),
    "sessions.change.forced.day": (
        "{key}：{date} 人员 {old} 不再在这一天工作，由 {new} 接替",
        "{key}: {date} {old} no longer works on that weekday; {new} takes the place",
    ),
    "sessions.change.forced.leave": (
        "{key}：{date} 人员 {old} 当天休假，由 {new} 接替",
        "{key}: {date} {old} is on leave that day; {new} takes the place",
    ),
    "sessions.change.forced.busy": (
        "{key}：{date} 人员 {old} 同一时段已有其他安排，由 {new} 接替",
        "{key}: {date} {old} is already elsewhere that half-day; {new} takes the place",
    ),
    "sessions.change.forced.limit": (
        "{key}：{date} 人员 {old} 超出当月场次上限，由 {new} 接替",
        "{key}: {date} {old} would exceed their monthly limit; {new} takes the place",
    ),
    "sessions.change.dropped": ("{key}：取消 {date} 的场次", "{key}: {date} dropped"),
    "sessions.change.added": ("{key}：新增 {date} 的场次", "{key}: {date} added"),
    # -- clashes: why no calendar ---------------------------------------------------------
    "sessions.clash.gap_too_short": (
        "{name}（{center}）自 {start} 起开放 {open_days} 天，需要 {needed} 场、间隔 {gap} 天，"
        "最多只能排 {fit} 场。请增加开放日、把年度场次降到 {suggest}，或缩短间隔。",
        "{name} ({center}) is open on {open_days} days from {start} but needs {needed} "
        "sessions {gap} days apart; at most {fit} fit. Open it on more days, lower its "
        "sessions_per_year to {suggest}, or shorten the gap.",
    ),
    "sessions.clash.no_day_in_quarter": (
        "{name}（{center}）在 {year} 年第 {quarter} 季度没有开放日（闭馆、节假日或开放日），"
        "但每个季度都需要一场活动。",
        "{name} ({center}) has no open day in quarter Q{quarter} of {year} (closures, "
        "holidays or its open days), but every quarter needs a session.",
    ),
    "sessions.clash.too_few_topics": (
        "{name}（{center}）需要 {need} 个不同主题，但只有 {usable} 个主题有相应专业人员"
        "（{topics}）。",
        "{name} ({center}) needs {need} different topics but only {usable} topics can be "
        "staffed ({topics}).",
    ),
    "sessions.clash.event_days": (
        "区级活动 {name}（{event}）还需举办 {times} 次（不同日期，周末：{weekend}，月份 {months}），"
        "但只有 {days} 个这样的日子。",
        "Event {name} ({event}) must happen {times} more times on different days "
        "(weekend: {weekend}) in months {months}, but there are only {days} such days.",
    ),
    "sessions.clash.event_team": (
        "区级活动 {name}（{event}）每个专业各需一人（{disciplines} 个专业），但只配 {staff} 人。",
        "Event {name} ({event}) needs one person of each of {disciplines} disciplines but "
        "only {staff} staff.",
    ),
    "sessions.clash.event_pool": (
        "区级活动 {name}（{event}）同时需要 {need} 名 {discipline} 专业人员，全区只有 {have} 名。",
        "Event {name} ({event}) needs {need} {discipline} staff at once; the district has "
        "{have}.",
    ),
    "sessions.clash.event_people": (
        "区级活动 {name}（{event}）须在 {times} 个不同日子（周末：{weekend}，月份 {months}）"
        "各有 {need} 名 {discipline} 专业人员同时出勤，但按工作日和请假只有 {days} 个这样的日子"
        "（全区 {pool} 名该专业人员中，只有 {people} 名在这些日子里能工作）。",
        "Event {name} ({event}) needs {need} {discipline} staff at once on {times} different "
        "days (weekend: {weekend}) in months {months}, but only {days} such days have that "
        "many at work (their weekdays and leave: {people} of the district's {pool} "
        "{discipline} staff work on any of them).",
    ),
    "sessions.clash.education_year": (
        "全年场次和活动需要 {demand} 个教育专业半天，教育专业人员在每月上限、可用日和请假之内"
        "最多提供 {supply} 个，缺 {short} 个。",
        "The sessions and events need {demand} education half-days but the education staff "
        "give at most {supply} within their monthly limits, available days and leave; "
        "{short} short.",
    ),
    "sessions.clash.staffing": (
        "{discipline} 专业 {month} 月：在这些日子（{days}，共 {half_days} 个半天）上，"
        "{people} 名人员按每月上限、可用日和请假最多能出 {capacity} 人次。",
        "{discipline} staff in month {month}: on these days ({days}; {half_days} half-days) "
        "the {people} people can give at most {capacity} places within their monthly "
        "limits, available days and leave.",
    ),
    "sessions.clash.rule_gap": (
        "{name}（{center}）：场次间隔至少 {gap} 天", "{name} ({center}): sessions {gap} days apart"
    ),
    "sessions.clash.rule_quarter": (
        "{name}（{center}）：每个季度至少一场", "{name} ({center}): a session in every quarter"
    ),
    "sessions.clash.rule_topics": (
        "{name}（{center}）：至少 {topics} 个主题，且相邻两场主题不同",
        "{name} ({center}): at least {topics} topics, never the same twice in a row",
    ),
    "sessions.clash.rule_event": (
        "区级活动 {name}（{event}）：{times} 次，每次 {staff} 人",
        "event {name} ({event}): {times} times with {staff} staff",
    ),
    "sessions.clash.rule_half_day": (
        "{discipline} 专业每半天可用人数：{people} 人，每人每半天只能在一处",
        "{discipline} staff per half-day: {people} people, each in one place a half-day",
    ),
    "sessions.clash.rule_weekday": (
        "{discipline} 专业按星期：每月同一星期几的全部半天上，{people} 名人员按每月上限、可用日和"
        "请假能出的人次",
        "{discipline} staff by weekday: what the {people} people can give on all the same "
        "weekdays of a month within their monthly limits, available days and leave",
    ),
    "sessions.clash.rule_month": (
        "{discipline} 专业每月上限：最紧的月份 {months} 分别只有 {places} 人次",
        "{discipline} staff monthly limits: the tightest months {months} give {places} places",
    ),
    "sessions.clash.rule_open": (
        "场所 {center} 在 {year} 年已没有开放日", "center {center} has no open day left in {year}"
    ),
    "sessions.clash.unexplained": (
        "规则无法同时满足，但在 {seconds} 秒内未能找出冲突的规则组；请加大时限重试。",
        "The rules cannot all hold, but the clashing rule groups were not found within "
        "{seconds} s; retry with a longer time limit.",
    ),
}
