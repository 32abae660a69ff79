"""``tuoyu roster`` (make a month's roster, or re-plan it ``--from`` a date),
``tuoyu roster publish`` (一公开: the month's draft becomes the roster in force),
``tuoyu roster notice`` (the public notice), ``tuoyu roster verify`` and
``tuoyu inspections record`` (outcomes, so the next month knows them).

Thin commands: options -> :class:`RosterParams` -> the store's history and
``tuoyu.planning.roster.run`` (through ``tuoyu.api.runner``) -> the files, published in
one step -> the store, as the month's draft (only after the files are published) -> the
plan, printed in Chinese (``--lang en``: English). Any failure (bad input, a published
month drawn again without ``--redraw-reason``, another roster of the month saved
meanwhile): a located message, exit 2, nothing stored.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path

import typer

from tuoyu.api.cli.common import (
    LANG_OPTION,
    Refusal,
    dataset_of,
    fail,
    help_of,
    holding,
    make_params,
    output_failure,
    param_option,
    plan_and_write,
    why_unreadable,
)
from tuoyu.api.text import Lang, message, render, render_data_error
from tuoyu.models.errors import DataError
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams
from tuoyu.planning.plan import Plan


def _lang(value: str) -> Lang:
    """The language of a command (``--lang`` is checked once, by its option)."""
    return value  # type: ignore[return-value]


def _state_error(exc: Exception, lang: Lang) -> None:
    """A month's state refuses the roster (published, saved meanwhile, nothing stored)."""
    from tuoyu.api.runner import state_error_text
    from tuoyu.api.store import RosterStateError

    assert isinstance(exc, RosterStateError)
    fail([state_error_text(exc, lang)], lang)


def make_roster(dataset: Dataset, params: RosterParams, out: Path, lang: Lang = "zh") -> Plan:
    """Make the roster (a live progress line on a terminal), store it as the month's
    draft and publish its files into ``out`` (:func:`common.plan_and_write`); print it.
    A published month without a reason, or another roster of the month saved
    meanwhile: exit 2, nothing written."""
    from tuoyu.api import store
    from tuoyu.api.exports import roster as export_roster

    plan, saved = plan_and_write(dataset, params, out, lang, show=None, engine=store.engine())
    assert saved is not None, "a roster is stored"
    rid, replaced = saved
    typer.echo(export_roster.summary(plan, lang))
    if replaced:
        typer.echo(message("roster.summary.replaced", {"month": params.month, "id": rid}, lang))
    typer.echo(message("roster.summary.draft", {"month": params.month}, lang))
    files = f"{out}/" + ", ".join(export_roster.FILES)
    typer.echo(message("roster.summary.written", {"files": files}, lang))
    return plan


def roster(
    ctx: typer.Context,
    data: Path = typer.Option(None, help=help_of("cli.help.data")),
    month: str = typer.Option(None, help=help_of("cli.help.roster.month")),
    seed: int = param_option(RosterParams, "seed", help="cli.help.roster.seed"),
    out: Path = typer.Option(Path("out/roster"), help=help_of("cli.help.roster.out")),
    draw_share: float = param_option(RosterParams, "draw_share",
                                     help="cli.help.roster.draw_share"),
    min_team: int = param_option(RosterParams, "min_team", help="cli.help.roster.min_team"),
    time_limit: float = param_option(RosterParams, "time_limit", "--work-limit",
                                     "--time-limit", help="cli.help.roster.time_limit"),
    wall_limit: float = param_option(RosterParams, "wall_limit", "--wall-limit",
                                     help="cli.help.wall_limit"),
    workers: int = param_option(RosterParams, "workers", help="cli.help.roster.workers"),
    redraw_reason: str = typer.Option(
        None, "--redraw-reason", help=help_of("cli.help.roster.redraw_reason")),
    from_date: str = typer.Option(None, "--from", help=help_of("cli.help.roster.from")),
    lang: str = LANG_OPTION,
) -> None:
    """生成月度检查排班：抽取机构，安排每次检查的日期和人员。 Make a month's roster: draw
    institutions, date and staff every inspection.

    Writes roster.csv, roster.xlsx (Chinese), draw.json (the audit record) and
    summary.txt, and stores the roster as the month's draft (publish it with
    ``tuoyu roster publish`` so the next month knows it).
    """
    if ctx.invoked_subcommand is not None:
        return
    language = _lang(lang)
    if month is None:
        fail([message("roster.month_missing", None, language)], language)
    params = make_params(
        RosterParams, language, month=month, seed=seed, draw_share=draw_share,
        min_team=min_team, time_limit=time_limit, workers=workers, wall_limit=wall_limit,
        redraw_reason=redraw_reason, from_date=from_date,
    )  # fmt: skip
    make_roster(dataset_of(data), params, out, language)  # type: ignore[arg-type]


