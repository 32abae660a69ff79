"""What every planner's command does, once: run the plan, print its reasons, publish its
files, and turn every failure into a located message and exit code 2 (never a
traceback): bad input, parameters, a clash of the rules, the time limit, an out folder
that cannot be written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError

from tuoyu.api.text import (
    LANGS,
    Lang,
    describe,
    label,
    message,
    render,
    render_data_error,
    stage_label,
)
from tuoyu.models.errors import DataError
from tuoyu.planning import ProgressEvent, ProgressFn
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import AnyParams
from tuoyu.planning.plan import Plan


def fail(lines: list[str], lang: Lang = "zh") -> None:
    for line in lines:
        typer.echo(line, err=True)
    typer.echo(label("cli.nothing_written", lang), err=True)
    raise typer.Exit(2)


def check_lang(value: str) -> str:
    """The one check of ``--lang`` for every command: zh or en, else exit 2 (before
    anything runs)."""
    if value not in LANGS:
        fail([message("cli.lang_invalid", {"lang": value}, "zh")])
    return value


LANG_OPTION: Any = typer.Option("zh", "--lang", callback=check_lang,
                                help="输出语言 Language of what is printed: zh | en.")


class Refusal(ValueError):
    """A refusal of the command line, said from the catalogue (``code``, ``params``)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def why_unreadable(exc: Exception, lang: Lang = "zh") -> str:
    """Why a file named on the command line could not be read, in ``lang`` (the
    library's own words only for a failure not named here)."""
    import json

    if isinstance(exc, Refusal):
        return message(exc.code, exc.params, lang)
    if isinstance(exc, json.JSONDecodeError):
        return message("cli.file.not_json", {"line": exc.lineno, "column": exc.colno}, lang)
    codes = ((FileNotFoundError, "cli.file.missing"), (IsADirectoryError, "cli.file.is_folder"),
             (PermissionError, "cli.file.no_permission"), (UnicodeDecodeError, "cli.file.not_utf8"))
    for kind, code in codes:
        if isinstance(exc, kind):
            return label(code, lang)
    reason = getattr(exc, "strerror", None) or str(exc)
    return message("cli.file.unreadable", {"reason": reason}, lang)


def help_of(code: str) -> str:
    """An option's --help, Chinese first, then English (from the catalogue)."""
    return f"{label(code, 'zh')} {label(code, 'en')}"


def both(code: str, **params: Any) -> str:
    """A sentence in Chinese, then in English in brackets: for commands without --lang."""
    return f"{message(code, params, 'zh')}（{message(code, params, 'en')}）"


def param_option(cls: type[AnyParams], field: str, *decls: str, help: str) -> Any:
    """An option for a parameter: None unless given, so the parameter's own default
    (written once, in ``planning/params.py``) wins; --help shows that default."""
    default = cls.model_fields[field].default
    return typer.Option(None, *decls, help=help_of(help),
                        show_default=str(default) if default is not None else False)


def dataset_of(data: Path | None) -> Dataset:
    return Dataset.bundled() if data is None else Dataset.at(data)


def make_params(cls: type[AnyParams], lang: Lang = "zh", **values: Any) -> AnyParams:
    """Parameters from options; a value the planner would refuse stops here (exit 2)."""
    try:
        return cls.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        from tuoyu.api.text.validation import sentence

        kind = cls.model_fields["kind"].default if "kind" in cls.model_fields else None
        fail([message("input.params", {"what": sentence(e, lang, kind)}, lang)
              for e in exc.errors()], lang)
        raise AssertionError("unreachable") from None


class ConsoleProgress:
    """A live line on the terminal while a plan is solved: stage, seconds, objective,
    bound and gap (Rich; only when standard error is a terminal, so logs stay clean)."""

    def __init__(self, lang: Lang = "zh") -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.lang = lang
        self.status: Any = None

    def __enter__(self) -> ConsoleProgress:
        if self.console.is_terminal:
            self.status = self.console.status(label("cli.solving", self.lang))
            self.status.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.status is not None:
            self.status.__exit__(*exc)

    def __call__(self, event: ProgressEvent) -> None:
        if self.status is None:
            return
        self.status.update(progress_line(event, self.lang))


def progress_line(event: ProgressEvent, lang: Lang = "zh") -> str:
    """The live line: the stage, seconds, and the figures as the finished plan says them
    (``plan.figures``: the same rounding and the same gap); a stage whose objective is
    not yet the plan's shows its own objective and bound, and no gap."""
    from tuoyu.api.text import number, percent

    stage = stage_label(event.stage, lang)
    secs = f"{event.seconds:5.1f} 秒" if lang == "zh" else f"{event.seconds:5.1f} s"
    if event.whole:
        figures = message("plan.figures", {"objective": number(event.objective),
                                           "bound": number(event.bound),
                                           "gap": percent(event.gap)}, lang)
    else:
        figures = message("plan.stage_figures", {"objective": number(event.objective),
                                                 "bound": number(event.bound)}, lang)
    return f"{stage}  {secs}  {figures}"


def output_failure(exc: Exception, out: Path, lang: Lang = "zh") -> str:
    """Why a plan's files could not be written (the out folder itself, or a file inside
    the staging folder), in the reader's language."""
    from tuoyu.api.exports.output import OutputError

    if isinstance(exc, OutputError):
        reason = message(exc.code, exc.params, lang) if exc.code else exc.reason
        return message("output.error", {"path": str(exc.path), "reason": reason}, lang)
    reason = getattr(exc, "strerror", None) or str(exc)
    return message("output.error", {"path": str(out), "reason": reason}, lang)


