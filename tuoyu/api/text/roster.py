"""Messages of the roster planner: findings, clashes, soft goals and targets, by code."""

MESSAGES: dict[str, tuple[str, str]] = {
    "roster.name": ("月度检查排班", "Monthly inspection roster"),  # the planner's name
    # why an institution is on the roster (roster.csv's reason)
    "roster.reason.follow_up": ("整改复查", "follow-up"),
    "roster.reason.high_risk": ("高风险", "high risk"),
    "roster.reason.drawn": ("随机抽取", "drawn at random"),
    "roster.reason.coverage": ("年度全覆盖", "year's coverage"),
    # the note of one visit (roster.csv's note column is the English one)
    "roster.note.follow_up": (
        "{date} 检查结果为“{outcome}”，须于 {due} 前复查",
        "{outcome} on {date}, re-inspect by {due}",
    ),
    "roster.note.never": ("高风险，从未检查", "high risk, never inspected"),
    "roster.note.high_risk": ("高风险，上次实地检查 {date}", "high risk, last on site {date}"),
    "roster.note.drawn": ("随机抽取（权重 {weight}）", "drawn at random (weight {weight})"),
    "roster.note.coverage": ("{year} 年尚未检查", "not yet inspected in {year}"),
    # findings of a roster
    "roster.follow_up_overdue": (
        "{institution_id} {name} 的整改复查应于 {due} 前完成，已逾期；安排在本月最初几个工作日。",
        "Follow-up of {institution_id} {name} was due on {due} and is overdue; it is put on "
        "the first working days of the month.",
    ),
    "roster.coverage_pace": (
        "{uncovered} 家在营机构在 {month} 之前尚未于 {year} 年接受实地检查；本月覆盖其中 "
        "{covered_now} 家（{quota} 家为年度全覆盖安排，{through_draw} 家经随机抽取或必查安排）；"
        "其余 {remain} 家留待之后 {months_ahead} 个月，约可容纳 {future_capacity} 家。",
        "{uncovered} active institutions had no on-site inspection in {year} before {month}; "
        "this roster covers {covered_now} of them ({quota} for coverage, {through_draw} "
        "through the draw or mandatory visits); {remain} remain for the {months_ahead} months "
        "ahead, which can take about {future_capacity}.",
    ),
    "roster.coverage_december": (
        "{uncovered} 家在营机构在 {month} 之前尚未于 {year} 年接受实地检查；本月覆盖其中 "
        "{covered_now} 家（{quota} 家为年度全覆盖安排，{through_draw} 家经随机抽取或必查安排）："
        "{year} 年每家在营机构均已实地检查。",
        "{uncovered} active institutions had no on-site inspection in {year} before {month}; "
        "this roster covers {covered_now} of them ({quota} for coverage, {through_draw} "
        "through the draw or mandatory visits): every active institution is on site in {year}.",
    ),
    "roster.shortlist": (
        "每个检查组从当天在岗且无利益冲突的人员中随机抽取 {size} 人（种子 {seed}）后再选定（双随机）。",
        "Each team was chosen among {size} inspectors drawn at random (seed {seed}) from those "
        "at work that day and free of conflicts (双随机).",
    ),
    "roster.returns_to_last": (
        "{count} 人次回到了自己上次检查过的机构：人员池别无选择。",
        "{count} inspector(s) return to an institution they inspected last time: the pool left "
        "no other choice.",
    ),
    "roster.not_proven_optimal": (
        "在 {seconds} 秒的计算量内未证明最优。名单由确定性搜索得出：同样的输入、种子和时限，"
        "无论线程数或机器负载，得到同一名单；但它不一定是最优名单。请放宽时限。",
        "The roster was not proven optimal within the work of {seconds} s. It comes from a "
        "deterministic search: the same inputs, seed and time limit give the same roster "
        "whatever the threads or the machine's load; it may not be the best one. Raise "
        "--time-limit.",
    ),
    "roster.not_proven_unique": (
        "名单已证明最优，但在 {seconds} 秒的计算量内未证明它是唯一最优。名单由确定性搜索得出，"
        "与线程数和机器负载无关。",
        "The roster is proven optimal but was not proven the only optimum within the work of "
        "{seconds} s. It comes from a deterministic search and does not depend on the threads "
        "or the machine's load.",
    ),
    "roster.wall_clock_stop": (
        "阶段“{stage}”在完成其计算量之前被 {seconds} 秒的时钟上限中止：这一次的名单取决于机器负载。",
        "The stage '{stage}' was ended by the clock ({seconds} s) before its budget of work: "
        "this roster depends on the machine's load.",
    ),
    "roster.cancelled_no_plan": (
        "已按要求停止，尚未得到任何排班。",
        "Stopped on request before any roster was found.",
    ),
    # clashes: why no roster can meet the rules
    "roster.no_working_day": (
        "{month} 没有工作日，但有 {inspections} 次检查到期。",
        "{month} has no working day, but {inspections} inspections are due.",
    ),
    "roster.pool_short": (
        "{month} 需要 {inspections} 次检查 × 每组 {min_team} 人 = {need} 人次（整改复查 "
        "{follow_up}、高风险 {high_risk}、随机抽取 {drawn}、年度全覆盖 {coverage}）；扣除请假和"
        "每月上限后人员池仅能提供 {have} 人次：缺 {short}。请增加检查人员、提高每月上限或降低抽取比例。",
        "{month} needs {inspections} inspections × {min_team} inspectors = {need} "
        "inspector-visits ({follow_up} follow-ups, {high_risk} high-risk, {drawn} drawn at "
        "random, {coverage} for the year's coverage); the pool gives {have} after leave and "
        "monthly limits: short by {short}. Add inspectors, raise their monthly limits, or "
        "lower the draw share.",
    ),
    "roster.skill_short": (
        "{inspections} 次检查每次都需要一名具备“{skill}”专长的人员；扣除请假和上限后这些人员仅能"
        "提供 {have} 次：缺 {short}。",
        "Each of the {inspections} inspections needs a '{skill}' inspector; inspectors with "
        "that skill give {have} visits after leave and limits: short by {short}.",
    ),
    "roster.too_few_free": (
        "{institution_id} {name}：本月无利益冲突且可出勤的人员只有 {free} 名，至少需要 {need} 名。",
        "{institution_id} {name}: only {free} inspector(s) are free of a conflict of interest "
        "and available this month; {need} are needed.",
    ),
    "roster.no_free_skill": (
        "{institution_id} {name}：没有可出勤、无利益冲突且具备“{skill}”专长的人员。",
        "{institution_id} {name}: no available '{skill}' inspector is free of a conflict of "
        "interest.",
    ),
    "roster.too_few_departments": (
        "{institution_id} {name}：可派人员只来自 {departments} 个部门；联合检查至少需要 {need} 个。",
        "{institution_id} {name}: the inspectors free to go come from {departments} "
        "department(s); a joint inspection needs {need}.",
    ),
    "roster.follow_ups_by_deadline": (
        "{count} 次整改复查须在 {until} 前完成（整改或不合格后 {days} 天内）：需要 {need} 人次，"
        "截至当日的工作日人员池仅能提供 {have} 人次。",
        "{count} follow-up inspection(s) must be done by {until} ({days} days after a "
        "rectify/fail outcome): they need {need} inspector-visits, the pool gives {have} on "
        "the working days up to then.",
    ),
    "roster.rules_clash": (
        "{month} 的排班无法同时满足以下规则：共 {inspections} 次检查（整改复查 {follow_up}、"
        "高风险 {high_risk}、随机抽取 {drawn}、年度全覆盖 {coverage}），{days} 个工作日，扣除请假和"
        "每月上限后人员池可提供 {have} 人次。冲突的规则：",
        "No roster for {month} can meet the rules: {inspections} inspections ({follow_up} "
        "follow-ups, {high_risk} high-risk, {drawn} drawn at random, {coverage} for the year's "
        "coverage) over {days} working days; the pool gives {have} inspector-visits after "
        "leave and monthly limits. These rules clash:",
    ),
    "roster.rule.team": ("每组至少两人", "team of at least two"),
    "roster.rule.skills": ("每组涵盖安全与卫生专长", "team covers safety and hygiene"),
    "roster.rule.departments": ("每组来自两个部门（联合检查）", "team draws on two departments"),
    "roster.rule.daily": ("不超过每日上限", "within daily limits"),
    "roster.rule.monthly": ("不超过每月上限", "within monthly limits"),
    "roster.rule.recusal": ("回避利益冲突", "no conflict of interest"),
    "roster.rule.deadline": ("整改复查在 30 天内完成", "follow-up within 30 days"),
    "roster.rule.opening": ("不早于机构开业", "not before the institution opens"),
    "roster.rule.visits.follow_up": (
        "{count} 次整改复查必须安排",
        "the {count} follow-up inspections",
    ),
    "roster.rule.visits.high_risk": (
        "{count} 次高风险检查必须安排",
        "the {count} high-risk inspections",
    ),
    "roster.rule.visits.drawn": (
        "{count} 次随机抽取检查必须安排",
        "the {count} inspections drawn at random",
    ),
    "roster.rule.visits.coverage": (
        "{count} 次年度全覆盖检查必须安排",
        "the {count} inspections for the year's coverage",
    ),
    "roster.relax": (
        "请放宽其中一条（增加人员或提高上限、降低抽取比例、减少必备专长或部门）后重新排班。",
        "Relax one of them (more inspectors or higher limits, a lower draw share, fewer "
        "required skills or departments) and plan again.",
    ),
    # soft goals
    "roster.goal.return_to_last_institution": (
        "检查人员回到上次检查过的机构",
        "an inspector returns to the institution they inspected last time",
    ),
    "roster.goal.extra_team_member": ("超出两人的组员", "team members beyond the minimum of two"),
    "roster.goal.team_day_in_far_streets": (
        "同一天去往不相邻街镇的人次",
        "inspector-days spent in streets that are not neighbours",
    ),
    "roster.goal.load_above_fair_share": (
        "超出人均份额的检查次数（均衡）",
        "visits above an inspector's fair share (balance)",
    ),
    "roster.goal.busiest_day": (
        "最忙一天的检查数（全月分散）",
        "visits on the busiest day (spread over the month)",
    ),
    # targets
    "roster.target.year_coverage": (
        "本年度在营机构实地检查全覆盖",
        "active institutions on site this year",
    ),
    "roster.target.month_share": (
        "本月应承担的未检查机构数",
        "this month's share of the institutions not yet inspected",
    ),
    "roster.target.draw": ("本月随机抽取机构数", "institutions drawn at random this month"),
    "roster.month_missing": (
        "请给出要排班的月份：--month YYYY-MM（例如 2027-03）。",
        "Give the month to plan: --month YYYY-MM (e.g. 2027-03).",
    ),
    # verifying a draw from its audit record
    "roster.verify.cannot": ("无法核验 {path}：{reason}", "Cannot verify {path}: {reason}"),
    "roster.verify.matches": (
        "抽取结果一致：机构、日期和检查组均相同。",
        "the draw matches: same institutions, days and teams.",
    ),
    "roster.verify.differs": ("抽取结果不一致：", "the draw does NOT match:"),
    "roster.verify.dataset_changed": (
        "{folder} 中的数据集不是抽取时所用的数据（指纹 {got}… ≠ {recorded}…）。",
        "The dataset in {folder} is not the one the draw used (fingerprint {got}… ≠ {recorded}…).",
    ),
    "roster.verify.history_changed": (
        "记录中的历史检查在抽取后被改动过。",
        "The stored history in the record was changed after the draw.",
    ),
    "roster.verify.result_changed": (
        "记录中的排班在抽取后被改动过。",
        "The roster in the record was changed after the draw.",
    ),
    "roster.verify.drawn_differ": (
        "抽中的机构不同：重算 {recomputed} 家，记录 {recorded} 家；首个差异为 {first_recomputed} ≠ "
        "{first_recorded}。",
        "The institutions drawn differ: recomputed {recomputed}, recorded {recorded}; first "
        "difference at {first_recomputed} ≠ {first_recorded}.",
    ),
    "roster.verify.visit_differs": (
        "{institution_id} 的检查：重算为 {date}（{inspector_ids}），记录为 {recorded_date}"
        "（{recorded_inspector_ids}）。",
        "Visit to {institution_id}: recomputed {date} ({inspector_ids}), recorded "
        "{recorded_date} ({recorded_inspector_ids}).",
    ),
    "roster.verify.count_differs": (
        "重算得到 {recomputed} 次检查，记录中有 {recorded} 次。",
        "Recomputed {recomputed} visits, the record has {recorded}.",
    ),
    "roster.verify.not_proven": (
        "重算未能证明最优；请放宽时限。",
        "The recomputation was not proven optimal; raise the time limit.",
    ),
    "roster.verify.no_roster": (
        "按记录的输入重算，得不到任何排班：",
        "Recomputed from the recorded inputs, no roster meets the rules:",
    ),
    # the printed summary (tuoyu.api.exports.roster.summary)
    "roster.summary.head": (
        "{month} 检查排班（种子 {seed}）：{inspections} 次检查，安排在 {days_used} 个工作日"
        "（共 {days} 个），{visits} 人次，{inspectors} 名检查人员。",
        "Roster {month} (seed {seed}): {inspections} inspections on {days_used} of {days} "
        "working days, {visits} inspector-visits by {inspectors} inspectors.",
    ),
    "roster.summary.reasons": ("  检查原因：{reasons}", "  why: {reasons}"),
    "roster.summary.unique": ("  唯一最优：{unique}", "  unique optimum: {unique}"),
    "roster.summary.replaced": (
        "  说明：此前保存的 {month} 草稿已被本次抽取取代（仍保留并列入 draw.json 的"
        " earlier_draws；本次编号 {id}）。",
        "  note: the draft of {month} stored before is superseded by this draw (kept, and "
        "listed under earlier_draws in draw.json; this one is id {id}).",
    ),
    "roster.summary.draft": (
        "  本排班为草稿：发布（tuoyu roster publish --month {month}）后才计入以后各月的检查历史。",
        "  This roster is a draft: it feeds later months' history once published "
        "(tuoyu roster publish --month {month}).",
    ),
    "roster.summary.published": (
        "已发布 {month} 的排班（第 {draw} 次抽取，种子 {seed}，指纹 {fingerprint}）："
        "此后各月的排班以它为检查历史。",
        "Published the roster of {month} (draw {draw}, seed {seed}, fingerprint "
        "{fingerprint}): later months' rosters take it as history.",
    ),
    "roster.summary.notice": ("已写入公示：{files}", "Notice written: {files}"),
    # a month's draws: drafts, publishing, redraws
    "roster.redraw_needs_reason": (
        "{month} 的排班已经发布：再次抽取须说明理由（--redraw-reason 文字）。",
        "The roster of {month} is published: drawing it again needs a reason "
        "(--redraw-reason TEXT).",
    ),
    "roster.draw_conflict": (
        "保存 {month} 的排班时，另一份该月排班已先保存（排班时所见 {seen} 次抽取）；"
        "本次排班未保存，请重新排班。",
        "While this roster of {month} was being saved another one of the month was saved "
        "first (planned with {seen} draws seen); this one is not stored: make it again.",
    ),
    "roster.publish_nothing": (
        "{month} 没有可发布的草稿（当前状态：{status}）。",
        "{month} has no draft to publish (state: {status}).",
    ),
    "roster.replan_nothing": (
        "{month} 还没有保存的排班，无法从某日起重新安排；请先为该月排班。",
        "{month} has no stored roster to re-plan from a date; make the month's roster first.",
    ),
    "roster.notice_nothing": (
        "{month} 还没有保存的排班，无法生成公示。",
        "{month} has no stored roster to give notice of.",
    ),
    "roster.state.draft": ("草稿", "draft"),
    "roster.state.published": ("已发布", "published"),
    "roster.state.superseded": ("已被取代的草稿", "superseded draft"),
    "roster.state.withdrawn": ("已撤回（被重新抽取取代）", "withdrawn (redrawn)"),
    "roster.state.none": ("无排班", "no roster"),
    # recorded outcomes
    "roster.outcome.pass": ("合格", "pass"),
    "roster.outcome.rectify": ("责令整改", "rectify"),
    "roster.outcome.fail": ("不合格", "fail"),
    "roster.outcome.planned": ("待检查", "planned"),
    # the public notice (tuoyu.api.exports.notice)
    "roster.notice.title": (
        "{month} 托育机构“双随机、一公开”监督检查公示",
        "Inspections of childcare institutions, {month}: public notice (双随机、一公开)",
    ),
    "roster.notice.inspections_head": ("检查安排", "Inspections"),
    "roster.notice.draw_head": ("抽取信息", "The draw"),
    "roster.notice.earlier_head": ("本月历次抽取", "Earlier draws of the month"),
    "roster.notice.verify_head": ("如何核验", "How to verify"),
    "roster.notice.no_earlier": ("本月此前没有其他抽取。", "No earlier draw of the month."),
    "roster.notice.how_to_verify": (
        "任何人均可用抽取记录（draw.json）和同一数据集重算本次抽取："
        "tuoyu roster verify draw.json --data 数据集目录。重算结果须与上列种子和指纹完全一致；"
        "抽取记录指纹为 draw.json 规范化 JSON（键排序、无空格、UTF-8）的 SHA-256。",
        "Anyone can recompute this draw from its audit record (draw.json) and the same "
        "dataset: tuoyu roster verify draw.json --data DATASET. It must match the seed and "
        "fingerprints above; the record fingerprint is the SHA-256 of draw.json's canonical "
        "JSON (sorted keys, no spaces, UTF-8).",
    ),
    "roster.notice.date": ("日期", "date"),
    "roster.notice.weekday": ("星期", "weekday"),
    "roster.notice.institution_id": ("机构编号", "institution id"),
    "roster.notice.name": ("机构名称", "institution"),
    "roster.notice.street": ("街镇", "street"),
    "roster.notice.reason": ("检查原因", "why"),
    "roster.notice.team": ("检查人员", "team"),
    "roster.notice.team_ids": ("人员编号", "inspector ids"),
    "roster.notice.outcome": ("检查结果", "outcome"),
    "roster.notice.not_recorded": ("尚未录入", "not yet recorded"),
    "roster.notice.state": ("排班状态", "state"),
    "roster.notice.published_at": ("发布时间（UTC）", "published (UTC)"),
    "roster.notice.seed": ("随机种子", "seed"),
    "roster.notice.inspections": ("检查次数", "inspections"),
    "roster.notice.drawn": ("随机抽取机构数", "institutions drawn at random"),
    "roster.notice.record_fingerprint": ("抽取记录指纹", "record fingerprint"),
    "roster.notice.tables_fingerprint": ("数据集指纹", "dataset fingerprint"),
    "roster.notice.history_fingerprint": ("历史检查指纹", "history fingerprint"),
    "roster.notice.result_fingerprint": ("排班结果指纹", "roster fingerprint"),
    "roster.notice.redraw_reason": ("重新抽取理由", "reason for redrawing"),
    "roster.notice.created_at": ("抽取时间（UTC）", "drawn at (UTC)"),
    "roster.notice.draw": ("第几次", "draw"),
    "roster.notice.time": ("时间（UTC）", "time (UTC)"),
    "roster.notice.fingerprint": ("指纹", "fingerprint"),
    "roster.notice.item": ("项目", "item"),
    "roster.notice.value": ("内容", "value"),
    # re-planning a month from a date
    "roster.replan.kept": (
        "自 {date} 起重新安排：保留此前 {count} 次检查不变，重新安排之后的 {replanned} 次，"
        "新增 {added} 次整改复查。",
        "Re-planned from {date}: {count} earlier inspections kept as they were, {replanned} "
        "later ones re-planned, {added} follow-ups added.",
    ),
    "roster.replan.added": (
        "新增整改复查：{institution_id} 安排在 {date}（须于 {due} 前）。",
        "Follow-up added: {institution_id} on {date} (due by {due}).",
    ),
    "roster.replan.moved": (
        "{institution_id} 由 {old_date}（{old_team}）调整为 {date}（{team}）。",
        "{institution_id} moved from {old_date} ({old_team}) to {date} ({team}).",
    ),
    "roster.replan.follow_up_no_team": (
        "{institution_id} {name} 的整改复查（{date} 检查结果，须于 {due} 前）本月无法安排："
        "自重排之日起没有哪一天能组成无利益冲突、技能和部门齐全的检查组；下月排班将优先安排（已逾期）。",
        "The follow-up of {institution_id} {name} (outcome of {date}, due by {due}) cannot "
        "be on site this month: no day from the re-plan's date has a team free of conflicts "
        "with the skills and departments required; next month's roster puts it first "
        "(overdue).",
    ),
    "roster.replan.follow_up_no_capacity": (
        "{institution_id} 的整改复查（须于 {due} 前）本月无法安排：保留的检查之外，"
        "人员的当月上限已不足以同时完成全部新增复查；下月排班将优先安排（已逾期）。",
        "The follow-up of {institution_id} (due by {due}) cannot be on site this month: "
        "after the kept visits the inspectors' monthly limits cannot take every new "
        "follow-up; next month's roster puts it first (overdue).",
    ),
    "roster.replan.no_roster": (
        "{month} 还没有保存的排班，无法从某日起重新安排。",
        "{month} has no stored roster to re-plan from a date.",
    ),
    "roster.verify.field_differs": (
        "字段 {field}：重算为 {recomputed}，记录为 {recorded}。",
        "Field {field}: recomputed {recomputed}, recorded {recorded}.",
    ),
    "roster.verify.store_differs": (
        "字段 {field} 与库中保存的该次抽取不同：库中为 {recomputed}，文件为 {recorded}。",
        "Field {field} differs from the draw the store keeps: stored {recomputed}, in the "
        "file {recorded}.",
    ),
    "roster.verify.more_differ": ("另有 {count} 处不同。", "{count} more fields differ."),
    "roster.summary.written": ("  已写入：{files}", "  written: {files}"),
    "roster.summary.recorded": (
        "已记录 {count} 条检查结果。",
        "Recorded {count} inspection outcomes.",
    ),
}