def publish_cmd(
    month: str = typer.Option(..., help=help_of("cli.help.roster.publish_month")),
    data: Path = typer.Option(None, help=help_of("cli.help.data")),
    out: Path = typer.Option(None, help=help_of("cli.help.roster.publish_out")),
    lang: str = LANG_OPTION,
) -> None:
    """发布月度排班（一公开）：此后各月以其为历史，本月再排需给出 --redraw-reason。
    Publish a month's roster (一公开): from now on later months take it as history,
    and another roster of the month needs --redraw-reason."""
    from tuoyu.api import runner, store

    language = _lang(lang)
    params = make_params(RosterParams, language, month=month)
    dataset = dataset_of(data)
    with holding(out, language) if out is not None else nullcontext():
        # the roster folder held first: a re-plan writing it meanwhile stops this
        # publish before the store changes, and no stale book is stamped over its plan
        try:
            entry = runner.publish(dataset, params.month)
        except store.RosterStateError as exc:
            _state_error(exc, language)
        if out is not None:
            runner.restamp_roster(out, dataset)
    shown = {**entry, "month": params.month, "seed": str(entry["seed"]),
             "fingerprint": str(entry["fingerprint"])[:19] + "…"}
    typer.echo(message("roster.summary.published", shown, language))
    if entry.get("sealed_hash"):
        typer.echo(message("roster.summary.sealed", {"hash": entry["sealed_hash"]}, language))
    else:
        typer.echo(message("roster.verify.not_official", None, language))


def commit_cmd(
    month: str = typer.Option(..., help=help_of("cli.help.roster.cycle_month")),
    source: str = typer.Option("drand", help=help_of("cli.help.roster.source")),
    lottery: str = typer.Option(None, help=help_of("cli.help.roster.lottery")),
    lottery_date: str = typer.Option(None, help=help_of("cli.help.roster.lottery_date")),
    draw_share: float = param_option(RosterParams, "draw_share",
                                     help="cli.help.roster.draw_share"),
    min_team: int = param_option(RosterParams, "min_team", help="cli.help.roster.min_team"),
    reason: str = typer.Option(None, help=help_of("cli.help.roster.commit_reason")),
    data: Path = typer.Option(None, help=help_of("cli.help.data")),
    lang: str = LANG_OPTION,
) -> None:
    """承诺本月的正式抽取：固定其输入（带权重的候选、历史、规则、检查人员可用日、种子来源），
    输出承诺值（其 SHA-256），在抽查公告中公布。 Commit the month's official draw: fix its
    inputs (candidates with weights, history, rules, inspectors' available days, the seed
    source) and print the commitment (their SHA-256) to publish in the pre-announcement
    (抽查公告)."""
    from tuoyu.api import runner, store

    language = _lang(lang)
    given = {k: v for k, v in (("draw_share", draw_share), ("min_team", min_team))
             if v is not None}
    params = make_params(RosterParams, language, month=month, **given)
    spec: dict[str, object] = {"kind": source}
    if source == "lottery":
        spec.update(name=lottery or "", date=lottery_date or "")
    try:
        entry = runner.commit(dataset_of(data), params, spec, reason=reason)
    except DataError as exc:
        fail([render_data_error(exc, language)], language)
    except ValueError:  # a lottery date that is not a date
        from tuoyu.api.text.validation import reason as value_reason

        fail([message("cli.usage.bad_value", {"option": "--lottery-date", "reason": value_reason(
            {"type": "date_parsing"}, language)}, language)], language)
    except store.RosterStateError as exc:
        _state_error(exc, language)
    typer.echo(message("roster.summary.committed", _shown(entry, language), language))


def _shown(entry: dict, lang: Lang) -> dict[str, object]:
    from tuoyu.api.text import local_time
    from tuoyu.api.text.roster import source_text

    shown = {"month": "", **entry, "source": source_text(entry.get("source") or {}, lang)}
    for when in ("created_at", "revealed_at"):  # the store's UTC, as the office reads it
        if when in shown:
            shown[when] = local_time(shown[when], lang)
    return shown


