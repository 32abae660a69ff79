"""The command line's own words: the help of the options ``tuoyu all`` and ``tuoyu city``
give each planner (named by its registry entry), the language check, the live line."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.nothing_written": ("什么也没有写入。", "Nothing was written."),
    "cli.lang_invalid": ("--lang {lang}：应为 zh（中文）或 en（英文）。",
                         "--lang {lang}: expected zh or en."),
    "cli.solving": ("求解中…", "solving…"),
    "cli.written": ("  已写入：{out}", "  written: {out}"),
    "cli.folder_not_noted": (
        "  方案已写入 {out}，但未能记入数据库（{reason}）：页面和 tuoyu scorecard 暂时找不到它。",
        "  The plan is written to {out} but could not be noted in the store ({reason}): the "
        "pages and tuoyu scorecard will not find it.",
    ),
    "cli.help.city.data": (
        "一个区的数据文件夹（每个区给一次）。区以文件夹命名（同名文件夹按给出顺序称 NAME-2、"
        "NAME-3）。",
        "A district's data folder (repeat for every district). The district is named after "
        "the folder (folders of the same name: NAME-2, NAME-3 in the order given)."),
    "cli.help.city.out": ("方案的文件夹：OUT/<区>/ 及全市汇总。",
                          "Folder for the plans: OUT/<district>/ and the city summary."),
    "cli.help.city.scheduler": (
        "Dask 调度器的地址，如 tcp://10.0.0.5:8786（默认：本机集群，每核一个单线程进程）。每个"
        "工作进程都须能以相同路径读到数据文件夹。",
        "Address of a Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster of "
        "one single-threaded process per core). Every worker must read the data folders at "
        "the same paths."),
    "cli.help.city.time_limit": ("每个方案的求解时限（秒）。",
                                 "Solver time limit of each plan, seconds."),
    "cli.help.city.workers": ("每个方案的求解线程数（各区并行；排班结果与此无关）。",
                              "Solver threads of each plan (the districts run in parallel; a "
                              "roster does not depend on it)."),
    "cli.help.serve.host": ("监听的地址。", "Address to listen on."),
    "cli.help.serve.port": ("监听的端口。", "Port to listen on."),
    "cli.help.serve.data": ("规划人员自己的数据文件夹：按其区名登记为单独的数据集，网页默认打开它"
                            "（内置的宝山数据仍登记为 baoshan）。",
                            "A planner's own data folder: registered as a dataset of its own, "
                            "named by its district, the one the pages open on (the bundled "
                            "Baoshan data stays registered as 'baoshan')."),
    "cli.help.home": ("数据根目录（默认：TUOYU_HOME 或 ./tuoyu_home）。",
                      "Data root (default: TUOYU_HOME or ./tuoyu_home)."),
    "cli.help.token.role": ("角色：viewer（只读）| planner（规划）| admin（管理）。",
                            "viewer | planner | admin"),
    "cli.help.token.name": ("令牌的持有人或用途。", "Who or what holds the token."),
    "cli.help.token.id": ("令牌编号（见 tuoyu token list）。",
                          "The token's id (from 'tuoyu token list')."),
    "cli.serve.bad_port": ("--port {port}：端口应在 1 到 65535 之间",
                           "--port {port}: a port is between 1 and 65535"),
    "cli.serve.port_busy": ("端口 {port} 已被占用（也许已有一个 tuoyu serve 在运行）：请换一个 "
                            "--port，或先停止占用它的程序",
                            "port {port} is in use (perhaps by a tuoyu serve already "
                            "running): choose another --port, or stop what holds it"),
    "cli.serve.port_denied": ("没有权限使用端口 {port}（1024 以下的端口需要管理员权限）：请换一个 "
                              "--port，如 8000",
                              "not allowed to use port {port} (ports below 1024 need an "
                              "administrator): choose another --port, e.g. 8000"),
    "cli.serve.no_host": ("--host {host}：不是本机的地址，无法在其上提供服务（本机用 127.0.0.1，"
                          "局域网用 0.0.0.0）",
                          "--host {host}: not an address of this machine (127.0.0.1 for "
                          "this machine only, 0.0.0.0 for the network)"),
    "cli.serve.no_folder": ("--data {data}：没有这个文件夹", "--data {data}: no such folder"),
    "cli.token.bad_role": ("--role 应为 {roles} 之一，收到 {role}",
                           "--role must be one of {roles}, got {role}"),
    "cli.token.shown_once": ("令牌编号 {id}，角色 {role}；只显示这一次，请现在保存",
                             "token id {id}, role {role}; shown once: keep it now"),
    "cli.token.bad_name": ("--name：1 到 200 个字符，不能含换行等控制字符或文字方向符",
                           "--name: 1 to 200 characters, no newline or other control or "
                           "direction character"),
    "cli.token.unknown": ("没有编号为 {id} 的令牌", "no token with id {id}"),
    "cli.token.deleted": ("已删除令牌 {id}", "deleted token {id}"),
    "cli.option.month": ("检查排班的月份，YYYY-MM。", "Month of the inspection roster, YYYY-MM."),
    "cli.option.seed": ("检查排班随机抽取的种子。", "Seed of the roster's random draw."),
    "cli.option.year": ("指导活动日历的年份。", "Year of the guidance-session calendar."),
    "cli.option.years": ("选址规划的年份，起始-结束。", "Years of the siting plan, FIRST-LAST."),
    "cli.city.also": ("也为每个区规划{planner}：{help}", "Also plan every district's {planner}: "
                      "{help}"),
    # --help of the options, Chinese first (cli.common.help_of joins the two)
    "cli.help.data": ("数据文件夹（默认：内置的宝山数据）。",
                      "Dataset folder (default: the bundled Baoshan data)."),
    "cli.help.data_recorded": ("数据文件夹（默认：库中该记录所用的文件夹；旧记录写明的文件夹）。",
                               "Dataset folder (default: the one the store knows the record "
                               "was drawn on; an older record's own)."),
    "cli.help.out": ("输出文件夹。", "Output folder."),
    "cli.help.time_limit": ("求解时限，秒。", "Solver time limit, seconds."),
    "cli.help.roster.time_limit": (
        "排班搜索的工作量预算，以空闲机器上的秒数计（确定性：任何机器、任何负载下同一排班；"
        "--time-limit 是它的旧名）。",
        "Work budget of the roster's search, in seconds of an idle machine (deterministic: "
        "the same roster on any machine and under any load; --time-limit is its old name)."),
    "cli.help.workers": ("求解线程数。", "Solver threads."),
    "cli.help.roster.month": ("要排班的月份，YYYY-MM，如 2027-03。",
                              "Month to plan, YYYY-MM, e.g. 2027-03."),
    "cli.help.roster.seed": (
        "草稿或测试用的种子（永远不是正式抽取）。正式抽取不给种子：种子来自本月已取得随机来源的"
        "承诺（tuoyu roster commit，再 seed）；没有承诺时为草稿种子 20270301。",
        "Seed of a DRAFT or test draw (never official). Leave it out for the official draw: "
        "its seed comes from the month's seeded commitment (tuoyu roster commit, then seed); "
        "with no commitment, the draft seed 20270301."),
    "cli.help.roster.notice_kind": (
        "announcement（抽查公告：事项、名录、比例、方式和承诺，从不含何时检查谁）、results"
        "（抽查结果公示：已完成的检查及结果）或 revealed（月份结束并公开后：每次检查及人员，"
        "附页面自行核验的记录）。默认：已公开则 revealed，否则 announcement。",
        "announcement (the facts and the commitment, never who is inspected when), results "
        "(the inspections done and their outcomes) or revealed (once the month is over and "
        "revealed: every inspection, its team, the record the page checks itself). Default: "
        "revealed once revealed, else announcement."),
    "cli.help.roster.cycle_month": ("正式抽取的月份，YYYY-MM。", "Month of the official draw, YYYY-MM."),
    "cli.help.roster.source": ("随机来源：drand（承诺后约 10 分钟的 League of Entropy 一轮）或 lottery。",
                               "Seed source: drand (the League of Entropy's round 10 minutes "
                               "after now) or lottery."),
    "cli.help.roster.lottery": ("彩票名称（随机来源为 lottery 时），如 中国福利彩票双色球。",
                                "The lottery draw's name (source lottery), e.g. 中国福利彩票双色球."),
    "cli.help.roster.lottery_date": ("开奖日期 YYYY-MM-DD，须在今天之后（随机来源为 lottery 时）。",
                                     "The lottery draw's date, YYYY-MM-DD, after today (source "
                                     "lottery)."),
    "cli.help.roster.commit_reason": ("再次承诺的理由（第二次承诺必填；两次都保留）。",
                                      "Why the month is committed again (required for a second "
                                      "commitment; both are kept)."),
    "cli.help.roster.drand": ("从 drand 取得的该轮 JSON（round、randomness、signature、previous_signature）。",
                              "The drand round's JSON as fetched (round, randomness, signature, "
                              "previous_signature)."),
    "cli.help.roster.numbers": ("彩票开奖号码，照公布的填写。", "The lottery draw's numbers, as published."),
    "cli.help.roster.reveal_month": ("要公开的月份，YYYY-MM（月份结束后）。",
                                     "Month to reveal, YYYY-MM (once it is over)."),
    "cli.help.roster.out": ("排班写入的文件夹。", "Folder to write the roster into."),
    "cli.help.roster.draw_share": ("每月随机抽取的在营机构比例。",
                                   "Share of active institutions drawn a month."),
    "cli.help.roster.min_team": ("每次检查至少的检查人员数。",
                                 "Inspectors per inspection, at least."),
    "cli.help.roster.workers": ("求解线程数（排班结果与之无关）。",
                                "Solver workers (the roster does not depend on it)."),
    "cli.help.roster.redraw_reason": ("已公开的月份重新抽取的理由（此时必填）。",
                                      "Why a published month is drawn again (required then)."),
    "cli.help.roster.from": (
        "从该日期（YYYY-MM-DD）起重新排班：之前的检查保留；之后已排定的检查凡仍符合规则的，"
        "日期和检查组原样保留；只安排此后记录的结果所需的复查和无法保留的检查，并说明每项调整的原因。",
        "Re-plan the month from this date (YYYY-MM-DD): earlier visits are kept; later ones "
        "that still meet every rule stay exactly as they were (same day, same team); only the "
        "follow-ups of outcomes recorded since and the visits that cannot stay are planned, "
        "each move with why."),
    "cli.help.roster.publish_month": ("要公开其最新草稿的月份，YYYY-MM。",
                                      "Month whose newest draft to publish, YYYY-MM."),
    "cli.help.scorecard.year": ("报告的年份，如 2027。", "The year to report, e.g. 2027."),
    "cli.help.scorecard.out": ("写入 scorecard.xlsx 的文件夹。", "Folder to write scorecard.xlsx into."),
    "cli.help.scorecard.plans": (
        "命令行生成的方案所在文件夹（tuoyu all 的 --out：其中的 sessions/ 和 siting/），"
        "比服务中保存的方案新时采用。",
        "A folder of plans made on the command line (the --out of `tuoyu all`: its sessions/ "
        "and siting/), used when newer than the plans stored by the service."),
    "cli.help.roster.publish_out": (
        "该月排班的文件夹（如 out/roster）：其中的 roster.xlsx 若属于所发布的抽取，标为已发布。",
        "The roster's folder (e.g. out/roster): its roster.xlsx is marked 已发布 when it "
        "holds the draw published."),
    "cli.help.roster.notice_month": ("公示的月份，YYYY-MM。", "Month of the notice, YYYY-MM."),
    "cli.help.roster.notice_out": ("写入 notice.html 和 notice.xlsx 的文件夹。",
                                   "Folder to write notice.html and notice.xlsx into."),
    "cli.help.roster.draw": ("一个 draw.json 及随之生成的文件（roster.csv、roster.xlsx），或包含它们的文件夹。",
                             "A draw.json and the files made with it (roster.csv, "
                             "roster.xlsx), or the folder holding them."),
    "cli.help.roster.outcomes": ("CSV/XLSX：institution_id、date、outcome、inspector_ids。",
                                 "CSV/XLSX: institution_id, date, outcome, inspector_ids."),
    "cli.help.roster.group": ("月度检查排班（双随机）。", "Monthly inspection rosters (双随机)."),
    "cli.help.inspections.group": ("检查结果。", "Inspection outcomes (检查结果)."),
    "cli.help.sessions.year": ("要规划的年份。", "The year to plan."),
    "cli.help.sessions.from": ("从该日期（YYYY-MM-DD）起重新规划；之前的活动不变。",
                               "Re-plan from this date (YYYY-MM-DD); sessions before it stay."),
    "cli.help.sessions.previous": ("要重新规划的日历（默认：OUT/sessions.csv）。",
                                   "The plan to re-plan (default: OUT/sessions.csv)."),
    "cli.help.sessions.seed": ("日历中同等选择的随机种子。", "Seed of the calendar's tie-breaks."),
    "cli.help.sessions.time_limit": (
        "日历搜索的工作量预算，以空闲机器上的秒数计（确定性：任何机器上同一方案；"
        "--time-limit 是它的旧名）。",
        "Work budget of the calendar search, in seconds of an idle machine (deterministic: "
        "the same plan on any machine; --time-limit is its old name)."),
    "cli.help.wall_limit": (
        "整个方案的墙钟时间上限，秒（负载下误差在 5% 以内；时钟截停求解时方案会说明）。",
        "Wall-clock ceiling of the whole plan, seconds (held within 5% under load; the "
        "plan says when the clock ended a solve)."),
    "cli.help.sessions.workers": (
        "求解线程数（仅用于 --fast；默认的日历与之无关）。",
        "Solver threads (used with --fast only; the default calendar does not depend on it)."),
    "cli.help.sessions.fast": (
        "日历在 --time-limit 秒（墙钟）内并行搜索：更快，但每次运行的日历可能不同（默认：可复现）。"
        "其后的人员、主题与局部改进另需时间；整个方案的上限用 --wall-limit。",
        "The calendar searched in parallel within --time-limit wall-clock seconds: faster, "
        "but the calendar may differ from run to run (default: reproducible). The teams, "
        "topics and local improvement take their own time after it; --wall-limit caps the "
        "whole plan."),
    "cli.help.siting.years": ("规划年份，如 2027-2029。", "Planning horizon, e.g. 2027-2029."),
    "cli.help.siting.classes_per_year": ("每年新增托班数，最少-最多。",
                                         "New classes a year, min-max."),
    "cli.help.siting.seats_per_class": ("每个新托班的托位数。", "Seats of a new class."),
    "cli.help.siting.class_fill": (
        "满班标准：新托班只在从开班当年起每年至少服务该比例托位的儿童时才开设（0.5：20 个托位中 10 名）。",
        "The fill: a new class opens only where it serves at least this share of its seats "
        "every year from its opening (0.5: 10 of 20).",
    ),
    "cli.help.siting.speed": ("步行速度，公里/小时。", "Walking speed, km/h."),
    "cli.help.siting.radius": ("固定的步行半径（米），代替按 --speed 步行 15 分钟。",
                               "Fixed walking radius in metres instead of 15 minutes at "
                               "--speed."),
    "cli.help.siting.circuity": ("路网外步行距离与直线距离之比。",
                                 "Walk / straight line off the network."),
    "cli.help.siting.take_up": ("0–3 岁儿童中需要托位的比例。",
                                "Share of children 0–3 needing a place."),
    "cli.help.siting.trend": ("出生人数的年变化（-0.05：每年少 5%）。",
                              "Yearly change of births (-0.05: 5% fewer a year)."),
    "cli.help.siting.model": ("模型：capacitated | mclp | lscp。", "capacitated | mclp | lscp"),
    "cli.help.siting.p": ("MCLP：要设置的托班数（默认：每年最多数 × 年数）。",
                          "MCLP: classes to site (default: max a year × years)."),
    "cli.help.siting.strict": ("区级规则无法满足时失败（退出码 2）。",
                               "Fail (exit 2) when a district rule cannot be met."),
    "cli.help.siting.no_network": ("不使用 walk_network.graphml。", "Ignore walk_network.graphml."),
    "cli.help.siting.pin": ("必须开设托班的地点：ID 或 ID@年份（可重复）。",
                            "A place that must open a class: ID or ID@YEAR (repeatable)."),
    "cli.help.siting.forbid": ("不得开设托班的地点：ID（可重复）。",
                               "A place that must not open a class: ID (repeatable)."),
    "cli.help.siting.tradeoff": (
        "另外计算每年托班数与受益儿童数的权衡，如 0-12（写出 tradeoff.csv）。",
        "Also trace classes a year against children served, e.g. 0-12 (writes "
        "tradeoff.csv)."),
    "cli.help.all.out": ("方案写入的文件夹。", "Folder for the plans."),
    # a command line the parser refuses (tuoyu.api.cli.usage), said before anything runs
    "cli.usage.error": ("用法不正确：{what}", "Usage error: {what}"),
    "cli.usage.missing_option": ("缺少必需的选项 {option}", "missing option {option}"),
    "cli.usage.missing_argument": ("缺少必需的参数 {name}", "missing argument {name}"),
    "cli.usage.bad_value": ("{option} 的取值不正确：{reason}", "invalid value for {option}: "
                            "{reason}"),
    "cli.usage.got": ("{reason}，实际为“{value}”", "{reason}, got '{value}'"),
    "cli.usage.no_such_option": ("没有选项 {option}", "no such option {option}"),
    "cli.usage.needs_value": ("选项 {option} 后面须给一个值", "option {option} requires a value"),
    "cli.usage.no_such_command": ("没有命令 {command}", "no such command {command}"),
    "cli.usage.did_you_mean": ("{what}；是不是 {like}？", "{what}; did you mean {like}?"),
    "cli.usage.missing_command": ("缺少命令", "missing command"),
    "cli.usage.extra": ("多余的参数 {args}", "unexpected extra arguments {args}"),
    "cli.usage.help": ("运行 {command} --help 查看各命令和选项。",
                       "Try '{command} --help' for help."),
    # why a file named on the command line could not be read (cli.common.why_unreadable)
    "cli.file.missing": ("没有这个文件或文件夹", "no such file or folder"),
    "cli.file.is_folder": ("这是文件夹，应为文件", "a folder, expected a file"),
    "cli.file.no_permission": ("没有读取权限", "not allowed to read it"),
    "cli.file.not_utf8": ("不是 UTF-8 编码的文本", "not UTF-8 text"),
    "cli.file.not_json": ("不是有效的 JSON（第 {line} 行第 {column} 列）",
                          "not valid JSON (line {line}, column {column})"),
    "cli.file.unreadable": ("无法读取（{reason}）", "cannot be read ({reason})"),
    "cli.option.bad_file": ("{option} {path}：{reason}", "{option} {path}: {reason}"),
    "cli.option.no_folder": ("{option} {path}：没有这个文件夹", "{option} {path}: no such folder"),
    "cli.option.one_of": ("{option} {value}：应为以下之一：{choices}",
                          "{option} {value}: expected one of {choices}"),
    "cli.roster.one_record": ("应恰好有一个抽查记录（.json 文件），找到 {count} 个",
                              "expected one audit record (a .json file), found {count}"),
}
