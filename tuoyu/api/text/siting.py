"""Messages of the siting planner: findings, clashes, soft goals and targets, by code."""

MESSAGES: dict[str, tuple[str, str]] = {
    "siting.name": ("公办托班选址", "Nursery-class siting"),  # the planner's name
    # --- the plan
    "siting.proven_optimal": (
        "已证明最优（差距 0）。",
        "Proven optimal (gap 0).",
    ),
    "siting.year": (
        "{year} 年：新增 {classes} 个班；{served} / {demand} 名需要托位的儿童在步行范围内获得托位"
        "（不新增班时 {served_before}）；这 {demand} 名中有 {within} 名住在有托位的 15 分钟步行圈内"
        "（规划前 {within_before}）。",
        "{year}: {served} of the {demand} children needing a place served within the walk "
        "({served_before} without new classes); {within} of the {demand} live within the 15-minute "
        "circle of a place with seats ({within_before} before); {classes} new classes.",
    ),
    "siting.why": (
        "选址理由：{name}（{place_id}）{year} 年新增 {classes} 个班；该点当年服务 {served} 名儿童，"
        "来自 {communities} 个居委，其中新班 {new_children} 名，平均步行 {walk_m} 米；未选中的最佳备选点 "
        "{alternative}（{alternative_id}）以同样班数最多可服务 {alternative_children} 名（平均步行 "
        "{alternative_walk_m} 米），本点多 {gain} 名。",
        "Why {name} ({place_id}), {classes} new classes in {year}: it serves {served} children "
        "that year from {communities} communities, {new_children} in the new classes, a "
        "mean walk of {walk_m} m; the best place not chosen, {alternative} ({alternative_id}), "
        "could serve at most {alternative_children} with the same classes (a mean walk of "
        "{alternative_walk_m} m): a gain of {gain}.",
    ),
    "siting.why_alternative_more": (
        "选址理由：{name}（{place_id}）{year} 年新增 {classes} 个班；该点当年服务 {served} 名儿童，"
        "来自 {communities} 个居委，其中新班 {new_children} 名，平均步行 {walk_m} 米；未选中的备选点 "
        "{alternative}（{alternative_id}）单看这一处可多服务 {more} 名（{alternative_children} 名），"
        "但选它会使其他点服务的儿童更少，本方案整体服务更多。",
        "Why {name} ({place_id}), {classes} new classes in {year}: it serves {served} children "
        "that year from {communities} communities, {new_children} in the new classes, a mean "
        "walk of {walk_m} m; the place not chosen, {alternative} ({alternative_id}), would alone "
        "serve {more} more ({alternative_children}), but choosing it serves fewer elsewhere: "
        "this plan serves more as a whole.",
    ),
    "siting.why_no_alternative": (
        "选址理由：{name}（{place_id}）{year} 年新增 {classes} 个班；该点当年服务 {served} 名儿童，"
        "来自 {communities} 个居委，其中新班 {new_children} 名，平均步行 {walk_m} 米；"
        "当年已没有未选中的可用候选点。",
        "Why {name} ({place_id}), {classes} new classes in {year}: it serves {served} children "
        "that year from {communities} communities, {new_children} in the new classes, a mean "
        "walk of {walk_m} m; no candidate was left unchosen that year.",
    ),
    "siting.year_at_max": (
        "{year} 年新增 {classes} 个班，达到每年上限 {maximum}；每个新班至少服务 {fill} 名儿童"
        "（满班标准）。",
        "{year}: {classes} new classes, the yearly maximum of {maximum}; every new class "
        "serves at least {fill} children (the fill).",
    ),
    "siting.year_below_max": (
        "{year} 年新增 {classes} 个班（下限 {minimum}，上限 {maximum}）：再开一个班达不到满班标准 "
        "{fill} 名儿童——剩余最佳候选点 {place}（{place_id}）步行范围内当年起每年最少只有 "
        "{could} 名未获托位的儿童。",
        "{year}: {classes} new classes (minimum {minimum}, maximum {maximum}): one more "
        "class would not reach the fill of {fill} children; the best place left, {place} "
        "({place_id}), has at most {could} children without a seat within its walk in a "
        "year from then on.",
    ),
    "siting.year_below_minimum": (
        "{year} 年只新增 {classes} 个班，低于行动计划“每年至少新增 {minimum} 个”：能达到满班标准 "
        "{fill} 名儿童的班只有这么多——剩余最佳候选点 {place}（{place_id}）步行范围内当年起每年"
        "最少只有 {could} 名未获托位的儿童。不开服务不到 {fill} 名儿童的班。",
        "{year}: only {classes} new classes, below the action plan's minimum of {minimum} a "
        "year: no more classes can reach the fill of {fill} children; the best place left, "
        "{place} ({place_id}), has at most {could} children without a seat within its walk "
        "in a year from then on. No class opens that would serve fewer than {fill}.",
    ),
    "siting.why_policy_integrated": (
        "政策目标：{name}（{place_id}）{year} 年的新班主要为托幼一体而开；按服务儿童数，"
        "{alternative}（{alternative_id}）可多服务 {more} 名。",
        "Policy target: the new class at {name} ({place_id}) in {year} is there for the "
        "kindergartens that also run nursery classes (托幼一体); by children served, "
        "{alternative} ({alternative_id}) would serve {more} more.",
    ),
    "siting.why_policy_street": (
        "政策目标：{name}（{place_id}）{year} 年的新班主要为街镇首个普惠托位点而开；"
        "按服务儿童数，{alternative}（{alternative_id}）可多服务 {more} 名。",
        "Policy target: the new class at {name} ({place_id}) in {year} is there for a "
        "street's first inclusive place; by children served, {alternative} "
        "({alternative_id}) would serve {more} more.",
    ),
    "siting.why_integrated": (
        "选址理由：{name}（{place_id}）{year} 年开设第一个托班，计入托幼一体。",
        "Why {name} ({place_id}): its first nursery class in {year} counts toward 托幼一体.",
    ),
    "siting.why_street": (
        "选址理由：{name}（{place_id}）{year} 年开班，使街镇 {street}（{street_id}）的家庭步行范围内"
        "首次有普惠托位。",
        "Why {name} ({place_id}): its class in {year} brings the families of street {street} "
        "({street_id}) an inclusive place within the walk for the first time.",
    ),
    "siting.why_ties": (
        "有 {openings} 处新增班与未选中的最佳备选点当年服务人数相同（步行圈内等待的儿童多于新增托位，"
        "每个新班都能招满）：这些点是按更短的步行距离、更早服务更多儿童和区级规则（每个街镇有普惠托位、"
        "托幼一体）选出的。",
        "{openings} openings serve as many children that year as the best place not chosen "
        "could (more children wait in both circles than the new seats hold, so every new "
        "class fills): they were chosen on shorter walks, serving more children earlier, and "
        "the district rules (an inclusive place in every street, 托幼一体).",
    ),
    "siting.walk.network": (
        "步行范围 {walk_m} 米按路网步行距离计算（全部 {pairs} 对居委—托位都走路网）。",
        "The {walk_m} m walk is measured on the walking network (all {pairs} community–place "
        "pairs).",
    ),
    "siting.walk.mixed": (
        "步行范围 {walk_m} 米：{pairs} 对居委—托位中只有 {pairs_on_network} 对按路网步行距离计算，"
        "其余离路网较远，以直线距离 × {circuity} 近似。",
        "The {walk_m} m walk: only {pairs_on_network} of {pairs} community–place pairs are "
        "measured on the walking network; the rest, far from it, are the straight line × "
        "{circuity} (a stand-in).",
    ),
    "siting.walk.off_network": (
        "路网（walk_network.graphml，{nodes} 个节点）上没有一对居委—托位在步行 {walk_m} 米以内："
        "在路网节点 {snap_m} 米以内的只有 {near_communities} 个居委、{near_places} 处托位，"
        "按路网步行彼此都更远；其余居委—托位以直线距离 × 绕行系数 {circuity} 近似"
        "（并非实际步行路线）。请检查路网是否覆盖本区。",
        "On the walking network (walk_network.graphml, {nodes} nodes) no community–place "
        "pair is within the {walk_m} m walk: only {near_communities} communities and "
        "{near_places} places are within {snap_m} m of its nodes, and farther apart on it; "
        "every other pair is the straight line × circuity {circuity} (a stand-in). Check "
        "that the network covers the district.",
    ),
    "siting.walk.straight_line": (
        "没有路网：步行范围 {walk_m} 米以直线距离 × 绕行系数 {circuity} 近似（并非实际步行路线）。",
        "No walking network: the {walk_m} m walk is the straight line × circuity {circuity} "
        "(a stand-in, not the actual walking route).",
    ),
    # --- the trade-off
    "siting.tradeoff.curve": (
        "取舍曲线（{year} 年）：每年新增 {first}–{last} 个班，每个班数都求出最多可服务的儿童"
        "（需求 {demand} 名；{last} 个班/年时服务 {served} 名），见 tradeoff.csv。",
        "Trade-off ({year}): for {first}–{last} new classes a year, the most children served "
        "at each ({demand} need a place; {served} served at {last} a year); see "
        "tradeoff.csv.",
    ),
    "siting.tradeoff.close_circle": (
        "集合覆盖：至少需要 {classes} 个新班（各在不同地点，规划期 {years} 年约每年 {per_year} 个），"
        "才能让 {year} 年尚无托位在步行范围内的 {communities} 个有需求居委都进入15分钟服务圈"
        "（另有 {already} 个居委已在现有托位的服务圈内；已证明最少：{proven}）。",
        "Set covering: at least {classes} new classes (each at a different place; about "
        "{per_year} a year over {years} years) put all {communities} communities with demand "
        "in {year} that no existing place reaches inside a 15-minute circle ({already} more "
        "are within one already; proven fewest: {proven}).",
    ),
    "siting.tradeoff.unreachable": (
        "无法闭合服务圈：{communities} 个有需求的居委（{year} 年 {children} 名儿童）步行范围内既无"
        "现有托位也无任何候选点：{ids}。请在其附近增加候选点或公办幼儿园空余教室。",
        "The circle cannot close: {communities} communities with demand ({children} children "
        "in {year}) have neither a place nor any candidate within the walk: {ids}. Add a site "
        "or a public kindergarten room near them.",
    ),
    "siting.tradeoff.status.optimal": ("已证明最优", "optimal (proven)"),
    "siting.tradeoff.status.feasible": ("未证明最优（时间上限）", "feasible, not proven (time limit)"),
    "siting.tradeoff.status.kept_previous": ("沿用少一个班时的方案", "kept the plan of one class fewer"),
    "siting.tradeoff.status.infeasible": ("无解（指定开班多于该班数）",
                                          "infeasible (more pins than classes)"),
    "siting.tradeoff.status.cancelled": ("已停止（沿用此前方案）", "stopped (the last plan carried)"),
    "siting.tradeoff.status.time_limit": ("时间上限内无方案", "no plan within the time limit"),
    "siting.tradeoff.cover_unsolved": (
        "集合覆盖未能求解（{year} 年，状态 {status}）。",
        "The set covering could not be solved ({year}, status {status}).",
    ),
    "siting.tradeoff.not_proven": (
        "取舍曲线中每年 {ks} 个班的点未证明最优（时间上限或停止）：其服务人数是可行方案的下界，"
        "且不少于少一个班时的结果（见 tradeoff.csv 中各点的求解状态）。",
        "The trade-off points at {ks} classes a year are not proven optimal (time limit or "
        "stop): their children served are feasible lower bounds, never below one class "
        "fewer (see the status column of tradeoff.csv).",
    ),
    "siting.cancelled_without_plan": (
        "已按要求停止，此前尚未找到方案。",
        "Stopped on request before any plan was found.",
    ),
    # --- district rules missed (elastic) and what would close them
    "siting.street_missed": (
        "未达标：街镇 {street}（{street_id}）的家庭在 {year} 年底前步行 {walk_m} 米内没有普惠托位；"
        "最近的候选点 {place}（{place_id}）约 {distance_m} 米（步行范围放宽到 {distance_m} 米"
        "即可覆盖）：请在该街镇步行范围内增加候选点、公办幼儿园空余教室或普惠托育机构。",
        "NOT MET: street {street} ({street_id}): no inclusive place within {walk_m} m of its "
        "families by the end of {year}; the nearest candidate, {place} ({place_id}), is about "
        "{distance_m} m away (a walking radius of {distance_m} m would reach it): add a site or "
        "a public kindergarten room within reach in that street, or an inclusive provider.",
    ),
    "siting.street_missed_no_candidate": (
        "未达标：街镇 {street}（{street_id}）的家庭在 {year} 年底前步行 {walk_m} 米内没有普惠托位，"
        "且没有可用的候选点：请在该街镇增加候选点或公办幼儿园空余教室。",
        "NOT MET: street {street} ({street_id}): no inclusive place within {walk_m} m of its "
        "families by the end of {year}; no candidate site is available: add a site or a "
        "public kindergarten room there.",
    ),
    "siting.integrated_missed": (
        "未达标：托幼一体——到 {year} 年 {total} 所幼儿园中有 {have} 所（{share_pct}%）开设托班，"
        "距 {goal_pct}%（{target} 所）还差 {short} 所。",
        "NOT MET: 托幼一体: {have} of {total} kindergartens ({share_pct}%) run nursery "
        "classes by {year}, {short} short of {goal_pct}% ({target}).",
    ),
    "siting.fix.integrated_rooms": (
        "尚无托班的幼儿园中只有 {candidates} 所有空余教室或为新建园址：请再为其中 {more} 所安排教室。",
        "Only {candidates} kindergartens without a nursery class have a spare room or are new "
        "sites: give {more} more of them a room.",
    ),
    "siting.fix.integrated_yearly_max": (
        "每年新增上限合计只允许 {total_max} 个班：请提高到每年 {per_year} 个。",
        "The yearly maximum allows {total_max} new classes in all: raise it to {per_year} a "
        "year.",
    ),
    "siting.fix.integrated_timing": (
        "能补足的教室在规划期内来不及启用（可用年份或每年班数范围所限）：请提前启用或放宽范围。",
        "The rooms that could close it are not reachable in time (available years or the "
        "yearly range): open them earlier or widen the range.",
    ),
    # --- clashes (no plan)
    "siting.clash.classes_per_year": (
        "到 {year} 年至少需新增 {need} 个班（每年 {per_year} 个），但届时公办幼儿园空余教室和"
        "可用候选点合计只有 {rooms} 间：请增加 {missing} 间教室或候选点，或把每年下限降到 "
        "{max_minimum}。",
        "By {year} at least {need} new classes are required ({per_year} a year) but the "
        "public kindergartens' spare rooms and the sites available by then hold only {rooms}: "
        "add {missing} rooms or sites, or lower the yearly minimum to {max_minimum}.",
    ),
    "siting.clash.rules": (
        "硬性规则相互冲突：请核对每年新增班数范围与可用教室。",
        "The hard rules clash; check the yearly class range against the rooms.",
    ),
    # --- places the planner steers (pins and forbids that cannot be)
    "siting.clash.unknown_pinned": (
        "指定开班的地点 {place_id} 不存在：请核对幼儿园或候选点的编号。",
        "Pinned place {place_id} does not exist: check the kindergarten or site ids.",
    ),
    "siting.clash.unknown_forbidden": (
        "禁止开班的地点 {place_id} 不存在：请核对幼儿园或候选点的编号。",
        "Forbidden place {place_id} does not exist: check the kindergarten or site ids.",
    ),
    "siting.clash.pinned_and_forbidden": (
        "{place_id} 既被指定开班又被禁止开班：请只保留其一。",
        "{place_id} is both pinned and forbidden: keep one of the two.",
    ),
    "siting.clash.pin_provider": (
        "{name}（{place_id}）是托育机构，不能新增公办托班：只能指定公办幼儿园（有空余教室）或候选点。",
        "{name} ({place_id}) is a provider and cannot take a new public class: pin a public "
        "kindergarten with spare rooms or a site.",
    ),
    "siting.clash.pin_private": (
        "{name}（{place_id}）是民办幼儿园，不能新增公办托班。",
        "{name} ({place_id}) is a private kindergarten and cannot take a new public class.",
    ),
    "siting.clash.pin_no_rooms": (
        "{name}（{place_id}）没有空余教室（或可开班数为 0），无法指定开班。",
        "{name} ({place_id}) has no spare room (or no classes allowed), so it cannot be "
        "pinned.",
    ),
    "siting.clash.pin_year": (
        "指定 {name}（{place_id}）在 {year} 年开班，但规划期为 {first}–{last} 年。",
        "{name} ({place_id}) is pinned for {year}, outside the horizon {first}–{last}.",
    ),
    "siting.clash.pin_not_available": (
        "指定 {name}（{place_id}）在 {year} 年（或之前）开班，但该点 {available_from} 年才可用。",
        "{name} ({place_id}) is pinned for {year} (or earlier) but is available only from "
        "{available_from}.",
    ),
    "siting.clash.pins_per_year": (
        "{year} 年指定开班的地点有 {pins} 个（{ids}），超过每年上限 {most} 个班。",
        "{pins} places are pinned for {year} ({ids}), more than the yearly maximum of {most} "
        "classes.",
    ),
    "siting.clash.pins_over_p": (
        "指定的地点有 {pins} 个，超过要选的 {p} 个。",
        "{pins} places are pinned, more than the {p} to choose.",
    ),
    "siting.clash.steering": (
        "指定开班（{pinned}）与禁止开班（{forbidden}）在每年新增班数范围和空余教室下无法同时满足："
        "请减少指定或禁止的地点，或放宽每年班数范围。",
        "The pinned places ({pinned}) and forbidden places ({forbidden}) cannot all hold "
        "within the yearly class range and the rooms: pin or forbid fewer places, or widen "
        "the range.",
    ),
    "siting.bad_params": ("参数有误：{errors}", "Bad parameters: {errors}"),
    "siting.write_failed": (
        "无法写入输出目录 {out}：{error}（未写入任何文件）。",
        "Cannot write the output folder {out}: {error} (nothing was written).",
    ),
    # --- the covering models
    "siting.cover.chosen": (
        "{model}：选出 {sites} 个点，每点一个班；需求行由 {points} 合并为 {rows}。",
        "{model}: {sites} sites chosen, one class each; demand rows merged {points} -> {rows}.",
    ),
    "siting.cover.uncoverable": (
        "{communities} 个居委步行范围内没有任何候选点，无法覆盖。",
        "{communities} communities reach no candidate site within the walk and cannot be "
        "covered.",
    ),
    "siting.cover.covered": (
        "覆盖的需求（现有托位尚未覆盖的部分）：{covered} / {total}。",
        "Covered demand (not yet served by existing places): {covered} of {total}.",
    ),
    # --- soft goals
    "siting.goal.served": (
        "步行范围内获得托位的儿童（早年权重更高）",
        "children served within the walk (earlier years weigh more)",
    ),
    "siting.goal.walk": (
        "步行距离（占服务圈半径的比例，越短越好）",
        "walking distance (share of the circle, shorter is better)",
    ),
    "siting.goal.classes_short": (
        "低于每年下限的新增班数（弹性规则：只开能达到满班标准的班）",
        "classes short of the yearly minimum (elastic rule: only classes that fill open)",
    ),
    "siting.goal.street_missed": (
        "未覆盖普惠托位的街镇（弹性规则）",
        "streets without an inclusive place (elastic rule)",
    ),
    "siting.goal.integrated_missed": (
        "托幼一体缺口（弹性规则）",
        "托幼一体 shortfall (elastic rule)",
    ),
    # --- targets
    "siting.target.classes_per_year": (
        "每年新增托班数（下限；实际取各年最少）",
        "new classes a year (the minimum; achieved: the fewest in any year)",
    ),
    "siting.target.street_inclusive": (
        "每个街镇都有普惠托位点（有需求的街镇）",
        "every street with demand has an inclusive place",
    ),
    "siting.target.integrated_share": (
        "开设托班的幼儿园（托幼一体）",
        "kindergartens running nursery classes (托幼一体)",
    ),
    "siting.target.within_circle": (
        "15 分钟步行圈内有托位的需托儿童（按托位需求计，末年）",
        "children needing a place within the 15-minute circle of a place with seats "
        "(by places needed, last year)",
    ),
    # --- the command's summary
    "siting.model.capacitated": ("多年容量约束选址", "capacitated"),
    "siting.model.mclp": ("最大覆盖 MCLP", "mclp"),
    "siting.model.lscp": ("集合覆盖 LSCP", "lscp"),
    "siting.summary.head": (
        "选址 {first}–{last}（{model}，{solver}）：{status}，差距 {gap}，目标值 {objective}，"
        "上界 {bound}，建模 {build} 秒，求解 {solve} 秒",
        "Siting {first}–{last} ({model}, {solver}): {status}, gap {gap}, objective "
        "{objective}, bound {bound}, build {build} s, solve {solve} s",
    ),
    "siting.summary.classes": ("新增托班：{classes}", "New classes: {classes}"),
    "siting.summary.target": ("目标 · {target}：{line}", "Target · {target}: {line}"),
    "siting.summary.goal": ("软目标 · {goal}：{line}", "Soft goal · {goal}: {line}"),
    "siting.summary.written": ("已写入 {out}：{files}", "Written to {out}: {files}"),
}