def seed_cmd(
    month: str = typer.Option(..., help=help_of("cli.help.roster.cycle_month")),
    drand: Path = typer.Option(None, help=help_of("cli.help.roster.drand")),
    numbers: str = typer.Option(None, help=help_of("cli.help.roster.numbers")),
    data: Path = typer.Option(None, help=help_of("cli.help.data")),
    lang: str = LANG_OPTION,
) -> None:
    """给已承诺的月份填入种子来源的值：承诺中指定的 drand 轮次（离线校验其 BLS 签名）或
    开奖号码。种子是承诺值与该值的哈希；随后用 tuoyu roster --month 抽取。 Give the
    committed month its seed source's value: the drand round the commitment named (its BLS
    signature checked offline) or the lottery draw's numbers. The seed is a hash of the
    commitment and that value; draw next with ``tuoyu roster --month``."""
    from tuoyu.api import runner, store

    language = _lang(lang)
    params = make_params(RosterParams, language, month=month)
    try:
        value = (json.loads(drand.read_text(encoding="utf-8")) if drand is not None
                 else {"numbers": numbers or ""})  # fmt: skip
        entry = runner.seed(dataset_of(data), params.month, value)
    except DataError as exc:
        fail([render_data_error(exc, language)], language)
    except (OSError, ValueError) as exc:
        fail([message("cli.option.bad_file", {"option": "--drand", "path": str(drand),
                                              "reason": why_unreadable(exc, language)},
                      language)], language)
    except store.RosterStateError as exc:
        _state_error(exc, language)
    typer.echo(message("roster.summary.seeded", {**_shown(entry, language),
                                                 "month": params.month}, language))


def reveal_cmd(
    month: str = typer.Option(..., help=help_of("cli.help.roster.reveal_month")),
    data: Path = typer.Option(None, help=help_of("cli.help.data")),
    lang: str = LANG_OPTION,
) -> None:
    """月份结束后公开本月抽取：公示随后列出每次检查、检查组和完整的封存记录（页面自行校验）。
    Reveal the month's draw once the month is over: the public notice then shows every
    inspection, its team and the whole sealed record, which the page checks itself."""
    from tuoyu.api import runner, store

    language = _lang(lang)
    params = make_params(RosterParams, language, month=month)
    try:
        entry = runner.reveal(dataset_of(data), params.month)
    except store.RosterStateError as exc:
        _state_error(exc, language)
    typer.echo(message("roster.summary.revealed", _shown(entry, language), language))


def notice_cmd(
    month: str = typer.Option(..., help=help_of("cli.help.roster.notice_month")),
    out: Path = typer.Option(..., help=help_of("cli.help.roster.notice_out")),
    kind: str = typer.Option(None, help=help_of("cli.help.roster.notice_kind")),
    data: Path = typer.Option(None, help=help_of("cli.help.data")),
    lang: str = LANG_OPTION,
) -> None:
    """写出月度公示：抽查公告、抽查结果公示或公开后的抽取。 Write a public notice (公示) of
    a month: the pre-announcement, the results, or the revealed draw."""
    from tuoyu.api import runner, store
    from tuoyu.api.exports.notice import FILES, KINDS, NotRevealed, notice_of, write_notice
    from tuoyu.api.exports.output import OutputError, staged
    from tuoyu.models.inspection import load_inspection_data
    from tuoyu.models.reader import district_name

    language = _lang(lang)
    params = make_params(RosterParams, language, month=month)
    if kind is not None and kind not in KINDS:
        fail([message("cli.option.one_of", {"option": "--kind", "value": kind,
                                            "choices": list(KINDS)}, language)], language)
    try:
        with holding(out, language):  # another run writing out meanwhile: stop at once
            dataset = dataset_of(data)
            notice = notice_of(runner.month_view(dataset, params.month),
                               load_inspection_data(dataset.folder), language, kind,
                               district=district_name(dataset.folder))
            with staged(out) as tmp:
                write_notice(notice, tmp, language)
    except NotRevealed as exc:
        fail([message(exc.code, exc.params, language)], language)
    except store.RosterStateError as exc:
        _state_error(exc, language)
    except DataError as exc:
        fail([render_data_error(exc, language)], language)
    except (OutputError, OSError) as exc:
        fail([output_failure(exc, out, language)], language)
    typer.echo(message("roster.summary.notice", {"files": f"{out}/" + ", ".join(FILES)},
                       language))  # fmt: skip


def _verify_files(paths: list[Path]) -> tuple[Path, list[Path]]:
    """The record (the one draw.json among the paths; a folder stands for its files) and
    the other files given beside it (not the folder's mark, ``output.MARK``)."""
    from tuoyu.api.exports.output import MARK

    files: list[Path] = []
    for p in paths:
        if not p.exists():
            raise FileNotFoundError(str(p))
        files += sorted(f for f in p.iterdir() if f.is_file() and f.name != MARK
                        ) if p.is_dir() else [p]
    records = [f for f in files if f.name.endswith(".json")]
    if len(records) != 1:
        raise Refusal("cli.roster.one_record", count=len(records))
    return records[0], [f for f in files if f != records[0]]


