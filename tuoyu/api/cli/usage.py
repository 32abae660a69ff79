"""A command line the parser refuses, said in Chinese first.

The parser (typer's own copy of click, typer 0.29.2, pinned) says a missing option, a
value of the wrong type, an unknown option or command in English, in a box titled
"Error". Every such refusal is caught where it happens (:class:`ChineseUsage`, the class
of every command and group of ``tuoyu``) and said from the catalogue instead: what is
wrong, the command's ``--help``, "nothing was written", each in Chinese and then in
English (the command's ``--lang`` is not read yet), exit code 2, as every other refusal
of the command line.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import typer
from typer._click import exceptions as click_errors

from tuoyu.api.text import label, message
from tuoyu.api.text.validation import reason as value_reason

#: the parser's English sentences without a class of their own (``ctx.fail``)
_NO_SUCH_COMMAND = re.compile(r"^No such command '(?P<command>.*)'\.(?: Did you mean (?P<like>.*)\?)?$",
                              re.S)
_EXTRA = re.compile(r"^Got unexpected extra argument(?:\(s\))? \((?P<args>.*)\)$", re.S)
_MISSING_COMMAND = "Missing command."


def _shown(value: object, limit: int = 100) -> str:
    """A value the user typed, as it may be printed: control characters escaped, long
    ones cut."""
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _name(param: Any) -> str:
    """An option by its first long name (``--week``), an argument by its metavar."""
    opts = list(getattr(param, "opts", None) or [])
    if getattr(param, "param_type_name", "") == "option" and opts:
        return max(opts, key=len)
    return str(getattr(param, "display_name_raw", None) or getattr(param, "name", "")).upper()


def _help(param: Any, lang: str) -> str | None:
    """What an option is for, in ``lang``: its help is the Chinese sentence, then the
    English one (``tuoyu.api.cli.common.help_of``)."""
    both = re.match(r"^(.*?[\u3002\uff09])\s+([A-Za-z].*)$", " ".join(
        str(getattr(param, "help", None) or "").split()))
    if both is None:
        return None
    return both[1 if lang == "zh" else 2].rstrip("。.")


def _bad_value(exc: click_errors.BadParameter, lang: str) -> str:
    """Why a value was refused: pydantic's error (typer converts with it) said by its
    type from the catalogue, with the value given; else the parser's own words."""
    cause = exc.__cause__
    errors = cause.errors() if hasattr(cause, "errors") else []
    if errors:
        why = value_reason(errors[0], lang)
        if "input" in errors[0]:
            why = message("cli.usage.got", {"reason": why,
                                            "value": _shown(errors[0]["input"])}, lang)
    else:
        why = _shown(exc.message, 300)
    option = _name(exc.param) if exc.param is not None else ""
    return message("cli.usage.bad_value", {"option": option, "reason": why}, lang)


def what_is_wrong(exc: click_errors.UsageError, lang: str) -> str:
    """One refusal of the parser as a sentence in ``lang``."""
    if isinstance(exc, click_errors.MissingParameter) and exc.param is not None:
        code = ("cli.usage.missing_option" if exc.param.param_type_name == "option"
                else "cli.usage.missing_argument")
        what = message(code, {"option": _name(exc.param), "name": _name(exc.param)}, lang)
        meaning = _help(exc.param, lang)
        return what if meaning is None else (f"{what}（{meaning}）" if lang == "zh"
                                             else f"{what} ({meaning})")
    if isinstance(exc, click_errors.BadParameter):
        return _bad_value(exc, lang)
    if isinstance(exc, click_errors.NoSuchOption):
        what = message("cli.usage.no_such_option", {"option": _shown(exc.option_name)}, lang)
        if exc.possibilities:
            what = message("cli.usage.did_you_mean", {
                "what": what, "like": sorted(exc.possibilities)}, lang)
        return what
    if isinstance(exc, click_errors.BadOptionUsage):
        return message("cli.usage.needs_value", {"option": _shown(exc.option_name)}, lang)
    text = exc.message
    if found := _NO_SUCH_COMMAND.match(text):
        what = message("cli.usage.no_such_command", {"command": _shown(found["command"])}, lang)
        if found["like"]:
            like = re.findall(r"'([^']*)'", found["like"])
            what = message("cli.usage.did_you_mean", {"what": what, "like": like}, lang)
        return what
    if found := _EXTRA.match(text):
        return message("cli.usage.extra", {"args": _shown(found["args"])}, lang)
    if text == _MISSING_COMMAND:
        return label("cli.usage.missing_command", lang)
    return _shown(text, 300)  # a refusal not named here: the parser's own words


def refuse(exc: click_errors.UsageError, command: str | None = None) -> None:
    """Print the refusal in Chinese, then in English, and stop with exit code 2.
    ``command``: the command refused, where the parser did not say (an option without
    its value)."""
    command = exc.ctx.command_path if exc.ctx is not None else command or "tuoyu"
    for lang in ("zh", "en"):
        typer.echo(message("cli.usage.error", {"what": what_is_wrong(exc, lang)}, lang),
                   err=True)
        typer.echo(message("cli.usage.help", {"command": command}, lang), err=True)
    typer.echo(f"{label('cli.nothing_written', 'zh')} {label('cli.nothing_written', 'en')}",
               err=True)
    sys.stderr.flush()
    raise typer.Exit(2)


class ChineseUsage:
    """A command or group whose refusals by the parser are said in Chinese first
    (:func:`refuse`): those of its own options (``make_context``) and, for a group, those
    of the command named (``invoke``)."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)  # type: ignore[misc]
        except click_errors.NoArgsIsHelpError:
            raise
        except click_errors.UsageError as exc:
            path = " ".join(x for x in (parent.command_path if parent else "", info_name) if x)
            refuse(exc, path)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except click_errors.NoArgsIsHelpError:
            raise
        except click_errors.UsageError as exc:
            refuse(exc)
