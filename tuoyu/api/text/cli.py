"""The command line's own words: the help of the options ``tuoyu all`` and ``tuoyu city``
give each planner (named by its registry entry), the language check, the live line."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.nothing_written": ("什么也没有写入。", "Nothing was written."),
    "cli.lang_invalid": ("--lang {lang}：应为 zh（中文）或 en（英文）。",
                         "--lang {lang}: expected zh or en."),
    "cli.solving": ("求解中…", "solving…"),
    "cli.progress": ("{stage}  {seconds} 秒  目标值 {objective}  下界 {bound}  差距 {gap}",
                     "{stage}  {seconds} s  objective {objective}  bound {bound}  gap {gap}"),
    "cli.written": ("  已写入：{out}", "  written: {out}"),
    "cli.option.month": ("检查排班的月份，YYYY-MM。", "Month of the inspection roster, YYYY-MM."),
    "cli.option.seed": ("检查排班随机抽取的种子。", "Seed of the roster's random draw."),
    "cli.option.year": ("指导活动日历的年份。", "Year of the guidance-session calendar."),
    "cli.option.years": ("选址规划的年份，起始-结束。", "Years of the siting plan, FIRST-LAST."),
    "cli.city.also": ("也为每个区规划{planner}：{help}", "Also plan every district's {planner}: "
                      "{help}"),
}