def verify_cmd(
    paths: list[Path] = typer.Argument(..., help=help_of("cli.help.roster.draw")),
    data: Path = typer.Option(None, help=help_of("cli.help.data_recorded")),
    workers: int = typer.Option(8, help=help_of("cli.help.workers")),
    time_limit: float = typer.Option(120.0, "--work-limit", "--time-limit",
                                     help=help_of("cli.help.roster.time_limit")),
    lang: str = LANG_OPTION,
) -> None:
    """复核抽取：重新计算完整的审计记录，与给出的每个文件和库中的副本比对，说明哪些一致、
    哪些不同、哪些无法核对；全部一致且库中有该记录时才以 0 退出。 Recompute a draw's whole
    audit record, check every file given and the store's copy against it, and say what
    matches, what differs and what could not be checked. Exit 0 only when everything
    checked matches and the store holds the record."""
    from tuoyu.api import runner
    from tuoyu.api.exports.audit import check_record
    from tuoyu.planning.audit import verify_draw

    language = _lang(lang)
    path = paths[0]
    try:
        path, others = _verify_files(paths)
        record = json.loads(path.read_text(encoding="utf-8"))
        sealed = None
        if isinstance(record, dict) and record.get("kind") == "tuoyu.roster.sealed":
            sealed, record = record, record.get("record")  # a revealed record: its draw
        check_record(record, path.name)
        # the folder given, else the one an older record names, else the store's: a
        # record names no folder since 2026-12-07 (runner.recorded_dataset)
        folder = data or record["inputs"].get("data_dir")
        dataset = Dataset.at(folder) if folder else runner.recorded_dataset(record)
        if dataset is None:
            fail([message("input.record_no_dataset", {"path": str(path)}, language)],
                 language)
            return
        draws = runner.store_draws(dataset, str(record["month"]))
        chain = runner.store_chain(dataset)
        verdict = verify_draw(record, dataset, draws=draws, files=others, chain=chain,
                              sealed=sealed, time_limit=time_limit, workers=workers)
    except DataError as exc:
        fail([render_data_error(exc, language)], language)
    except (OSError, KeyError, ValueError, TypeError) as exc:
        reason = {"path": str(path), "reason": why_unreadable(exc, language)}
        typer.echo(message("roster.verify.cannot", reason, language), err=True)
        raise typer.Exit(2) from None
    sep = "、" if language == "zh" else ", "
    typer.echo(message("roster.verify.checked", {"files": sep.join(verdict.checked)}, language))
    typer.echo(message("roster.verify.official" if verdict.official
                       else "roster.verify.not_official", None, language))
    if verdict.unchecked:
        typer.echo(message("roster.verify.unchecked", {"files": sep.join(verdict.unchecked)},
                           language))  # fmt: skip
    if verdict.matches:
        typer.echo(f"{path}: " + message("roster.verify.matches", None, language))
        return
    typer.echo(f"{path}: " + message("roster.verify.differs", None, language), err=True)
    for p in verdict.findings:
        typer.echo(f"  - {render(p, language)}", err=True)
    raise typer.Exit(1)


def record_cmd(
    file: Path = typer.Argument(..., help=help_of("cli.help.roster.outcomes")),
    data: Path = typer.Option(None, help=help_of("cli.help.data")),
    lang: str = LANG_OPTION,
) -> None:
    """录入检查结果（合格 / 整改 / 不合格），供以后各月使用。 Record inspection outcomes
    (pass / rectify / fail) for the months ahead.

    晚于今天的结果不予录入；今天为本机日期，或 TUOYU_TODAY=YYYY-MM-DD（例如试用内置的 2027
    年数据）。 Outcomes dated after today are refused; today is the machine's date, or
    TUOYU_TODAY=YYYY-MM-DD (e.g. to try the bundled 2027 timeline)."""
    from tuoyu.api import runner

    language = _lang(lang)
    from tuoyu.api.store import OutcomesBusy

    try:
        n = runner.record_outcomes(file, dataset_of(data))
    except DataError as exc:
        fail([render_data_error(exc, language)], language)
    except OutcomesBusy as exc:  # another upload being stored: nothing recorded, exit 2
        _state_error(exc, language)
    typer.echo(message("roster.summary.recorded", {"count": n}, language))


def register(app: typer.Typer) -> None:
    roster_app = typer.Typer(help=help_of("cli.help.roster.group"))
    roster_app.callback(invoke_without_command=True)(roster)
    roster_app.command("verify")(verify_cmd)
    roster_app.command("publish")(publish_cmd)
    roster_app.command("notice")(notice_cmd)
    roster_app.command("commit")(commit_cmd)
    roster_app.command("seed")(seed_cmd)
    roster_app.command("reveal")(reveal_cmd)
    inspections_app = typer.Typer(help=help_of("cli.help.inspections.group"))
    inspections_app.command("record")(record_cmd)
    app.add_typer(roster_app, name="roster")
    app.add_typer(inspections_app, name="inspections")
