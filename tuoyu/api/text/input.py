"""Messages about the input (the planner's own tables): what is wrong and what was
expected, by code (:attr:`tuoyu.models.errors.Problem.code`)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "input.not_text": ("文件不是可读的文本", "the file is not readable text"),
    "input.not_csv": ("文件不是有效的 CSV（{detail}）", "the file is not valid CSV ({detail})"),
    "input.bad_workbook": (
        "工作簿无法打开（已损坏，或不是 .xlsx 文件）",
        "the workbook cannot be opened (damaged, or not .xlsx)",
    ),
    "input.missing_column": ("缺少必需的列“{name}”", "required column '{name}' is missing"),
    "input.value_missing": ("缺少数值", "a value is missing"),
    "input.value_invalid": ("数值不正确", "a value is not valid"),
    "input.empty_table": ("表中没有数据", "the table is empty"),
    "input.duplicate_id": (
        "编号“{id}”重复（首次出现在第 {first_row} 行）",
        "duplicate id '{id}' (first on row {first_row})",
    ),
    "input.refers_to_nothing": (
        "“{id}”在 {target} 中找不到对应的 {target_column}",
        "'{id}' refers to nothing: no {target_column} '{id}' in {target}",
    ),
    "input.refers_to_nothing_more": (
        "“{id}”在 {target} 中找不到对应的 {target_column}（另有 {more} 行同样如此）",
        "'{id}' refers to nothing: no {target_column} '{id}' in {target} ({more} more rows)",
    ),
    "input.coordinate_range": ("坐标超出范围", "a coordinate is out of range"),
    "input.far_away": (
        "该地点距表中其他地点约 {km} 公里（超过 {limit} 公里，请核对经纬度）",
        "the place is about {km} km from the others (more than {limit} km: check lon/lat)",
    ),
    "input.projected": (
        "坐标看起来是投影坐标（米），不是经纬度",
        "coordinates look projected (metres), not longitude/latitude",
    ),
    "input.swapped": ("经度和纬度似乎写反了", "longitude and latitude look swapped"),
    "input.table_twice": (
        "表“{table}”给出了不止一次（{sources}）",
        "table '{table}' is given more than once ({sources})",
    ),
    "input.no_folder": ("数据集文件夹不存在", "the dataset folder does not exist"),
    "input.missing_table": (
        "缺少必需的表“{table}”（{table_zh}）",
        "required table '{table}' ({table_zh}) is missing",
    ),
    "input.not_outcomes_file": (
        "这种文件不是检查结果表（应为 .csv 或 .xlsx）",
        "this kind of file is not a table of outcomes (a .csv or .xlsx is expected)",
    ),
    "input.future_outcome": (
        "检查结果的日期晚于今天（{today}）：结果只能记录已完成的检查",
        "the outcome is dated after today ({today}): only visits made can have outcomes",
    ),
    # what a valid value is, by the column's kind
    "input.previous_missing": ("找不到上一版方案", "the previous plan is not there"),
    "input.not_sessions_table": (
        "这种文件不是活动安排表（应为第一次规划写出的 sessions.csv）",
        "this kind of file is not a sessions table (expected the sessions.csv of the first "
        "plan)",
    ),
    "input.not_record": ("文件不是抽查记录（draw.json）", "the file is not an audit record"),
    "input.record_field": ("抽查记录的字段“{field}”不正确：{zh}",
                           "field '{field}' of the audit record is wrong: {en}"),
    "input.record_no_dataset": (
        "{path} 没有写明所用的数据集；请用 --data 指定数据集文件夹",
        "{path} does not name its dataset: give the dataset folder with --data",
    ),
    "input.file_missing": ("文件不存在", "the file does not exist"),
    "input.kind.str": ("文本", "text"),
    "input.kind.int": ("整数", "a whole number"),
    "input.kind.float": ("数字", "a number"),
    "input.kind.bool": ("是或否（true/false）", "true or false (是/否)"),
    "input.kind.date": ("日期，格式 YYYY-MM-DD", "a date YYYY-MM-DD"),
    "input.kind.enum": ("以下之一：{choices}", "one of {choices}"),
    "input.kind.list": ("以分号分隔的列表", "a ';'-separated list"),
    "input.kind.weekdays": ("星期，如 周一;周二;周六", "weekdays like Mon;Tue;Sat (or 周一;周二)"),
    "input.kind.months": ("月份 1–12，如 3;4;5", "months 1-12 like 3;4;5"),
    "input.range": ("，介于 {min} 与 {max} 之间", " between {min} and {max}"),
    # the frame of a problem and of the whole list
    "input.where_row": ("{file}，第 {row} 行", "{file}, row {row}"),
    "input.where_column": ("，“{column}”列", ", column '{column}'"),
    "input.expected": ("；应为：{expected}", "; expected {expected}"),
    "input.got": ("，实际为“{got}”", ", got '{got}'"),
    "input.head_one": ("输入数据有 1 处问题：", "The input has a problem:"),
    "input.head_many": ("输入数据有 {n} 处问题：", "The input has {n} problems:"),
    "input.more": ("……另有 {n} 处问题", "... and {n} more problems"),
}
