"""The command line's own words: the help of the options ``tuoyu all`` and ``tuoyu city``
give each planner (named by its registry entry), the language check, the live line."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.option.month": ("检查排班的月份，YYYY-MM。", "Month of the inspection roster, YYYY-MM."),
    "cli.option.seed": ("检查排班随机抽取的种子。", "Seed of the roster's random draw."),
    "cli.option.year": ("指导活动日历的年份。", "Year of the guidance-session calendar."),
    "cli.option.years": ("选址规划的年份，起始-结束。", "Years of the siting plan, FIRST-LAST."),
    "cli.city.also": ("也为每个区规划{planner}：{help}", "Also plan every district's {planner}: "
                      "{help}"),
}
