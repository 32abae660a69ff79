"""Messages of ``tuoyu city`` (many districts at once): progress, failures, the summary."""

MESSAGES: dict[str, tuple[str, str]] = {
    "city.progress": ("各区规划", "districts planned"),
    "city.start": (
        "共 {districts} 个区、{tasks} 项规划，在 {where} 上计算。",
        "{districts} districts, {tasks} plans, computed on {where}.",
    ),
    "city.local_cluster": ("本机 Dask 集群（{workers} 个进程）", "a local Dask cluster "
                           "({workers} processes)"),
    "city.district.ok": ("{district}：{planner}，{status}，用时 {seconds} 秒",
                         "{district}: {planner}, {status}, {seconds} s"),
    "city.district.failed": ("{district}：{planner}未完成：{reason}",
                             "{district}: {planner} failed: {reason}"),
    "city.data_error": ("输入数据有误", "the input has problems"),
    "city.crash": ("计算出错（{type}）：{reason}", "the computation failed ({type}): {reason}"),
    "city.cancelled": ("已取消，未完成", "cancelled before it finished"),
    "city.no_plan": ("没有得到方案", "no plan"),
    "city.folder_twice": ("文件夹 {folder} 给了不止一次，只规划一次。",
                          "The folder {folder} was given more than once; it is planned once."),
    "city.no_data": ("请用 --data 至少给出一个区的数据文件夹。",
                     "Give at least one district's data folder with --data."),
    "city.scheduler": ("无法连接 Dask 调度器 {address}：{reason}",
                       "Cannot connect to the Dask scheduler {address}: {reason}"),
    "city.written": ("已写入：{out}（各区一个文件夹，汇总见 city_summary.csv、city_summary.xlsx）",
                     "Written: {out} (a folder per district; the summary in city_summary.csv, "
                     "city_summary.xlsx)"),
    "city.summary_error": (
        "无法写出城市汇总表：{path}（{reason}）；已完成的各区方案已写入各自的文件夹。",
        "Cannot write the city summary: {path} ({reason}); the districts finished are "
        "written in their folders.",
    ),
    "city.all_ok": ("全部 {districts} 个区均已完成。", "All {districts} districts planned."),
    "city.some_failed": (
        "{failed} 个区未全部完成：{names}。其余各区的方案已写入。",
        "{failed} districts did not finish every plan: {names}. The other districts' plans "
        "are written.",
    ),
    "city.interrupted": (
        "已中断：已完成的区已写入，其余已取消，集群已关闭。",
        "Interrupted: the districts finished are written, the rest cancelled, the cluster "
        "closed.",
    ),
    "city.drafts": (
        "各区排班已作为 {month} 的草稿存入数据库（按数据文件夹区分）；公布请对各区运行 "
        "tuoyu roster publish --data 文件夹 --month {month}。",
        "Each district's roster is stored as {month}'s draft (keyed by its data folder); "
        "publish it with tuoyu roster publish --data FOLDER --month {month}.",
    ),
    "city.targets_met": ("{met}/{all} 项达标", "{met}/{all} met"),
    # the summary table's columns
    "city.col.district": ("区", "district"),
    "city.col.planner": ("规划", "planner"),
    "city.col.status": ("状态", "status"),
    "city.col.objective": ("目标值", "objective"),
    "city.col.gap": ("差距", "gap"),
    "city.col.targets": ("关键目标达标", "key targets met"),
    "city.col.seconds": ("用时（秒）", "seconds"),
    "city.col.error": ("错误信息", "error"),
    "city.col.folder": ("数据文件夹", "data folder"),
    "city.status.failed": ("未完成", "failed"),
}
