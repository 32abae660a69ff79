"""Messages about the input (the planner's own tables): what is wrong and what was
expected, by code (:attr:`tuoyu.models.errors.Problem.code`)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "input.not_text": ("文件不是可读的文本", "the file is not readable text"),
    "input.not_text_at": (
        "文件不是可读的文本：此行有既非 UTF-8 也非 GBK 编码的字节（{bytes}）；请在 Excel 中"
        "“另存为”→“CSV UTF-8（逗号分隔）”",
        "the file is not readable text: this row holds bytes that are neither UTF-8 nor GBK "
        "({bytes}); in Excel, Save As → CSV UTF-8 (comma delimited)",
    ),
    "input.plan_files_unreadable": (
        "规划文件无法读取（应为 tuoyu siting 写出的 coverage.csv 和 siting.geojson；{detail}）",
        "the siting plan's files cannot be read (expected coverage.csv and siting.geojson as "
        "tuoyu siting writes them; {detail})",
    ),
    "input.not_csv": ("文件不是有效的 CSV（{detail}）", "the file is not valid CSV ({detail})"),
    "input.unclosed_quote": (
        "引号没有闭合：此行有一个以双引号开头的单元格，直到文件末尾都没有与之配对的双引号（名称中的"
        "双引号须写成两个 \"\"）",
        "a quote is not closed: a cell of this row starts with a double quote that no quote "
        "closes before the end of the file (a quote inside a name is written twice, \"\")",
    ),
    "input.bad_workbook": (
        "工作簿无法打开（已损坏，或不是 .xlsx 文件）",
        "the workbook cannot be opened (damaged, or not .xlsx)",
    ),
    "input.missing_column": ("缺少必需的列“{name}”", "required column '{name}' is missing"),
    "input.value_missing": ("缺少数值", "a value is missing"),
    "input.formula_without_value": (
        "单元格中是公式（{formula}），但没有计算出的值（工作簿不是由 Excel 或 WPS 保存的）："
        "请用 Excel 或 WPS 打开该工作簿并保存，或直接填入数值",
        "the cell holds a formula ({formula}) without a computed value (the workbook was not "
        "saved by Excel or WPS): open and save the workbook in Excel or WPS, or enter the value",
    ),
    "input.value_invalid": ("数值不正确", "a value is not valid"),
    "input.empty_table": ("表中没有数据", "the table is empty"),
    "input.too_many_columns": (
        "表头有 {columns} 列，超过上限 {most} 列（一张工作表最多的列数）",
        "the header has {columns} columns, more than {most} (as many as a worksheet has)",
    ),
    "input.row_too_long": (
        "该行有 {cells} 个单元格，多于表头的 {width} 列（名称中的逗号须加引号）",
        "the row has {cells} cells, the header {width} (a comma in a name must be quoted)",
    ),
    "input.row_too_long_more": (
        "该行有 {cells} 个单元格，多于表头的 {width} 列（另有 {more} 行同样如此；"
        "名称中的逗号须加引号）",
        "the row has {cells} cells, the header {width} ({more} more rows like it; a comma in "
        "a name must be quoted)",
    ),
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
    "input.far_away_personal": (
        "该地点距区内其他地点超过 {limit} 公里（请核对经纬度，或留空经纬度以用居委位置）",
        "the place is more than {limit} km from the district's others (check lon/lat, or "
        "leave lon and lat blank for the committee's place)",
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
    "input.dataset_folder_gone": (
        "“{dataset}”的数据文件夹已不在服务器上（被移走或删除）：请把文件夹放回原处后"
        "重新启动服务，或重新上传该数据集",
        "the folder of the dataset '{dataset}' is no longer on the server (moved or "
        "deleted): put the folder back and restart the service, or upload the dataset again",
    ),
    "input.missing_table": (
        "缺少必需的表“{table}”（{table_zh}）",
        "required table '{table}' ({table_zh}) is missing",
    ),
    "input.missing_table_for_plan": (
        "制定“{plan}”需要表“{table}”（{table_zh}），该数据集中没有；请上传含此表的数据集",
        "the plan '{plan}' needs the table '{table}' ({table_zh}) and the dataset has none; "
        "upload the dataset again with it",
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
    "input.record_field": ("抽查记录的字段“{field}”不正确：{reason}",
                           "field '{field}' of the audit record is wrong: {reason}"),
    "input.record_no_dataset": (
        "{path} 没有写明所用的数据集文件夹，库中也找不到这条记录所用的文件夹；请用 --data 指定"
        "数据集文件夹",
        "{path} does not name its dataset folder and the store knows of none for this "
        "record: give the dataset folder with --data",
    ),
    "input.file_missing": ("文件不存在", "the file does not exist"),
    "input.is_a_folder": ("这是一个文件夹，不是文件（应为检查结果的 CSV 或 XLSX 文件）",
                          "this is a folder, not a file (a CSV or XLSX of outcomes)"),
    # the dataset as uploaded (a zip or a workbook); a problem of the whole upload or
    # dataset names it in place of a file
    "input.file.upload": ("上传的文件", "upload"),
    "input.file.dataset": ("数据集", "dataset"),
    "input.no_tables": (
        "没有找到约定的任何一张表（应为 {examples} 等文件，或一个 .xlsx 工作簿中同名的工作表）",
        "no table of the contract was found (files such as {examples}, or sheets of those "
        "names in one .xlsx)",
    ),
    "input.too_large_to_check": (
        "数据表太大，无法在 {mb} MB 内存内完成检查（上限由 TUOYU_CHECK_MEMORY_MB 设定）",
        "the tables are too large to check within {mb} MB (TUOYU_CHECK_MEMORY_MB)",
    ),
    "input.not_zip": ("文件不是 zip 压缩包（应为 .zip 或 .xlsx 文件）",
                      "the file is not a zip archive (a .zip or .xlsx is expected)"),
    "input.zip_absolute_path": (
        "压缩包里有绝对路径，未解压任何文件；压缩包内只能使用相对路径",
        "the zip holds an absolute path; nothing was unpacked (paths inside the archive)",
    ),
    "input.zip_parent_path": (
        "压缩包里有带“..”的路径，未解压任何文件；压缩包内只能使用相对路径",
        "the zip holds a path with '..'; nothing was unpacked (paths inside the archive)",
    ),
    "input.zip_link": ("压缩包里有链接，未解压任何文件；压缩包内只能放普通文件",
                       "the zip holds a link; nothing was unpacked (only plain files)"),
    "input.zip_too_large": ("压缩包解压后有 {mb} MB，超过了 {limit} MB 的上限",
                            "the zip unpacks to {mb} MB (at most {limit} MB)"),
    "input.zip_too_many": ("压缩包里有 {n} 个文件，超过了 {limit} 个的上限",
                           "the zip holds {n} files (at most {limit})"),
    "input.zip_member_damaged": ("压缩包中的这个文件已损坏，无法解压",
                                 "this member of the zip is damaged and cannot be unpacked"),
    "input.too_slow_to_check": (
        "数据表无法在 {seconds} 秒内完成检查（上限由 TUOYU_CHECK_SECONDS 设定）",
        "the tables cannot be checked within {seconds} s (TUOYU_CHECK_SECONDS)",
    ),
    "input.workbook_members": (
        "工作簿解开后超过上限（含 {members} 个部件，最多 {most} 个），未读取；请删去多余的工作表"
        "或另存为 CSV",
        "the workbook unpacks beyond its bound ({members} members, at most {most}); it was "
        "not read: remove the extra sheets or save the tables as CSV",
    ),
    "input.workbook_unpacked": (
        "工作簿解开后超过上限（解开后 {mb} MB，最多 {most} MB），未读取；请删去多余的工作表或"
        "另存为 CSV",
        "the workbook unpacks beyond its bound ({mb} MB unpacked, at most {most} MB); it was "
        "not read: remove the extra sheets or save the tables as CSV",
    ),
    "input.workbook_ratio": (
        "工作簿解开后超过上限（{packed} MB 解开为 {mb} MB，压缩比超过 {most}:1，不是 Excel 或 "
        "WPS 保存的工作簿），未读取；请删去多余的工作表或另存为 CSV",
        "the workbook unpacks beyond its bound ({mb} MB packed into {packed} MB, more than "
        "{most}:1: not as Excel or WPS saves it); it was not read: remove the extra sheets "
        "or save the tables as CSV",
    ),
    "input.bad_character": (
        "文字中有不允许的字符 {char}（换行、制表符等控制字符、改变文字方向的字符或零宽度等不可见字符）",
        "the text holds a character that is not allowed, {char} (a line break, tab or "
        "other control character, one that reverses the text's direction, or an invisible "
        "one such as a zero-width space)",
    ),
    "input.id_formula": (
        "编号不能以 {char} 开头（电子表格会把它当作公式执行）",
        "an id must not start with {char} (a spreadsheet would run it as a formula)",
    ),
    "input.text_too_long": ("文字太长（{n} 个字符，最多 {limit} 个）",
                            "the text is too long ({n} characters, at most {limit})"),
    "input.date_out_of_range": ("日期 {got} 不在 {min} 至 {max} 之间",
                                "the date {got} is not between {min} and {max}"),
    "input.leave_too_long": ("请假时段长达 {days} 天，超过了 {limit} 天的上限",
                             "the leave spans {days} days (at most {limit})"),
    "input.outcome_no_team": ("没有写检查人员：每次检查至少需要 {min} 名检查人员",
                              "no inspectors given: a visit needs at least {min}"),
    "input.outcome_small_team": (
        "只有 {n} 名检查人员：每次检查至少需要 {min} 名（《行政处罚法》第四十二条）",
        "only {n} inspector(s): a visit needs at least {min} (Administrative Penalty Law "
        "art. 42)",
    ),
    "input.outcome_same_inspector": ("检查人员“{id}”在同一次检查中出现了两次",
                                     "inspector '{id}' is named twice for one visit"),
    "input.outcome_conflict": (
        "检查人员“{id}”与该机构有利害关系，应当回避（见 conflicts 表）",
        "inspector '{id}' has a conflict of interest with this institution and must "
        "recuse (see the conflicts table)",
    ),
    "input.outcome_before_2000": ("检查日期早于 2000 年",
                                  "the visit is dated before 2000"),
    "input.outcome_before_opening": ("检查日期早于该机构的开办日期（{opened}）",
                                     "the visit is dated before the institution opened "
                                     "({opened})"),
    "input.outcome_weekend": ("检查日期是周末（{weekday}），不是工作日",
                              "the visit is dated on a weekend ({weekday}), not a "
                              "working day"),
    "input.outcome_holiday": ("检查日期是节假日（{name}），不是工作日",
                              "the visit is dated on a holiday ({name}), not a working day"),
    "input.outcome_duplicate": ("同一机构同一天的检查结果出现了两次（第一次在第 {first} 行）",
                                "a second outcome of the same visit (the first is on row "
                                "{first})"),
    "input.outcome_too_many": ("检查结果有 {n} 行，超过了 {limit} 行的上限",
                               "{n} rows of outcomes (at most {limit})"),
    "input.zip_same_name": ("压缩包里有两个同名文件；每张表只能有一个文件",
                            "the zip holds two files of this name (one of each table)"),
    "input.not_dataset_file": (
        "这种文件不是数据集（应为装有各张表的 .zip 压缩包，或一个 .xlsx 工作簿）",
        "this kind of file is not a dataset (a .zip of the contract's tables, or one .xlsx "
        "workbook, is expected)",
    ),
    # files and sheets that cannot be read as they are
    "input.bad_sheet": ("工作表无法读取（工作簿可能已损坏）",
                        "the sheet cannot be read (damaged workbook?)"),
    "input.not_geojson": ("文件不是有效的 GeoJSON（{detail}）",
                          "the file is not valid GeoJSON ({detail})"),
    "input.wrong_crs": (
        "坐标参考系是 {crs}，应为 WGS84 经纬度（EPSG:4326）",
        "the coordinate reference system is {crs}; longitude/latitude in EPSG:4326 (WGS 84) "
        "is expected",
    ),
    "input.column_twice": (
        "“{name}”列出现了两次（“{first}”和“{second}”），每列只能有一次",
        "column '{name}' appears twice (as '{first}' and '{second}')",
    ),
    "input.no_geometry": ("该要素没有几何图形", "a feature has no geometry"),
    "input.wrong_geometry": ("该要素的几何类型不对", "a feature has the wrong geometry type"),
    "input.invalid_geometry": ("该要素的几何图形无效（可能自相交）",
                               "a feature has invalid geometry (self-intersecting?)"),
    "input.end_before_start": ("结束日期早于开始日期，应为 {start} 当天或之后",
                               "the end is before the start (a date on or after {start})"),
    "input.conflict_no_target": (
        "这条回避记录既没有填机构编号（institution_id），也没有填举办者（operator），至少要填一项",
        "a conflict names neither an institution (institution_id) nor an operator (operator)",
    ),
    # the walking network (walk_network.graphml) and the forecast (forecast.csv)
    "input.not_graphml": (
        "文件不是有效的 GraphML（{detail}），应为用 networkx 或 OSMnx 保存的步行路网",
        "the file is not valid GraphML ({detail}); a walking network saved by networkx/OSMnx "
        "is expected",
    ),
    "input.network_no_nodes": ("步行路网中没有节点，至少要有一个带 x、y 坐标的节点",
                               "the network has no nodes (at least one node with x and y)"),
    "input.node_no_xy": ("节点“{node}”没有数值形式的 x、y 坐标，应为以度为单位的经度和纬度",
                         "node '{node}' has no numeric x/y (longitude and latitude in degrees)"),
    "input.edge_no_length": ("路段 {a}–{b} 没有数值形式的长度，应为以米为单位的长度",
                             "edge {a}-{b} has no numeric length (in metres)"),
    "input.edge_negative_length": ("路段 {a}–{b} 的长度是负数，应为不小于 0 的米数",
                                   "edge {a}-{b} has a negative length (a length >= 0 in metres)"),
    "input.forecast_no_measure": (
        "既没有“pop_0_3”（0-3岁人口）列，也没有“demand”（需求托位）列，至少要有其中一列",
        "neither 'pop_0_3' (0-3 population) nor 'demand' is given: one of them is needed",
    ),
    "input.kind.str": ("文本", "text"),
    "input.kind.int": ("整数", "a whole number"),
    "input.kind.float": ("数字", "a number"),
    "input.kind.bool": ("是或否（true/false）", "true or false (是/否)"),
    "input.kind.date": ("日期，格式 YYYY-MM-DD", "a date YYYY-MM-DD"),
    "input.kind.enum": ("以下之一：{choices}", "one of {choices}"),
    "input.kind.list": ("以分号分隔的列表", "a ';'-separated list"),
    "input.kind.weekdays": ("星期，如 周一;周二;周六", "weekdays like Mon;Tue;Sat (or 周一;周二)"),
    "input.kind.months": ("月份 1–12，如 3;4;5", "months 1-12 like 3;4;5"),
    "input.kind.year": ("年份，如 2027", "a year like 2027"),
    "input.kind.lon": ("经度，以度为单位（EPSG:4326）", "longitude in degrees (EPSG:4326)"),
    "input.kind.lat": ("纬度，以度为单位（EPSG:4326）", "latitude in degrees (EPSG:4326)"),
    "input.kind.point": ("点（Point）", "a Point"),
    "input.kind.point_or_polygon": ("点或面（Point、Polygon、MultiPolygon）",
                                    "a Point, Polygon or MultiPolygon"),
    "input.at_least": ("，不小于 {min}", " >= {min}"),
    "input.at_most": ("，不大于 {max}", " <= {max}"),
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
