"""Messages of the home-visit planner: findings, clashes, soft goals and targets, by code.
Families are named by their pseudonymous id only."""

MESSAGES: dict[str, tuple[str, str]] = {
    "visits.name": ("新生儿家庭上门指导", "Home guidance visits"),  # the planner's name
    "cli.help.visits.week": ("要规划的一周：周一的日期，如 2027-03-01。",
                             "The week to plan: its Monday, e.g. 2027-03-01."),
    "cli.help.visits.from": ("从该日起重新安排；之前的上门保持不变（--previous 或 --out 中的 "
                             "visits.csv）。", "Re-plan from this date; the earlier plan's "
                             "visits before it are kept (--previous, or visits.csv in --out)."),
    "cli.help.visits.previous": ("上一版计划的 visits.csv。", "The earlier plan's visits.csv."),
    "cli.help.visits.sessions": ("指导活动日历的 sessions.csv（人员被占用的半天；默认：数据集中的 "
                                 "sessions.csv）。", "The session calendar's sessions.csv "
                                 "(staff half-days taken; default: the dataset's own)."),
    "cli.help.visits.iterations": ("路线搜索的迭代次数（不是秒数：结果不随机器负载变化）。",
                                   "Routing iterations (not seconds: the plan does not "
                                   "change with load)."),
    "cli.help.visits.time_limit": ("路线搜索的工作量预算，以秒计（计数的工作，每秒约 40 万"
                                   "次户·迭代：方案不随机器负载变化；不超过 --iterations，"
                                   "预算不足时方案会说明；--time-limit 是它的旧名）。墙钟上限用 --wall-limit。",
                                   "Work budget of the routing search, in seconds (counted "
                                   "work, about 400,000 client-iterations a second: the plan "
                                   "does not change with load; never more than --iterations, "
                                   "and the plan says when the budget gave fewer; --time-limit "
                                   "is its old name). For a wall-clock ceiling, --wall-limit."),
    "cli.help.visits.seed": ("路线搜索的随机种子。", "Seed of the routing search."),
    "cli.help.visits.window_days": ("登记后多少天内须上门。", "A visit falls within this many "
                                    "days after registration."),
    "cli.help.visits.visit_minutes": ("每次上门的时长（分钟）。", "Length of a visit, minutes."),
    "cli.help.visits.no_pairs": ("每户只派一人（第一项需求的专业）。", "One person per visit, "
                                 "of the first need's discipline."),
    "cli.help.visits.speed": ("路上的速度（公里/小时）。", "Travel speed, km/h."),
    "cli.help.visits.far_minutes": ("离上门小组驻点这么多分钟或更远的上门，逐次说明为何不由更近的"
                                    "小组去。", "A visit this many minutes or more from its "
                                    "team's base says why no nearer team makes it."),
    "cli.help.forget.data": ("要删除其家庭数据的数据文件夹。", "Dataset folder whose families "
                             "are deleted."),
    "cli.help.forget.dataset": ("服务中保存的数据集编号（TUOYU_HOME）。", "Id of a dataset "
                                "stored by the service (in TUOYU_HOME)."),
    "cli.forget.no_dataset": ("没有数据集 {dataset}", "no dataset {dataset}"),
    "cli.forget.no_folder": ("请给出 --data 或 --dataset", "give --data or --dataset"),
    "cli.forget.not_confirmed": ("未删除任何内容：确认请加 --yes", "nothing deleted: add --yes"),
    "cli.forget.meanwhile": (
        "规划期间该数据集的新生儿家庭已被删除（tuoyu forget-families）：刚写出的上门计划已随之删除，"
        "不留副本",
        "the dataset's families were deleted while the plan was made (tuoyu forget-families): "
        "the home-visit plan just written was deleted with them, no copy kept",
    ),
    "cli.forget.done": ("已删除：家庭表 {files} 个，上门计划 {jobs} 个，输出文件夹 {folders} 个",
                        "deleted: {files} family tables, {jobs} visit plans, {folders} output "
                        "folders"),
    "cli.help.forget.yes": ("确认删除（不加则什么也不删）。", "Do it (without it nothing is "
                            "deleted)."),
    "scorecard.visits_within_window": ("有需求的新生儿家庭在期限内上门的比例",
                                       "asking newborn families visited within their window"),
    "scorecard.source.visits_within_window": (
        "新生儿家庭表：当年上门期限已到的家庭中，在期限内（登记后 28 天内）已上门的户数。",
        "The families table: of the families whose window ended in the year so far, those "
        "visited within it (28 days after registration)."),
    "scorecard.missing.visit_tables": ("数据集缺少上门指导所需的表", "the dataset lacks the "
                                       "home visits' tables"),
    "scorecard.missing.families": ("没有新生儿家庭表", "no families table"),
    "scorecard.missing.families_year": ("当年还没有到期的上门", "no visit window has ended "
                                        "in the year yet"),
    "cli.option.week": ("要规划的一周（周一的日期，如 2027-03-01）",
                        "the week to plan (its Monday, e.g. 2027-03-01)"),
    "input.kind.half_days": ("可上门时段，如 周一上午;周三下午;周六（或 Mon AM;Wed PM;Sat）",
                             "half-days like Mon AM;Wed PM;Sat (or 周一上午;周三下午)"),
    "visits.heuristic": (
        "路线由启发式搜索求解（迭代 {iterations} 次，种子 {seed}）：不保证最优；"
        "可证明的下界为 {bound}。",
        "Routes by PyVRP's heuristic search ({iterations} iterations, seed {seed}): not "
        "proven optimal; the proven lower bound is {bound}.",
    ),
    "visits.work_budget": (
        "求解时限 {seconds} 秒折合的工作量只够路线搜索迭代 {iterations} 次（设定 {asked} 次）："
        "按工作量计数而非计时，同一请求在任何负载下得到相同路线；要搜索更久，请加大求解时限。",
        "The solver's time limit ({seconds} s) pays for {iterations} of the {asked} "
        "iterations of the routing search on this week: work counted, not timed, so the "
        "same request gives the same routes under any load; raise the time limit "
        "(time_limit) to search longer.",
    ),
    "visits.pairs_formed": (
        "本周有 {families} 户需要两个专业，已预先组成 {pairs} 个两人小组。",
        "{families} families this week need two disciplines; {pairs} two-person teams "
        "were formed for the week.",
    ),
    "visits.needs_beyond_team": (
        "家庭 {family_id} 需要 {needs}，上门小组只覆盖 {covered}。",
        "Family {family_id} needs {needs}; the visiting team covers {covered}.",
    ),
    "visits.family_no_slot": (
        "家庭 {family_id} 无法上门：在其可上门时段内（{first} 至 {last}）没有同时空闲的 {needs} "
        "专业人员。",
        "Family {family_id} cannot be visited: on none of its half-days within its window "
        "({first} to {last}) are staff of {needs} free together.",
    ),
    "visits.discipline_short": (
        "{week} 这一周 {discipline} 专业人手不足：截至 {by} 需上门 {demand} 户，"
        "该专业人员最多可上门 {capacity} 户，缺 {short} 户。",
        "Week of {week}: {discipline} is short: {demand} families due by {by} need it, its "
        "staff can make at most {capacity} visits by then: {short} short.",
    ),
    "visits.due_not_fitted": (
        "家庭 {family_id}（需要 {needs}，最迟 {last}）本周未排入路线；未能证明无解，"
        "可增加迭代次数或人员。",
        "Family {family_id} (needs {needs}, due by {last}) is not in this week's routes; "
        "no proof that it cannot be: try more iterations or more staff.",
    ),
    "visits.later.no_half_day": (
        "家庭 {family_id}（需要 {needs}）本周未安排：本周没有它可上门的半天（其上门期限 {first} 起）。"
        "最迟 {last} 上门，须在 {due_week} 起的那一周安排。",
        "Family {family_id} (needs {needs}) is not planned this week: none of its half-days "
        "falls in this week within its window (from {first}). Due by {last}: to be planned "
        "in the week of {due_week}.",
    ),
    "visits.later.no_team": (
        "家庭 {family_id}（需要 {needs}）本周未安排：它可上门的 {halves} 个半天里，没有具备所需"
        "专业且空闲的上门人员。最迟 {last} 上门，须在 {due_week} 起的那一周安排。",
        "Family {family_id} (needs {needs}) is not planned this week: on its {halves} "
        "half-days no staff holding its needs are free. Due by {last}: to be planned in "
        "the week of {due_week}.",
    ),
    "visits.later.no_pair": (
        "家庭 {family_id}（需要 {needs}）本周未安排：它可上门的 {halves} 个半天里有空闲的所需专业"
        "人员，但本周预先组成的两人小组中没有一组当时空闲（人员已在别的小组或单独上门）。"
        "最迟 {last} 上门，须在 {due_week} 起的那一周安排。",
        "Family {family_id} (needs {needs}) is not planned this week: on its {halves} "
        "half-days staff of its disciplines are free, but none of the week's two-person "
        "teams is (they are in other teams or visit alone). Due by {last}: to be planned "
        "in the week of {due_week}.",
    ),
    "visits.later.full": (
        "家庭 {family_id}（需要 {needs}）本周未安排：在它可上门的半天能去的 {team_days} 个小组日"
        "都已达每日上门上限。最迟 {last} 上门，须在 {due_week} 起的那一周安排。",
        "Family {family_id} (needs {needs}) is not planned this week: the {team_days} "
        "team-days that could visit it on its half-days are all at their daily limit. Due "
        "by {last}: to be planned in the week of {due_week}.",
    ),
    "visits.later.no_room": (
        "家庭 {family_id}（需要 {needs}）本周未安排：在它可上门的半天能去的 {team_days} 个小组日"
        "中，{full} 个已达每日上门上限，其余在那个半天里已排不下（上门与路途占满时段）。"
        "最迟 {last} 上门，须在 {due_week} 起的那一周安排。",
        "Family {family_id} (needs {needs}) is not planned this week: of the {team_days} "
        "team-days that could visit it on its half-days, {full} are at their daily limit "
        "and the rest have no room left in that half-day (visits and travel fill it). "
        "Due by {last}: to be planned in the week of {due_week}.",
    ),
    "visits.later.costly": (
        "家庭 {family_id}（需要 {needs}）本周未安排：排入本周最少要多花 {minutes} 分钟（路途、"
        "延后和多派的人员），不少于留到以后的代价 {prize} 分钟。最迟 {last} 上门，须在 "
        "{due_week} 起的那一周安排。",
        "Family {family_id} (needs {needs}) is not planned this week: a place this week "
        "costs at least {minutes} minutes (travel, lateness, people beyond its needs), no "
        "less than leaving it to a later week ({prize}). Due by {last}: to be planned in "
        "the week of {due_week}.",
    ),
    "visits.later.not_fitted": (
        "家庭 {family_id}（需要 {needs}）本周未安排：本可排入（多花 {minutes} 分钟，少于留到以后"
        "的代价 {prize} 分钟），路线搜索未排入。最迟 {last} 上门，须在 {due_week} 起的那一周安排。",
        "Family {family_id} (needs {needs}) is not planned this week: it would fit ({minutes} "
        "minutes more, less than leaving it: {prize}), but the routing search left it out. "
        "Due by {last}: to be planned in the week of {due_week}.",
    ),
    "visits.far.summary": (
        "本周 {visits} 次上门中有 {far} 次离上门小组的驻点 "
        "{threshold} 分钟或更远，每次都说明了为何不由更近的小组去：{nearest} "
        "次它就是最近的具备所需专业的小组，{nearer_busy} 次更近的小组在该家庭可上门"
        "的半天都没空，{nearer_full} 次更近的小组那天已满，"
        "{nearer_no_room} 次更近的小组在那个半天排不下，{costly} 次改由"
        "更近的小组会使加权成本更高。每次的原因和数字见上门安排页和工作簿的“远途上门”表。",
        "{far} of the week's {visits} visits are {threshold} minutes or more from the "
        "visiting team's base, each with why no nearer team makes it: {nearest} by the "
        "nearest team holding the family's needs, {nearer_busy} with the nearer teams free on "
        "none of the family's half-days, {nearer_full} with them full that day, "
        "{nearer_no_room} with no room in that half-day, {costly} where moving it to a nearer "
        "team would raise the weighed cost. Each one's reason and figures: the visits page "
        "and the workbook's sheet 远途上门.",
    ),
    "visits.far.nearest": (
        "{date} 家庭 {family_id}（需要 {needs}）由 "
        "{staff_ids} 上门，离其驻点 {minutes} 分钟：没有比它离该家庭更近、"
        "具备所需专业的小组。",
        "{date}: family {family_id} (needs {needs}) is visited by {staff_ids}, {minutes} min "
        "from their base: no team holding its needs is based nearer to it.",
    ),
    "visits.far.nearer_busy": (
        "{date} 家庭 {family_id}（需要 {needs}）由 "
        "{staff_ids} 上门，离其驻点 {minutes} 分钟：比它更近、具备所需专业"
        "的 {nearer} 个小组（最近的离家庭 {nearest} 分钟）在该家庭可上门的 "
        "{halves} 个半天都没空（不是上门日、休假、有指导活动，或人员在别的小组）。",
        "{date}: family {family_id} (needs {needs}) is visited by {staff_ids}, {minutes} min "
        "from their base: the {nearer} nearer teams holding its needs (the nearest {nearest} "
        "min away) are free on none of its {halves} half-days (not a visit day, leave, a "
        "guidance session, or their people in other teams).",
    ),
    "visits.far.nearer_full": (
        "{date} 家庭 {family_id}（需要 {needs}）由 "
        "{staff_ids} 上门，离其驻点 {minutes} 分钟：更近、具备所需专业的小"
        "组在该家庭可上门的半天有 {team_days} 个小组日空闲，都已达每日上门上限（最近"
        "的离家庭 {nearest} 分钟）。",
        "{date}: family {family_id} (needs {needs}) is visited by {staff_ids}, {minutes} min "
        "from their base: the {team_days} team-days of nearer teams holding its needs free on "
        "its half-days are all at their daily limit (the nearest {nearest} min away).",
    ),
    "visits.far.nearer_no_room": (
        "{date} 家庭 {family_id}（需要 {needs}）由 "
        "{staff_ids} 上门，离其驻点 {minutes} 分钟：更近、具备所需专业的小"
        "组在该家庭可上门的半天有 {team_days} 个小组日空闲，其中 {full} 个已"
        "达每日上限，其余在那个半天排不下（已排的上门和路途占满时段，或回驻点超出工作时间；最近的"
        "离家庭 {nearest} 分钟）。",
        "{date}: family {family_id} (needs {needs}) is visited by {staff_ids}, {minutes} min "
        "from their base: of the {team_days} team-days of nearer teams holding its needs free "
        "on its half-days, {full} are at their daily limit and the rest have no room in that "
        "half-day (their visits and travel fill it, or the way back ends after the hours; the "
        "nearest {nearest} min away).",
    ),
    "visits.far.costly": (
        "{date} 家庭 {family_id}（需要 {needs}）由 "
        "{staff_ids} 上门，离其驻点 {minutes} 分钟：改由更近的 "
        "{other}（离家庭 {other_minutes} 分钟）于 "
        "{other_date} {other_half}上门，加权成本反而增加 "
        "{delta}（路途 {travel}，日期推后 {late_days} 天 "
        "{late}，非上次人员 {same_person}，负担均衡 "
        "{balance}，多派人员 {spare}；以分钟路途计，负数为节省）。",
        "{date}: family {family_id} (needs {needs}) is visited by {staff_ids}, {minutes} min "
        "from their base: moving it to the nearer {other} ({other_minutes} min away) on "
        "{other_date} {other_half} would raise the weighed cost by {delta} (travel {travel}, "
        "{late_days} days later {late}, someone other than the earlier visitor {same_person}, "
        "balance {balance}, people beyond its needs {spare}; in minutes of travel, negative: "
        "saved).",
    ),
    "visits.far.improvable": (
        "{date} 家庭 {family_id}（需要 {needs}）由 "
        "{staff_ids} 上门，离其驻点 {minutes} 分钟：改由更近的 "
        "{other}（离家庭 {other_minutes} 分钟）于 "
        "{other_date} {other_half}上门，加权成本可减少 "
        "{delta}（路途 {travel}，日期推后 {late_days} 天 "
        "{late}，非上次人员 {same_person}，负担均衡 "
        "{balance}，多派人员 {spare}）：方案未达局部最优，请报告此问题。",
        "{date}: family {family_id} (needs {needs}) is visited by {staff_ids}, {minutes} min "
        "from their base: moving it to the nearer {other} ({other_minutes} min away) on "
        "{other_date} {other_half} would change the weighed cost by {delta} (travel {travel}, "
        "{late_days} days later {late}, someone other than the earlier visitor {same_person}, "
        "balance {balance}, people beyond its needs {spare}): the plan is not locally "
        "optimal; please report it.",
    ),
    "visits.overdue": (
        "家庭 {family_id} 已超过上门期限（{last}）；是否已排入本周：{planned}。",
        "Family {family_id} is past its window ({last}); planned this week: {planned}.",
    ),
    "visits.goal.travel_minutes": ("路途时间（分钟）", "travel time (minutes)"),
    "visits.goal.days_after_earliest": ("晚于最早可上门日的天数", "days after the earliest "
                                        "possible date"),
    "visits.goal.early_missed": ("本周未安排的未到期家庭", "families not yet due left for "
                                 "later weeks"),
    "visits.goal.other_person": ("再次上门未由上次的人员前往的家庭", "second visits by none "
                                 "of the family's earlier visitors"),
    "visits.goal.above_fair_share": ("超出各人合理份额的上门次数（按各人本周可上门次数分摊）",
                                     "visits above each person's fair share (in proportion "
                                     "to the visits they could make this week)"),
    "visits.goal.spare_people": ("上门人员多于家庭所需专业的人次（两人小组上门只需一个专业的家庭）",
                                 "people at visits beyond the disciplines the family needs "
                                 "(a two-person team visiting a family that needs one)"),
    "visits.post_pass": (
        "路线求解后的调整：{moves} 次把家庭移到另一条路线（同一人员再次上门、负担均衡、"
        "不多派人员），"
        "加权成本由 {before} 降至 {after}。",
        "After routing: {moves} families moved to another route (the same person again, a "
        "balanced load, no person beyond a family's needs); the weighed cost fell from {before} to {after}.",
    ),
    "visits.in_parts": (
        "本周规模较大，按地域分成 {parts} 部分分别求解路线；之后把各部分未排入的家庭补入有空余"
        "的路线：补入 {inserted} 户，其中 {displaced} 户到期家庭替换了尚未到期的家庭。",
        "A large week, routed in {parts} parts by area; then the families the parts left out "
        "were inserted where a route had room: {inserted} inserted, {displaced} of them due "
        "families taking the place of families not yet due.",
    ),
    "visits.repaired": (
        "路线求解后，把未排入的家庭补入有空余的路线：补入 {inserted} 户，其中 {displaced} 户"
        "到期家庭替换了尚未到期的家庭。",
        "After routing, the families left out were inserted where a route had room: "
        "{inserted} inserted, {displaced} of them due families taking the place of families "
        "not yet due.",
    ),
    "visits.goal.load_spread": ("人员上门次数差（最多-最少，仅报告）", "visits spread between "
                                "staff (most - least, reported only)"),
    "visits.target.due_visited": ("本周到期家庭全部上门", "every family due this week "
                                  "visited"),
    "visits.target.share_within_window": ("有需求家庭在期限内上门的比例", "share of asking "
                                          "families visited within their window"),
    "visits.input.registered_before_birth": ("登记日期早于出生日期。", "the need is "
                                             "registered before the birth."),
    "visits.input.committee_street": ("居委不属于该家庭的街镇。", "the residents' committee is "
                                      "in another street."),
    "visits.input.one_coordinate": ("只填了一个坐标（经度和纬度须同时填写或都不填）。",
                                    "only one coordinate is given."),
    "visits.input.previous_row": ("上一版计划中有无效的行。", "a row of the earlier plan is "
                                  "not valid."),
    "visits.input.session_row": ("活动安排中有无效的行。", "a session row is not valid."),
    "visits.summary.head": (
        "上门指导计划：{week} 这一周；状态 {status}；目标值 {objective}，下界 {bound}；"
        "上门 {visits} 户，路线 {routes} 条，路途合计 {travel} 分钟。",
        "Home visits, week of {week}: status {status}; objective {objective}, bound "
        "{bound}; {visits} visits on {routes} routes, {travel} minutes of travel.",
    ),
}
