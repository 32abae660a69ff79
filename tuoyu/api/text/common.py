"""Messages shared by every planner: statuses, stages, the time limit."""

MESSAGES: dict[str, tuple[str, str]] = {
    # statuses (tuoyu.optimizer.solve.Status)
    "status.optimal": ("最优（已证明）", "optimal (proven)"),
    "status.feasible": ("可行（未证明最优）", "feasible (not proven optimal)"),
    "status.infeasible": ("无解（规则冲突）", "infeasible (the rules clash)"),
    "status.time_limit": ("超时未得方案", "no plan within the time limit"),
    "status.cancelled": ("已取消", "cancelled"),
    # stages of a solve (the stage parameter of a finding)
    "stage.calendar": ("排定活动日期", "dates"),
    "stage.teams": ("安排人员", "teams"),
    "stage.polish": ("局部改进", "improvement"),
    "stage.days": ("排定检查日期", "days"),
    "stage.plan": ("选址与分配", "siting"),
    "stage.baseline": ("规划前基线", "baseline"),
    "stage.explain": ("查找冲突", "finding the clash"),
    "stage.days_teams": ("排定日期与检查组", "days and teams"),
    "stage.priority": ("随机优先排序", "random priority"),
    "stage.uniqueness": ("证明唯一", "uniqueness"),
    "stage.topics": ("排定活动主题", "topics"),
    "stage.routing": ("规划上门路线", "routes"),
    "stage.part": ("{stage}（第 {part} 部分）", "{stage} (part {part})"),
    # severities
    "severity.info": ("说明", "note"),
    "severity.warning": ("注意", "warning"),
    "severity.error": ("冲突", "clash"),
    "plan.not_proven_optimal": (
        "在时限内未证明最优：目标值 {objective}，下界 {bound}，差距 {gap}。",
        "Not proven optimal within the time limit: objective {objective}, bound {bound}, "
        "gap {gap}.",
    ),
    "plan.wall_clock_stop": (
        "已到墙钟时间上限（{seconds} 秒），{stages} 阶段被时钟截停：方案满足全部硬性规则，"
        "但未用完工作量预算，再运行一次可能不同；请加大 --wall-limit 或在负载较低时重试。",
        "The wall-clock ceiling ({seconds} s) ended stage(s) {stages} before their work "
        "budget: the plan meets every hard rule but another run may differ; raise "
        "--wall-limit or retry on a less busy machine.",
    ),
    "plan.wall_ceiling_passed": (
        "本方案用了 {elapsed} 秒，超过墙钟上限 {seconds} 秒：时钟截停搜索之后，完成方案所必需的步骤"
        "（构造日程、排定人员、统计目标）本身就需要这么久，这个规模的数据用更短的上限无法遵守；"
        "请把 --wall-limit 设为至少 {elapsed} 秒。",
        "This plan took {elapsed} s, past its wall-clock ceiling of {seconds} s: after the "
        "clock ended the searches, what a plan cannot do without (the constructed "
        "calendars, the teams, the goals' figures) took that long; a shorter ceiling "
        "cannot be held on data of this size. Set --wall-limit to at least {elapsed} s.",
    ),
    "plan.time_limit": (
        "在 {seconds} 秒内未找到方案（这并不说明无解）；请放宽时限或增加求解线程后重试。",
        "No plan was found within {seconds} s (this does not prove there is none); "
        "give a longer time limit or more workers.",
    ),
    "plan.solver_error": (
        "求解器（HiGHS）计算出错（状态 {status}），没有得到方案；这既不是时间不够，也不说明"
        "规则无解。请重试一次；若仍出现，请把数据集和这条信息交给技术支持。",
        "The solver (HiGHS) ended in an error (status {status}) without a plan: not the "
        "time limit, and no proof that the rules clash. Retry once; if it happens again, "
        "give the dataset and this message to support.",
    ),
    "output.error": (
        "无法写出方案：{path}（{reason}），也没有保存到数据库。",
        "Cannot write the plan: {path} ({reason}); nothing was stored either.",
    ),
    "output.not_a_folder": ("该路径已存在且不是文件夹", "exists and is not a folder"),
    "output.not_ours": (
        "该文件夹已有 {count} 个不是 tuoyu 写入的文件或文件夹（如 {names}）；发布方案会整个替换"
        "这个文件夹，为免删除它们，请用一个新的或空的文件夹作 --out，或先把这些文件移走",
        "the folder holds {count} files or folders tuoyu did not write (such as {names}); "
        "publishing a plan replaces the whole folder, so to keep them use a new or empty "
        "folder as --out, or move them away first"),
    "output.busy": ("另一次运行（进程 {pid}）正在写这个文件夹；请等它结束，或用另一个 --out",
                    "another run (process {pid}) is writing this folder; wait for it to "
                    "end, or use another --out"),
    "input.previous_without_from": (
        "--previous {path} 只在重新规划（--from 日期）时使用；请同时给出 --from，或去掉 --previous",
        "--previous {path} is only used when re-planning (--from DATE): give --from too, "
        "or leave --previous out",
    ),
    # a request the web framework refused before any route read it (its own words are
    # English: "There was an error parsing the body", "Missing boundary in multipart.")
    "service.http.400": ("请求无法读取：正文不是有效的 JSON（或嵌套过深、编码不是 UTF-8），"
                         "或上传的表单不完整",
                         "The request could not be read: its body is not valid JSON (or is "
                         "nested too deep, or not UTF-8), or the upload's form is incomplete"),
    "service.http.404": ("此地址没有内容", "There is nothing at this address"),
    "service.http.405": ("此地址不接受这种请求方法", "This address does not take this method"),
    "service.http.other": ("请求未能完成（HTTP {status}：{detail}）",
                           "The request failed (HTTP {status}: {detail})"),
    "service.queue_full_dataset": (
        "数据集“{dataset}”排队等待的方案已达上限（{waiting} 个，TUOYU_MAX_QUEUED_PER_DATASET）：请等"
        "前面的方案开始或完成、或取消不需要的方案后再提交；其他数据集的方案不受影响。",
        "The queue holds as many plans of the dataset '{dataset}' as it takes ({waiting} "
        "waiting, TUOYU_MAX_QUEUED_PER_DATASET): submit again once earlier plans have started, "
        "or cancel those not needed; other datasets' plans are not held up."),
    "service.bad_setting": ("环境变量 {name}=“{value}”：应为{kind}，且不小于 {least}",
                            "{name}='{value}': expected {kind} of at least {least}"),
    # what became of a job (the service's job list)
    "service.no_admin_token": (
        "拒绝在 {host} 上提供服务：还没有管理员令牌。请先运行 "
        "tuoyu token create --role admin --name 名称，或只在 127.0.0.1 上提供服务。",
        "Refusing to serve on {host}: no admin token exists. Make one with "
        "'tuoyu token create --role admin --name NAME', or serve on 127.0.0.1."),
    # whether this service starts the queued jobs (the log, /api/v1/health)
    "service.dispatching": ("本服务负责运行排队的作业",
                            "this service runs the queued jobs"),
    "service.no_dispatcher": ("本服务不运行作业（启动时已关闭），作业保持排队",
                              "this service runs no jobs (turned off at its start); jobs "
                              "stay queued"),
    "service.lease_lost": (
        "与数据库的连接中断，本服务暂停启动新的作业（正在运行的照常完成），稍后重新尝试接手",
        "the connection to the database was lost: this service starts no new jobs (those "
        "running finish) and tries again to take over shortly"),
    "service.not_dispatching": (
        "同一数据库上已有另一个 tuoyu 服务在运行排队的作业；本服务照常接收作业，由那个服务运行，"
        "它停止后由本服务接手",
        "another tuoyu service on the same database runs the queued jobs; this one takes "
        "jobs as usual, that one runs them, and this one takes over once that one stops"),
    "job.invalid_params": ("参数不正确：{detail}", "Invalid parameters: {detail}"),
    "job.interrupted": ("服务在生成方案时停止了；请重新提交",
                        "the service stopped while this plan was being made; submit it again"),
    "job.cancelled_running": ("已在生成方案时取消；求解进程在取消后 {seconds} 秒内未停止，"
                              "已被强制终止，目前为止最好的方案未保留",
                              "cancelled while the plan was being made; the worker had not "
                              "stopped {seconds} s after the cancel and was ended, so its "
                              "best plan so far is not kept"),
    "job.cancelled_queued": ("已在开始生成方案之前取消", "cancelled before the plan was started"),
    "job.worker_died": ("求解进程意外停止（退出码 {code}），本次未保留任何方案；此前完成的方案不受"
                        "影响，请重新提交",
                        "the worker stopped unexpectedly (exit code {code}) and kept no plan; "
                        "plans finished before are as they were: submit it again"),
    "job.dataset_gone": ("数据集“{id}”已不存在", "dataset '{id}' no longer exists"),
    "job.output_failed": ("无法写出方案文件：{reason}", "cannot write the plan: {reason}"),
    "job.failed": ("方案未能生成：{reason}", "the plan could not be made: {reason}"),
    # inspection outcomes (the contract's inspections.outcome; planned: a visit of a
    # roster in the store's history, not done yet)
    "outcome.pass": ("合格", "pass"),
    "outcome.rectify": ("责令整改", "rectify"),
    "outcome.fail": ("不合格", "fail"),
    "outcome.planned": ("待检查", "planned"),
    "input.params": ("参数不正确：{what}", "A parameter is not valid: {what}"),
    "plan.cancelled": (
        "已按要求停止；保留了目前为止最好的方案。",
        "Stopped on request; the best plan found so far is kept.",
    ),
    # the codes of the contract's tables, as a planner reads them (workbooks, pages)
    "code.risk.low": ("低", "low"),
    "code.risk.medium": ("中", "medium"),
    "code.risk.high": ("高", "high"),
    "code.skill.safety": ("安全防控", "safety"),
    "code.skill.hygiene": ("卫生保健", "hygiene"),
    "code.skill.fire": ("消防", "fire"),
    "code.skill.food": ("食品安全", "food"),
    # departments a dataset may give as codes (a department's own name stays as written)
    "code.department.street": ("街镇", "street/town"),
    "code.department.market": ("市场监管部门", "market regulation"),
    "code.department.fire": ("消防救援部门", "fire and rescue"),
    "code.department.health": ("卫生健康部门", "health"),
    "code.department.education": ("教育部门", "education"),
    "code.department.childcare": ("托育服务指导中心", "childcare guidance center"),
    "code.institution_kind.childcare_center": ("托育机构", "childcare center"),
    "code.institution_kind.kindergarten_class": ("幼儿园托班", "kindergarten nursery class"),
    "code.institution_kind.community_point": ("社区托育点", "community point"),
    "code.discipline.education": ("教育", "education"),
    "code.discipline.medical": ("医学", "medicine"),
    "code.discipline.psychology": ("心理", "psychology"),
    "code.bool.true": ("是", "yes"),
    "code.bool.false": ("否", "no"),
    # how a plan's numbers are said (every face: describe, workbooks, pages)
    "plan.figures": (
        "目标值 {objective}，下界 {bound}，差距 {gap}",
        "objective {objective}, bound {bound}, gap {gap}",
    ),
    "plan.figures_max": (
        "目标值 {objective}，上界 {bound}，差距 {gap}",
        "objective {objective}, bound {bound}, gap {gap}",
    ),
    # the stages of a solve, as the live line names them
    "stage.whole": ("整个方案", "the whole plan"),
    "stage.allocation": ("分配托位", "allocation"),
    "stage.tradeoff": ("取舍曲线", "trade-off"),
    "plan.stage_figures": ("本阶段目标值 {objective}，本阶段下界 {bound}（整个方案的结果在最后给出）",
                           "this stage: objective {objective}, bound {bound} (the plan's gap "
                           "comes at the end)"),
    "plan.goal_cost": ("{value} × {weight} = {cost}", "{value} × {weight} = {cost}"),
    "plan.target_line": ("目标 {goal}，达成 {achieved}（{mark}）",
                         "goal {goal}, achieved {achieved} ({mark})"),
    "plan.target_line_band": ("目标 {goal}（{low}–{high} 即达标），达成 {achieved}（{mark}）",
                              "goal {goal} (met within {low}–{high}), achieved {achieved} "
                              "({mark})"),
    "plan.target_met": ("达标", "met"),
    "plan.target_unmet": ("未达标", "NOT met"),
    # a penalty of a maximised objective: what it takes off
    "plan.goal_penalty": ("−（{value} × {weight}）= {cost}", "−({value} × {weight}) = {cost}"),
    "plan.bound_lower": ("下界", "lower bound"),
    "plan.bound_upper": ("上界", "upper bound"),
    "plan.sense.more": ("越多越好", "more is better"),
    "plan.sense.less": ("越少越好", "less is better"),
    "calendar.unknown_year": (
        "内置节假日历不含 {year} 年的调休安排；请在 calendar 表中给出。",
        "The built-in holiday calendar does not know {year}'s adjusted workdays; "
        "give them in the calendar table.",
    ),
}
