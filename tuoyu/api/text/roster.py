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
        "{institution_id} {name} 的整改复查应于 {due} 前完成，早于本月且尚无复查记录；"
        "安排在本月最初几个工作日。",
        "Follow-up of {institution_id} {name} was due by {due}, before this month, and no "
        "follow-up is recorded; it is put on the first working days of the month.",
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
        "本年度已实地检查的在营机构（截至本月末；按均匀进度，12月末全覆盖）",
        "active institutions on site this year by the month's end (at an even pace: all by "
        "the end of December)",
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
    "roster.replan_needs_reason": (
        "{month} 的排班已经发布，且本月 {date} 之前没有录入任何检查结果：从该日重新安排等于"
        "重新抽取，须说明理由（--redraw-reason 文字）。",
        "The roster of {month} is published and no outcome was recorded in the month "
        "before {date}: re-planning from that date redraws it and needs a reason "
        "(--redraw-reason TEXT).",
    ),
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
        "本月检查全部结束后，本局公开完整的抽取记录：在浏览器中打开公开页即可自动核验（无需联网，"
        "无需安装任何工具）。请保存本公告中的承诺值和封存值，届时与公开页显示的数值比对；"
        "承诺之后才产生的公开随机数（drand 随机信标或彩票开奖号码）决定抽取结果，任何人都无法事先选择。",
        "Once every inspection of the month is done, the office reveals the whole draw record: "
        "open the revealed page in a browser and it checks itself (offline, nothing to "
        "install). Keep the commitment and the sealed hash of this notice and compare them "
        "then; public randomness that came after the commitment (a drand beacon round or a "
        "lottery draw) decided the draw, so nobody could choose it.",
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
    "roster.notice.published_at": ("发布时间", "published"),
    "roster.notice.seed": ("随机种子", "seed"),
    "roster.notice.inspections": ("检查次数", "inspections"),
    "roster.notice.drawn": ("随机抽取机构数", "institutions drawn at random"),
    "roster.notice.record_fingerprint": ("抽取记录指纹", "record fingerprint"),
    "roster.notice.tables_fingerprint": ("数据集指纹", "dataset fingerprint"),
    "roster.notice.history_fingerprint": ("历史检查指纹", "history fingerprint"),
    "roster.notice.result_fingerprint": ("排班结果指纹", "roster fingerprint"),
    "roster.notice.redraw_reason": ("重新抽取理由", "reason for redrawing"),
    "roster.notice.created_at": ("抽取时间", "drawn at"),
    "roster.notice.draw": ("第几次", "draw"),
    "roster.notice.time": ("时间", "time"),
    "roster.notice.fingerprint": ("指纹", "fingerprint"),
    "roster.notice.item": ("项目", "item"),
    "roster.notice.value": ("内容", "value"),
    # re-planning a month from a date
    "roster.replan.kept": (
        "自 {date} 起重新安排：保留此前 {count} 次检查不变，之后已排定的 {replanned} 次逐一核对"
        "（仍符合规则的原样保留），新增 {added} 次整改复查。",
        "Re-planned from {date}: {count} earlier inspections kept as they were, {replanned} "
        "later ones checked (those that still meet every rule stay as they were), {added} "
        "follow-ups added.",
    ),
    "roster.replan.added": (
        "新增整改复查：{institution_id} 安排在 {date}（须于 {due} 前）。",
        "Follow-up added: {institution_id} on {date} (due by {due}).",
    ),
    "roster.replan.moved": (
        "{institution_id} 由 {old_date}（{old_team}）调整为 {date}（{team}）。",
        "{institution_id} moved from {old_date} ({old_team}) to {date} ({team}).",
    ),
    "roster.replan.not_whole_optimum": (
        "保留的 {kept} 次检查固定不动，其余检查围绕它们安排；围绕安排的部分各自求优，"
        "整份排班不声称已证明最优（重新安排以不动已排定的检查为先）。",
        "The {kept} kept inspections stay fixed and the others are planned around them; "
        "that part is solved on its own, so the roster as a whole claims no proven optimum "
        "(a re-plan keeps what is already on the roster first).",
    ),
    "roster.replan.keeping_first": (
        "重新安排以原样保留已排定的检查为先：全部保留即是满足这一目标的唯一排班，"
        "最优与下界均指这一前提下的排班。",
        "A re-plan keeps what is already on the roster first: keeping every inspection is "
        "the one roster that does; optimum and bound are meant under that rule.",
    ),
    "roster.replan.unchanged": (
        "之后已排定的检查中 {count} 次原样保留（日期与检查组不变），另安排 {planned} 次。",
        "Of the later inspections already on the roster, {count} stay exactly as they were "
        "(same day, same team); {planned} planned around them.",
    ),
    "roster.replan.released": (
        "为安排新增或须调整的检查，原排定的 {count} 次检查须让出日期或人员；其余 {kept} 次原样保留"
        "（已证明无法保留更多）。",
        "To make room for the new or moved visits, {count} stored inspections give up their "
        "day or team; the other {kept} stay as they were (proven the most that can stay).",
    ),
    "roster.replan.released_unproven": (
        "为安排新增或须调整的检查，原排定的 {count} 次检查须让出日期或人员；其余 {kept} 次原样保留"
        "（未能在时限内证明这是可保留的最多次数）。",
        "To make room for the new or moved visits, {count} stored inspections give up their "
        "day or team; the other {kept} stay as they were (not proven, within the time "
        "limit, the most that can stay).",
    ),
    "roster.replan.released_all": (
        "其余检查无法围绕原样保留的 {count} 次安排，之后的全部检查已重新安排。",
        "The other visits could not be planned around the {count} kept ones: every later "
        "inspection was planned again.",
    ),
    "roster.replan.why.day": (
        "原因：{institution_id} 原定的 {date} 已不是工作日。",
        "Why: {date}, the day of {institution_id}, is no longer a working day.",
    ),
    "roster.replan.why.leave": (
        "原因：检查员 {inspector_id} 在 {date} 不在岗（休假或已不在名册）。",
        "Why: inspector {inspector_id} is not at work on {date} (leave, or no longer listed).",
    ),
    "roster.replan.why.recusal": (
        "原因：检查员 {inspector_id} 与 {institution_id} 存在利益冲突，须回避。",
        "Why: inspector {inspector_id} has a conflict of interest with {institution_id}.",
    ),
    "roster.replan.why.team": (
        "原因：原检查组 {size} 人，不符合检查组人数规定。",
        "Why: the team of {size} no longer meets the team size rule.",
    ),
    "roster.replan.why.skills": (
        "原因：原检查组已不涵盖安全与卫生专长。",
        "Why: the team no longer covers the required skills.",
    ),
    "roster.replan.why.departments": (
        "原因：原检查组已不来自两个部门（联合检查）。",
        "Why: the team no longer draws on two departments (joint inspection).",
    ),
    "roster.replan.why.deadline": (
        "原因：原定 {date} 晚于整改复查期限 {due}。",
        "Why: {date} is after the follow-up's due date {due}.",
    ),
    "roster.replan.why.opening": (
        "原因：原定 {date} 早于机构开业日 {opens}。",
        "Why: {date} is before the institution opens on {opens}.",
    ),
    "roster.replan.why.daily": (
        "原因：检查员 {inspector_id} 当日检查次数将超过每日上限。",
        "Why: inspector {inspector_id} would be over the daily limit that day.",
    ),
    "roster.replan.why.monthly": (
        "原因：检查员 {inspector_id} 本月检查次数将超过每月上限。",
        "Why: inspector {inspector_id} would be over the monthly limit.",
    ),
    "roster.replan.why.follow_up": (
        "原因：{institution_id} 有新的整改复查，按复查期限重新安排。",
        "Why: {institution_id} has a new follow-up, planned by its due date.",
    ),
    "roster.replan.why.released": (
        "原因：为安排新增或须调整的检查，须让出日期或人员。",
        "Why: it gives up its day or team to make room for the new or moved visits.",
    ),
    "roster.replan.why.closed": (
        "{institution_id} 已停业，原定 {date} 的检查取消。",
        "{institution_id} has closed: its inspection on {date} is dropped.",
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
    "roster.outcomes_busy": (
        "另一次录入正在保存本数据集的检查结果，等待 {seconds} 秒后仍未轮到本次录入："
        "本次什么也没有记录，请稍后再录入一次（同一次上门只保留最后录入的结果）。",
        "Another upload of outcomes was being stored and this one did not get its turn "
        "within {seconds} s: nothing of it was recorded; upload it again later (a visit "
        "keeps the outcome recorded last).",
    ),
    "roster.summary.recorded": (
        "已记录 {count} 条检查结果。",
        "Recorded {count} inspection outcomes.",
    ),
    # verify: the files given and the store against the record
    "roster.verify.checked": ("已对照抽取记录核验：{files}。", "Checked against the record: {files}."),
    "roster.verify.unchecked": (
        "未能核验：{files}（无从与记录比对，或是供人阅读的说明）。",
        "Not checked: {files} (nothing to compare with the record, or a summary for people).",
    ),
    "roster.verify.file_differs.missing": (
        "{file} 缺少记录中的检查：{date} {institution_id}（{inspector_ids}）。",
        "{file} lacks a visit of the record: {date} {institution_id} ({inspector_ids}).",
    ),
    "roster.verify.file_differs.extra": (
        "{file} 中有记录之外的检查：{date} {institution_id}（{inspector_ids}）。",
        "{file} has a visit the record does not: {date} {institution_id} ({inspector_ids}).",
    ),
    "roster.verify.file_unreadable": ("无法读取 {file}：{reason}", "Cannot read {file}: {reason}"),
    "roster.verify.more_formulas": (
        "{file} 另有 {count} 个单元格同样是没有计算出值的公式。",
        "{file} has {count} more cells holding a formula without a computed value.",
    ),
    "roster.verify.store_visits_differ.missing": (
        "库中第 {draw} 次抽取的检查缺少记录中的：{date} {institution_id}（{inspector_ids}）。",
        "The store's visits of draw {draw} lack one of the record: {date} {institution_id} "
        "({inspector_ids}).",
    ),
    "roster.verify.store_visits_differ.extra": (
        "库中第 {draw} 次抽取的检查有记录之外的：{date} {institution_id}（{inspector_ids}）。",
        "The store's visits of draw {draw} include one the record does not: {date} "
        "{institution_id} ({inspector_ids}).",
    ),
    "roster.verify.not_in_store": (
        "本库没有 {month} 的任何抽取记录：无法确认这份记录是本库的抽取。",
        "This store holds no draw of {month}: the record cannot be confirmed as one of its draws.",
    ),
    "roster.verify.not_this_store": (
        "本库没有保存这份记录；本库 {month} 的抽取为：{draws}。",
        "This store does not hold this record; its draws of {month} are: {draws}.",
    ),
    "roster.verify.store_record_changed": (
        "库中 {month} 第 {draw} 次抽取的记录在保存后被改动过（与其指纹不符）。",
        "The store's record of draw {draw} of {month} was changed after it was stored (it "
        "no longer has its fingerprint).",
    ),
    # the official draw's cycle: commit, seed, seal, reveal (issue 19)
    "draw.source_kind": ("未知的随机来源：{kind}（应为 drand 或 lottery）。",
                         "Unknown seed source: {kind} (expected drand or lottery)."),
    "draw.lottery_name": ("彩票开奖的名称缺失或过长。", "The lottery's name is missing or too long."),
    "draw.lottery_date": ("彩票开奖日期缺失或不是日期：应为承诺之后的一天，如 2027-02-25。",
                          "The lottery draw's date is missing or not a date: a day after the "
                          "commitment, e.g. 2027-02-25."),
    "draw.lottery_too_early": (
        "彩票开奖日 {date} 不在承诺日 {committed} 之后：随机来源必须在承诺之后才产生。",
        "The lottery draw of {date} is not after the commitment ({committed}): the seed "
        "source must come after the commitment.",
    ),
    "draw.lottery_not_yet": ("{date} 的彩票尚未开奖。", "The lottery draw of {date} has not been held yet."),
    "draw.lottery_numbers": ("开奖号码应为一组数字（以空格或逗号分隔）。",
                             "The lottery numbers should be numbers separated by spaces or commas."),
    "draw.drand_field": ("drand 轮次的字段 {field} 无效（应为 {size} 字节的十六进制）。",
                         "The drand round's field {field} is not valid ({size} bytes of hex)."),
    "draw.drand_chain": ("承诺指定的 drand 链 {chain}… 不是本程序认识的链。",
                         "The drand chain {chain}… named by the commitment is not one tuoyu knows."),
    "draw.drand_scheme": ("不支持的 drand 签名方案：{scheme}。", "Unsupported drand scheme: {scheme}."),
    "draw.drand_before_commitment": (
        "drand 第 {round} 轮产生于 {time}，早于承诺时间 {committed}：承诺之前已公开的随机数不能作种子。",
        "drand round {round} was produced at {time}, before the commitment at {committed}: "
        "randomness public before the commitment cannot be the seed.",
    ),
    "draw.drand_wrong_round": ("这是第 {round} 轮；承诺指定的是第 {named} 轮。",
                               "This is round {round}; the commitment named round {named}."),
    "draw.drand_randomness": ("drand 第 {round} 轮的随机数不是其签名的哈希：内容被改动过。",
                              "The randomness of drand round {round} is not the hash of its "
                              "signature: it was changed."),
    "draw.drand_signature": ("drand 第 {round} 轮的 BLS 签名不是链 {chain}… 的签名：内容被改动过或并非该链。",
                             "The BLS signature of drand round {round} is not chain {chain}…'s: "
                             "it was changed or is from another chain."),
    "roster.commit_conflict": (
        "保存 {month} 的承诺时，另一次承诺已先保存（同时提交了两次）；本次承诺未保存，先保存的那次"
        "有效。请查看该月状态；如仍需再次承诺，须说明理由。",
        "While this commitment of {month} was being stored another one of the month was "
        "stored first (two requests at once); this one is not stored, the first stands. "
        "Look at the month's state; committing again needs a reason.",
    ),
    "roster.commit_needs_reason": (
        "{month} 已有 {count} 次承诺（或已发布）：再次承诺须说明理由（--reason 文字），此前的承诺仍保留在记录中。",
        "{month} already has {count} commitment(s) (or is published): committing again needs "
        "a reason (--reason TEXT); the earlier ones stay on the record.",
    ),
    "roster.no_commitment": ("{month} 还没有承诺：先承诺（tuoyu roster commit），再给出随机来源。",
                             "{month} has no commitment: commit first (tuoyu roster commit), "
                             "then give the seed source."),
    "roster.already_seeded": ("{month} 的第 {seq} 次承诺已有种子：一次承诺只取一次随机来源。",
                              "Commitment {seq} of {month} has its seed: one source value a "
                              "commitment."),
    "roster.not_seeded": (
        "{month} 已承诺（第 {seq} 次）但尚未给出随机来源：先给出 drand 轮次或彩票号码（tuoyu roster seed），"
        "或用 --seed 做草稿（非正式）。",
        "{month} is committed (commitment {seq}) but its seed source is not given yet: give "
        "the drand round or the lottery numbers first (tuoyu roster seed), or draw a draft "
        "with --seed (not official).",
    ),
    "roster.inputs_changed": (
        "{month} 承诺之后抽取的输入已改变（{fields}）：须重新承诺并说明理由。",
        "The draw's inputs of {month} changed since the commitment ({fields}): commit again "
        "with a reason.",
    ),
    "roster.month_not_done": ("{month} 尚未结束（今天 {today}）：月份结束后才能公开抽取记录。",
                              "{month} is not over (today {today}): the draw is revealed once "
                              "the month is done."),
    "roster.reveal_nothing": ("{month} 没有已发布的排班可公开。", "{month} has no published roster to reveal."),
    "roster.verify.commitment_changed": (
        "记录中的承诺输入与承诺哈希 {commitment} 不符：输入在承诺后被改动过。",
        "The committed inputs in the record do not hash to the commitment {commitment}: they "
        "were changed after the commitment.",
    ),
    "roster.verify.not_committed": ("记录中的 {field} 不是承诺时的 {field}。",
                                    "The record's {field} is not the committed {field}."),
    "roster.verify.seed_not_derived": (
        "种子 {seed} 不是由承诺和随机来源导出的（应为 {derived}）。",
        "The seed {seed} is not the one derived from the commitment and the source ({derived}).",
    ),
    "roster.verify.chain_record_changed": (
        "{month} 第 {draw} 次抽取的封存记录在封存后被改动过（与其哈希不符）。",
        "The sealed record of {month} draw {draw} was changed after it was sealed (it no "
        "longer has its hash).",
    ),
    "roster.verify.chain_broken": (
        "链条断开：{month} 第 {draw} 次抽取的封存记录所记的上一条记录不是 {previous_month} 的记录。",
        "The chain is broken: the sealed record of {month} draw {draw} does not name the "
        "record of {previous_month} as its previous one.",
    ),
    "roster.verify.sealed_not_in_chain": (
        "封存记录 {hash} 不在本库 {month} 的链条中。",
        "The sealed record {hash} is not in this store's chain for {month}.",
    ),
    "roster.verify.official": ("正式抽取：种子来自承诺之后的公开随机来源。",
                               "Official draw: the seed comes from a public source after the commitment."),
    "roster.verify.not_official": ("非正式抽取：种子由人给出（草稿或测试），不能作为正式抽取发布。",
                                   "Not an official draw: its seed was given by hand (a draft or "
                                   "test) and it can never be published as official."),
    "roster.summary.committed": (
        "{month} 的第 {seq} 次承诺：{commitment}（{created_at}）。随机来源：{source}。"
        "请在抽查公告中公布此承诺。",
        "Commitment {seq} of {month}: {commitment} ({created_at}). Seed source: {source}. "
        "Publish it in the pre-announcement.",
    ),
    "roster.summary.seeded": (
        "{month} 第 {seq} 次承诺的随机来源已核验：{source}。现在可以正式抽取（tuoyu roster --month {month}）。",
        "The seed source of commitment {seq} of {month} is checked: {source}. Draw the "
        "official roster now (tuoyu roster --month {month}).",
    ),
    "roster.summary.sealed": (
        "已封存：公众只看到封存记录的哈希 {hash}；月份结束后公开（tuoyu roster reveal）。",
        "Sealed: the public sees only the sealed record's hash {hash}; reveal it once the "
        "month is over (tuoyu roster reveal).",
    ),
    "roster.summary.revealed": (
        "{month} 的抽取记录已公开（{revealed_at}）；封存哈希 {sealed_hash}。",
        "The draw of {month} is revealed ({revealed_at}); sealed hash {sealed_hash}.",
    ),
    "roster.source.drand": (
        "drand 随机信标（League of Entropy，链 {chain}…）第 {round} 轮，产生于 {time}",
        "drand beacon (League of Entropy, chain {chain}…) round {round}, produced at {time}",
    ),
    "roster.source.lottery": ("{name} {date} 开奖号码", "{name}: the numbers drawn on {date}"),
    # the public notices (announcement, results, revealed)
    "roster.notice.title_announcement": ("{month} 托育机构“双随机、一公开”抽查公告",
                                         "{month} childcare inspections: announcement (双随机)"),
    "roster.notice.title_results": ("{month} 托育机构抽查结果公示", "{month} childcare inspections: results"),
    "roster.notice.title_revealed": ("{month} 托育机构抽查记录公开", "{month} childcare inspections: the draw revealed"),
    "roster.notice.matters_head": ("抽查事项清单", "Matters inspected"),
    "roster.notice.matter": ("抽查事项", "matter"),
    "roster.notice.matter_what": ("检查内容", "what is checked"),
    "roster.notice.institutions_head": ("检查对象名录库（在营托育机构）", "Directory of institutions (active)"),
    "roster.notice.kind": ("类型", "kind"),
    "roster.notice.inspectors_head": ("执法检查人员名录库", "Directory of inspectors"),
    "roster.notice.inspector": ("姓名", "name"),
    "roster.notice.department": ("部门", "department"),
    "roster.notice.ratio_head": ("抽查比例与频次", "Ratio and frequency"),
    "roster.notice.ratio": ("每月随机抽取在营机构的 {share}%（{active} 家中约 {count} 家），另加整改复查、"
                            "高风险机构和年度全覆盖安排。",
                            "Each month {share}% of the active institutions are drawn at random "
                            "(about {count} of {active}), besides follow-ups, high-risk "
                            "institutions and the year's coverage."),
    "roster.notice.ratio_unknown": ("本月尚未承诺抽取比例。", "The month's ratio is not committed yet."),
    "roster.notice.frequency": ("每月一次；每家在营机构每年至少实地检查一次。",
                                "Monthly; every active institution is on site at least once a year."),
    "roster.notice.method_head": ("抽查方式（细则）", "Method"),
    "roster.notice.method": (
        "先公布承诺值（抽取所用全部输入的 SHA-256）；随机数取自承诺之后才产生的公开来源（drand 随机信标的指定轮次，"
        "或指定日期的彩票开奖号码），种子为承诺值与该随机数的哈希；按种子对每家候选机构计算随机键，"
        "按权重抽取随机键最大的机构；检查组从当天在岗、无利益冲突的人员中按种子随机选定，至少两人、"
        "覆盖安全与卫生、来自两个部门。检查不事先告知；月份结束后公开完整记录。",
        "First the commitment (SHA-256 of every input of the draw) is published; the randomness "
        "comes from a public source that exists only after it (a named drand beacon round, or a "
        "lottery's numbers on a named date), and the seed is a hash of the commitment and that "
        "randomness; each candidate institution gets a random key from the seed and the ones "
        "with the largest weighted keys are drawn; teams are chosen by the seed among "
        "inspectors on duty without a conflict of interest: at least two, covering safety and "
        "hygiene, from two departments. Inspections are unannounced; the whole record is "
        "revealed once the month is over.",
    ),
    "roster.notice.commitment_head": ("承诺", "Commitment"),
    "roster.notice.seq": ("第几次", "no."),
    "roster.notice.commitment": ("承诺值", "commitment"),
    "roster.notice.committed_at": ("承诺时间", "committed at"),
    "roster.notice.source": ("随机来源", "seed source"),
    "roster.notice.commit_reason": ("再次承诺的理由", "reason for committing again"),
    "roster.notice.seed_state": ("随机来源状态", "seed"),
    "roster.notice.seeded": ("已取得并核验", "given and checked"),
    "roster.notice.not_seeded": ("尚未产生或尚未录入", "not yet"),
    "roster.notice.no_commitment": ("本月尚未承诺。", "The month is not committed yet."),
    "roster.notice.cycle_head": ("进度", "Where the month stands"),
    "roster.notice.step": ("当前环节", "step"),
    "roster.notice.sealed_hash": ("封存值（封存记录的 SHA-256）", "sealed hash (SHA-256 of the sealed record)"),
    "roster.notice.sealed_at": ("封存时间", "sealed at"),
    "roster.notice.revealed_at": ("公开时间", "revealed at"),
    "roster.notice.results_head": ("抽查结果", "Results"),
    "roster.notice.matters": ("检查事项", "matters"),
    "roster.notice.follow_up": ("后续处理", "follow-up"),
    "roster.notice.public_by": ("公示期限", "public by"),
    "roster.notice.follow_none": ("无", "none"),
    "roster.notice.follow_rectify": ("责令限期整改，{due} 前复查", "ordered to rectify; re-inspected by {due}"),
    "roster.notice.follow_fail": ("依法查处，{due} 前复查", "penalty proceedings; re-inspected by {due}"),
    "roster.notice.no_results": ("本月尚无已录入的检查结果。", "No result of the month is recorded yet."),
    "roster.notice.results_note_head": ("说明", "Note"),
    "roster.notice.results_note": (
        "每次检查的结果自检查之日起 {days} 个工作日内公示；尚未进行的检查不在此列，也不事先公布。",
        "Each inspection's result is public within {days} working days of it; inspections "
        "not yet made are not listed and never announced.",
    ),
    "roster.notice.official": ("正式抽取", "official draw"),
    "roster.notice.yes": ("是（种子来自承诺之后的公开随机来源）", "yes (seed from a public source after the commitment)"),
    "roster.notice.not_official": ("否（种子由人给出，仅供草稿或测试）", "no (a seed given by hand: a draft or test)"),
    "roster.notice.check_head": ("自动核验", "The page's own check"),
    "roster.notice.sealed_record": ("封存记录（原文）", "The sealed record (as hashed)"),
    "roster.notice.committed_inputs": ("承诺的输入（原文）", "The committed inputs (as hashed)"),
    "roster.notice.sealed_record_withheld": (
        "封存记录（已隐去服务器文件夹路径）",
        "The sealed record (its server folder withheld)"),
    "roster.notice.withheld_head": ("关于封存记录的说明", "About the sealed record"),
    "roster.notice.withheld": (
        "此记录封存于 2026 年 12 月 7 日之前，其中写有生成时所用的服务器文件夹路径"
        "（inputs.data_dir，可能含个人姓名），公开时已隐去（写作“（已隐去）”），其余内容与封存时"
        "相同。封存值是对封存原文逐字计算的 SHA-256，隐去之后本页无法重算。核对方法：(1) "
        "承诺值照常由本页核对，承诺的输入不含文件夹；(2) 抽取结果由承诺的输入和公开随机数"
        "唯一决定，可用 tuoyu roster verify 重算；(3) 封存值可向发布机关依申请查阅封存原文，"
        "用任一 SHA-256 工具计算后与此前公告的封存值比对；其后一份封存记录也载有本记录的"
        "封存值（链）。",
        "This record was sealed before 7 December 2026 and names the server folder it was "
        "drawn from (inputs.data_dir, which may hold a person's name): that folder is "
        "withheld here (written as “（已隐去）”); everything else is as sealed. The sealed "
        "hash is the SHA-256 of the sealed text byte for byte, so this page cannot recompute "
        "it once something is withheld. To check: (1) the commitment is checked here as "
        "always (the committed inputs name no folder); (2) the roster follows from the "
        "committed inputs and the public randomness alone (tuoyu roster verify recomputes "
        "it); (3) ask the office for the sealed text (依申请公开) and compare its SHA-256 with "
        "the sealed hash published before; the next sealed record also carries this "
        "record's hash (the chain)."),
    "roster.notice.check_running": ("正在核验……（需要浏览器支持 Web Crypto）",
                                    "Checking… (needs a browser with Web Crypto)"),
    "roster.notice.check_sealed_ok": ("封存记录与封存值一致。", "The sealed record matches the sealed hash."),
    "roster.notice.check_sealed_bad": ("封存记录与封存值不一致：记录被改动过！",
                                       "The sealed record does NOT match the sealed hash: it was changed!"),
    "roster.notice.check_commit_ok": ("承诺的输入与承诺值一致。", "The committed inputs match the commitment."),
    "roster.notice.check_commit_bad": ("承诺的输入与承诺值不一致：输入被改动过！",
                                       "The committed inputs do NOT match the commitment: they were changed!"),
    "roster.notice.check_compare": ("请再与此前公告中的承诺值和封存值比对。",
                                    "Compare both with the ones published before."),
    "roster.notice.check_nocrypto": ("此浏览器无法核验（不支持 Web Crypto）。",
                                     "This browser cannot check (no Web Crypto)."),
    "roster.notice.check_sealed_withheld": (
        "封存记录隐去了服务器文件夹路径，本页无法重算封存值（见“关于封存记录的说明”）。",
        "The sealed record's server folder is withheld: this page cannot recompute the "
        "sealed hash (see “About the sealed record”)."),
    "roster.notice.empty": ("（无内容）", "(empty)"),
    "roster.notice.text_sheet": ("说明", "Notes"),
    "roster.notice.text_item": ("事项", "Item"),
    "roster.notice.text_body": ("内容", "Text"),
    "roster.notice_sealed": ("{month} 的抽取记录尚未公开：月份结束并公开（tuoyu roster reveal）后才能查看每次检查的日期和人员。",
                             "The draw of {month} is not revealed: each inspection's date and team "
                             "are shown once the month is over and revealed (tuoyu roster reveal)."),
    "roster.matter.safety": ("安全防控", "safety"),
    "roster.matter.hygiene": ("卫生保健", "health care and hygiene"),
    "roster.matter.fire": ("消防安全", "fire safety"),
    "roster.matter.food": ("食品安全", "food safety"),
    "roster.matter_what.safety": ("安全管理制度、设施设备、监控、应急处置", "safety rules, equipment, surveillance, emergencies"),
    "roster.matter_what.hygiene": ("卫生保健制度、晨午检、消毒、传染病防控", "health-care rules, daily checks, disinfection, infection control"),
    "roster.matter_what.fire": ("消防设施、疏散通道、演练", "fire equipment, escape routes, drills"),
    "roster.matter_what.food": ("食品采购、加工、留样", "food purchase, preparation, samples kept"),
    "roster.step.none": ("尚未开始（先承诺）", "not started (commit first)"),
    "roster.step.committed": ("已承诺，等待随机来源", "committed, waiting for the seed source"),
    "roster.step.seeded": ("已取得随机来源，可以正式抽取", "seeded: the official draw can be made"),
    "roster.step.drawn": ("已抽取（草稿），尚未发给检查人员", "drawn (a draft), not yet given to the inspectors"),
    "roster.step.published": ("已发布（非正式抽取，未封存）", "published (not official, not sealed)"),
    "roster.step.sealed": ("已封存并发给检查人员；公众只看到封存值", "sealed and given to the inspectors; the public sees only its hash"),
    "roster.step.revealed": ("已公开", "revealed"),
}


def source_text(source: dict, lang: str = "zh") -> str:
    """A seed source in words (which drand round, which lottery draw), so that anyone can
    look it up."""
    from tuoyu.api.text import local_time, message

    if source.get("kind") == "drand":
        return message("roster.source.drand", {
            "chain": str(source.get("chain", {}).get("hash", ""))[:16],
            "round": str(source.get("round")),
            "time": local_time(source.get("round_time"), lang)},  # type: ignore[arg-type]
            lang)  # type: ignore[arg-type]
    if source.get("kind") == "lottery":
        return message("roster.source.lottery", {"name": source.get("name"),
                                                  "date": source.get("date")}, lang)  # type: ignore[arg-type]
    return "—"