@contextmanager
def holding(out: Path, lang: Lang = "zh") -> Iterator[None]:
    """Hold the out folder ``out`` for what runs inside (:func:`tuoyu.api.exports.output.
    claim`): from before anything is read from it or written into it until the files are
    in place. Another run holding it: its folder and process, "nothing was written", exit
    2 at once. The same run may claim it again inside (:func:`plan_and_write` does)."""
    from tuoyu.api.exports.output import OutputError, claim

    try:
        with claim(out):
            yield
    except OutputError as exc:  # the folder cannot be claimed (held, a file, read-only)
        fail([output_failure(exc, out, lang)], lang)


def check_ours(out: Path, engine: Any = None) -> None:
    """Before anything is solved: refuse an ``out`` folder whose files tuoyu did not
    write (:func:`tuoyu.api.exports.output.check_ours`: publishing replaces the folder
    whole). A folder the store noted as a plan folder (written before folders were
    marked) is marked and kept. Raises :class:`OutputError`."""
    from tuoyu.api import store
    from tuoyu.api.exports import output

    try:
        output.check_ours(out)
    except output.OutputError as exc:
        if exc.code != "output.not_ours" or not store.folder_noted(engine or store.engine(),
                                                                    out):
            raise
        output.mark(Path(out))


def plan_and_write(dataset: Dataset, params: AnyParams, out: Path, lang: Lang = "zh",
                   previous: Path | None = None,
                   show: Callable[[Plan, Lang], str] | None = describe,
                   progress: ProgressFn | None = None,
                   engine: Any = None) -> tuple[Plan, Any]:
    """Make the plan, deliver it (:func:`tuoyu.api.runner.deliver`: files staged, the
    plan stored by its planner's ``save`` hook, then published into ``out``), print it
    (``show``: the planner's own summary, :func:`describe` by default; None: the caller
    prints). Returns the plan and what its ``save`` hook returned. Every failure: the
    reasons, "nothing was written", exit 2. The run holds ``out`` from before the solve
    until the plan is published and noted (:func:`tuoyu.api.exports.output.claim`): a
    second run into the same folder meanwhile stops at once, naming the folder."""
    from tuoyu.api.exports.output import OutputError, claim

    try:
        with claim(out):
            check_ours(out, engine)
            return _plan_and_write(dataset, params, out, lang, previous, show, progress,
                                   engine)
    except OutputError as exc:  # the folder cannot be claimed (held, a file, read-only)
        fail([output_failure(exc, out, lang)], lang)
        raise  # unreachable: fail() exits


def _plan_and_write(dataset: Dataset, params: AnyParams, out: Path, lang: Lang,
                    previous: Path | None, show: Callable[[Plan, Lang], str] | None,
                    progress: ProgressFn | None, engine: Any) -> tuple[Plan, Any]:
    from tuoyu.api import runner, store
    from tuoyu.api.exports.output import OutputError

    try:
        with ConsoleProgress(lang) as live:
            plan = runner.make_plan(dataset, params, engine=engine, previous=previous,
                                    progress=progress or live)
    except DataError as exc:
        fail([render_data_error(exc, lang)], lang)
    except store.RosterStateError as exc:
        fail([runner.state_error_text(exc, lang)], lang)
    if not plan.ok:
        fail([(show or describe)(plan, lang)], lang)
    try:
        saved = runner.deliver(plan, out, dataset=dataset, engine=engine, lang=lang)
    except store.RosterStateError as exc:
        fail([runner.state_error_text(exc, lang)], lang)
    except (OutputError, OSError) as exc:
        fail([output_failure(exc, out, lang)], lang)
    note_folder(plan, out, dataset, engine, lang)
    if forgotten_meanwhile(plan, out, dataset, engine):
        fail([message("cli.forget.meanwhile", {}, lang)], lang)
    if show is not None:
        typer.echo(show(plan, lang))
    if show is describe:
        typer.echo(message("cli.written", {"out": str(out)}, lang))
    return plan, saved


def note_folder(plan: Plan, out: Path, dataset: Dataset, engine: Any, lang: Lang) -> None:
    """Note in the store where the plan was written, so that the pages of ``tuoyu serve``
    on the same store and ``tuoyu scorecard`` find it. The files are written whatever
    happens here: a store that refuses says so, and the command still succeeds."""
    from sqlalchemy.exc import SQLAlchemyError

    from tuoyu.api import store

    try:
        store.note_plan_folder(engine or store.engine(), dataset.key, plan.kind, out,
                               dict(plan.params))
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(message("cli.folder_not_noted", {
            "out": str(out), "reason": type(exc).__name__}, lang), err=True)


def forgotten_meanwhile(plan: Plan, out: Path, dataset: Dataset, engine: Any) -> bool:
    """A home-visit plan published into ``out`` and noted (:func:`note_folder`) whose
    families were forgotten while it was made (``tuoyu forget-families``): its files and
    note deleted (:func:`tuoyu.api.forget.withdraw_if_forgotten`). True then; False for a
    plan of another kind, or whose families are still there."""
    from tuoyu.api import forget, store

    if plan.kind != forget.KIND:
        return False
    return forget.withdraw_if_forgotten(engine or store.engine(), folder=Path(dataset.folder),
                                        key=dataset.key, out=out)


__all__ = ["LANG_OPTION", "Refusal", "check_lang", "why_unreadable", "dataset_of", "fail", "help_of", "make_params",
           "param_option", "plan_and_write", "render"]
