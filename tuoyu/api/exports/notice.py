"""The public notices of a month's inspections (双随机、一公开), written from plain data (a
:class:`~tuoyu.planning.audit.MonthView` the store gathers, and the dataset's tables):
the exporter never opens the store.

Three notices, each a printable, self-contained ``notice.html`` (every name inserted as
escaped text) and ``notice.xlsx`` (every cell text):

* ``announcement`` (抽查公告, before the month): the 一单两库一细则 facts — the matters
  inspected, the directories of institutions and of inspectors (names and departments
  only), the ratio, the frequency, the method — and the commitment and, once published
  to the inspectors, the sealed record's hash. Never which institution is inspected
  when, nor by whom (inspections are unannounced: 不得事先告知).
* ``results`` (抽查结果公示): each inspection whose outcome is recorded (so, done):
  institution, date, matters, result, follow-up, and the date by which it is public
  (20 working days after the inspection, 国发〔2019〕5号).
* ``revealed`` (once the month is over and revealed): every inspection with its team,
  the whole sealed record and its committed inputs attached; the page recomputes their
  SHA-256 itself (Web Crypto, offline) and says whether they match the sealed hash and
  the commitment published before. No command line for a citizen.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tuoyu.api.exports.workbook import Book, Title
from tuoyu.api.text import Lang, label, local_time, message
from tuoyu.api.text.roster import source_text
from tuoyu.models.inspection import InspectionData
from tuoyu.planning.audit import MonthView

FILES = ("notice.html", "notice.xlsx")
KINDS = ("announcement", "results", "revealed")
WEEKDAY = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
#: the matters inspected (抽查事项清单), as the inspectors' skills name them
MATTERS = ("safety", "hygiene", "fire", "food")
#: the results of an inspection are public within this many working days
RESULTS_WITHIN = 20


class NotRevealed(Exception):
    """The month's draw is not revealed: its inspections stay sealed."""

    code = "roster.notice_sealed"

    def __init__(self, month: str) -> None:
        self.params = {"month": month}
        super().__init__(f"{self.code} {month}")


@dataclass(frozen=True)
class Section:
    """One part of a notice: a heading, then a table (columns and rows) or a paragraph."""

    title: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    text: str = ""
    ident: str = ""  # the HTML id of a value a script reads (the sealed hash, …)


@dataclass(frozen=True)
class Notice:
    """What a notice says, in plain data (already in the reader's language)."""

    month: str
    kind: str
    title: str
    sections: tuple[Section, ...]
    attachments: tuple[tuple[str, str, str], ...] = ()  # (id, title, canonical JSON text)
    check: bool = False  # the page checks its attachments itself


def _t(code: str, lang: Lang, **params: object) -> str:
    text = label(f"roster.notice.{code}", lang)
    return text.format(**params) if params else text


def _matters(skills: set[str], lang: Lang) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(label(f"roster.matter.{m}", lang) for m in MATTERS if m in skills)


def _share(view: MonthView) -> float | None:
    for c in reversed(view.commitments):
        rules = c.get("rules") or {}
        if "draw_share" in rules:
            return float(rules["draw_share"])
    rules = (view.record or {}).get("rules") or {}
    return float(rules["draw_share"]) if "draw_share" in rules else None


def _commitment_rows(view: MonthView, lang: Lang) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (str(c["seq"]), str(c["commitment"]), local_time(c.get("created_at"), lang),
         source_text(dict(c.get("source") or {}), lang), str(c.get("reason") or "—"),
         _t("seeded", lang) if c.get("seeded") else _t("not_seeded", lang))
        for c in view.commitments)  # fmt: skip


def _cycle_section(view: MonthView, lang: Lang) -> Section:
    rows = [(_t("step", lang), label(f"roster.step.{view.step}", lang))]
    if view.sealed_hash:
        rows += [(_t("sealed_hash", lang), view.sealed_hash),
                 (_t("sealed_at", lang), local_time(view.sealed_at, lang))]
    if view.revealed_at:
        rows.append((_t("revealed_at", lang), local_time(view.revealed_at, lang)))
    return Section(_t("cycle_head", lang), (_t("item", lang), _t("value", lang)), tuple(rows))


def announcement(view: MonthView, data: InspectionData, lang: Lang = "zh") -> Notice:
    """The pre-announcement (抽查公告): 一单两库一细则 and the commitment; never a date or
    a team of an inspection."""
    street = {s.street_id: s.name for s in data.streets}
    active = sorted((i for i in data.institutions if i.active), key=lambda i: i.institution_id)
    share = _share(view)
    ratio = (_t("ratio", lang, share=f"{share * 100:g}", count=round(share * len(active)),
                active=len(active)) if share is not None else _t("ratio_unknown", lang))
    sections = [
        Section(_t("matters_head", lang), (_t("matter", lang), _t("matter_what", lang)),
                tuple((label(f"roster.matter.{m}", lang), label(f"roster.matter_what.{m}", lang))
                      for m in MATTERS)),
        Section(_t("institutions_head", lang),
                (_t("name", lang), _t("street", lang), _t("kind", lang)),
                tuple((i.name, street.get(i.street_id, i.street_id),
                       label(f"code.institution_kind.{i.kind}", lang)) for i in active)),
        Section(_t("inspectors_head", lang), (_t("inspector", lang), _t("department", lang)),
                tuple((i.name, i.department)
                      for i in sorted(data.inspectors, key=lambda i: i.inspector_id))),
        Section(_t("ratio_head", lang), text=ratio + " " + _t("frequency", lang)),
        Section(_t("method_head", lang), text=_t("method", lang)),
        Section(_t("commitment_head", lang),
                tuple(_t(c, lang) for c in ("seq", "commitment", "committed_at", "source",
                                            "commit_reason", "seed_state")),
                _commitment_rows(view, lang),
                text="" if view.commitments else _t("no_commitment", lang)),
        _cycle_section(view, lang),
        Section(_t("verify_head", lang), text=_t("how_to_verify", lang)),
    ]  # fmt: skip
    return Notice(view.month, "announcement", _t("title_announcement", lang, month=view.month),
                  tuple(sections))


def _workdays_after(data: InspectionData, day: dt.date, n: int) -> dt.date:
    d, left = day, n
    while left:
        d += dt.timedelta(days=1)
        left -= data.calendar.is_workday(d)
    return d


def _follow_up(outcome: str, day: dt.date, lang: Lang) -> str:
    if outcome == "pass":
        return _t("follow_none", lang)
    return _t(f"follow_{outcome}", lang, due=(day + dt.timedelta(days=30)).isoformat())


def results(view: MonthView, data: InspectionData, lang: Lang = "zh") -> Notice:
    """The results notice (抽查结果公示): each inspection of the month whose outcome is
    recorded — institution, date, matters, result, follow-up, public by."""
    inst = {i.institution_id: i.name for i in data.institutions}
    skills = {i.inspector_id: set(i.skills) for i in data.inspectors}
    teams = {(v["institution_id"], v["date"]): str(v["inspector_ids"]) for v in view.visits}
    rows = []
    for iid, date, outcome in view.outcomes:
        team = [p for p in teams.get((iid, date), "").split(";") if p]
        done = set().union(*(skills.get(p, set()) for p in team)) if team else {
            "safety", "hygiene"}  # the rule every team meets
        day = dt.date.fromisoformat(date)
        rows.append((inst.get(iid, iid), date, _matters(done, lang),
                     label(f"outcome.{outcome}", lang), _follow_up(outcome, day, lang),
                     _workdays_after(data, day, RESULTS_WITHIN).isoformat()))  # fmt: skip
    columns = tuple(_t(c, lang) for c in ("name", "date", "matters", "outcome", "follow_up",
                                          "public_by"))
    section = Section(_t("results_head", lang), columns, tuple(rows),
                      text="" if rows else _t("no_results", lang))
    return Notice(view.month, "results", _t("title_results", lang, month=view.month),
                  (section, Section(_t("results_note_head", lang),
                                    text=_t("results_note", lang, days=RESULTS_WITHIN))))


def _inspection_rows(view: MonthView, data: InspectionData, lang: Lang
                     ) -> list[tuple[str, ...]]:
    """Every inspection of the sealed record: day, institution, street, reason, team (names
    and departments) and its recorded outcome."""
    assert view.record is not None
    inst = {i.institution_id: i.name for i in data.institutions}
    insp = {i.inspector_id: i for i in data.inspectors}
    street = {s.street_id: s.name for s in data.streets}
    outcome = {(i, d): o for i, d, o in view.outcomes}
    sep = "、" if lang == "zh" else ", "
    rows = []
    for v in sorted(view.record.get("result", []), key=lambda v: (v["date"], v["institution_id"])):
        team = [insp[p] for p in v["inspector_ids"] if p in insp]
        day = dt.date.fromisoformat(v["date"])
        o = outcome.get((v["institution_id"], v["date"]))
        rows.append((v["date"], (("周" if lang == "zh" else "") + WEEKDAY[lang][day.weekday()]),
                     inst.get(v["institution_id"], v["institution_id"]),
                     street.get(v["street_id"], v["street_id"]),
                     label(f"roster.reason.{v['reason']}", lang),
                     sep.join(p.name for p in team),
                     sep.join(sorted({p.department for p in team})),
                     label(f"outcome.{o}", lang) if o else _t("not_recorded", lang)))
    return rows


def _draw_facts(record: dict[str, Any], inspections: int, lang: Lang
                ) -> list[tuple[str, str]]:
    """The draw's facts: seed, official or not (commitment and seed source), counts."""
    official = record.get("official") or {}
    facts = [(_t("seed", lang), str(record.get("seed", ""))),
             (_t("official", lang), _t("yes" if official else "not_official", lang))]
    if official:
        source = official["inputs"].get("seed_source") or {}
        facts += [(_t("commitment", lang), str(official.get("commitment"))),
                  (_t("source", lang), source_text(dict(source), lang))]
    facts += [(_t("inspections", lang), str(inspections)),
              (_t("drawn", lang), str(len(record.get("draw", {}).get("drawn", [])))),
              (_t("redraw_reason", lang), str(record.get("redraw_reason") or "—"))]
    return facts


#: what an older sealed record's server folder reads as once withheld
WITHHELD = "（已隐去）"


def withhold_folder(sealed_text: str) -> str | None:
    """The sealed record's text with the server folder an older record names
    (``inputs.data_dir``, written by the command line until 2026-12-07: a path that may
    hold a person's name, ``C:\\Users\\<name>\\…``) replaced by :data:`WITHHELD`; None
    when the record names no folder (then the text is attached as sealed, byte for byte).
    The sealed hash is over the whole text, so a text withheld from cannot be checked
    against it: the page says so and how to check it instead."""
    import json

    try:
        folder = json.loads(sealed_text)["record"]["inputs"]["data_dir"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(folder, str) or not folder:
        return None
    as_written = json.dumps(folder, ensure_ascii=False)[1:-1]  # as in the canonical JSON
    return sealed_text.replace(as_written, WITHHELD)


def _check_sections(view: MonthView, official: dict[str, Any], lang: Lang
                    ) -> tuple[list[Section], list[tuple[str, str, str]]]:
    """The sealed record's hash (and the commitment's), with the files to check them."""
    sections: list[Section] = []
    attachments: list[tuple[str, str, str]] = []
    if view.sealed_text and view.sealed_hash:
        sections.append(Section(_t("check_head", lang), (_t("item", lang), _t("value", lang)),
                                ((_t("sealed_hash", lang), view.sealed_hash),),
                                ident="sealed-hash"))  # fmt: skip
        withheld = withhold_folder(view.sealed_text)
        if withheld is None:
            attachments.append(("sealed-record", _t("sealed_record", lang), view.sealed_text))
        else:
            sections.append(Section(_t("withheld_head", lang), text=_t("withheld", lang)))
            attachments.append(("sealed-record-withheld", _t("sealed_record_withheld", lang),
                                withheld))
        if official and view.commitment_inputs:
            sections.append(Section(_t("commitment", lang), (_t("item", lang),
                                                             _t("value", lang)),
                                    ((_t("commitment", lang), str(official["commitment"])),),
                                    ident="commitment-hash"))  # fmt: skip
            attachments.append(("commitment-inputs", _t("committed_inputs", lang),
                                view.commitment_inputs))
    return sections, attachments


def revealed(view: MonthView, data: InspectionData, lang: Lang = "zh") -> Notice:
    """The revealed notice: every inspection with its team (names and departments),
    outcomes, the draw's facts, the month's draws, the sealed record and its committed
    inputs attached, checked by the page itself. Raises :class:`NotRevealed` before the
    month is over and revealed."""
    if not view.revealed or view.record is None:
        raise NotRevealed(view.month)
    rows = _inspection_rows(view, data, lang)
    record = view.record
    facts = _draw_facts(record, len(rows), lang)
    draws = tuple((str(d["draw"]), str(d["seed"]), local_time(d["time"], lang),
                   str(d["fingerprint"] or ""), str(d["reason"] or "—"),
                   label(f"roster.state.{d['status']}", lang)) for d in view.draws)
    sections = [
        Section(_t("inspections_head", lang),
                tuple(_t(c, lang) for c in ("date", "weekday", "name", "street", "reason",
                                            "team", "department", "outcome")), tuple(rows)),
        Section(_t("draw_head", lang), (_t("item", lang), _t("value", lang)), tuple(facts)),
        Section(_t("earlier_head", lang),
                tuple(_t(c, lang) for c in ("draw", "seed", "time", "fingerprint", "reason",
                                            "state")), draws),
        _cycle_section(view, lang),
    ]  # fmt: skip
    checks, attachments = _check_sections(view, record.get("official") or {}, lang)
    return Notice(view.month, "revealed", _t("title_revealed", lang, month=view.month),
                  tuple(sections + checks), tuple(attachments), check=bool(attachments))


def notice_of(view: MonthView, data: InspectionData, lang: Lang = "zh",
              kind: str | None = None, district: str = "") -> Notice:
    """The month's notice of ``kind`` (default: the revealed one once revealed, else the
    pre-announcement), its title naming ``district`` (a public notice says whose it is).
    Raises :class:`NotRevealed` for ``revealed`` too early."""
    kind = kind or ("revealed" if view.revealed else "announcement")
    if kind == "results":
        notice = results(view, data, lang)
    elif kind == "revealed":
        notice = revealed(view, data, lang)
    else:
        notice = announcement(view, data, lang)
    district = " ".join(district.split())
    return replace(notice, title=f"{district} {notice.title}") if district else notice


CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;
color:#111}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.5em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #888;
padding:.25em .5em;text-align:left;vertical-align:top;font-size:.9em}
th{background:#eee}td.v{font-family:monospace;word-break:break-all}
pre.attached{white-space:pre-wrap;word-break:break-all;font-size:.75em;max-height:12em;
overflow:auto;border:1px solid #ccc;padding:.5em}#check{font-weight:bold;padding:.5em;
border:2px solid #888}#check.ok{border-color:#2a7}#check.bad{border-color:#c33;color:#c33}
@media print{body{margin:1cm}h2{page-break-after:avoid}tr{page-break-inside:avoid}
pre.attached{max-height:none}}
"""

#: the revealed notice's own check (Web Crypto, offline): SHA-256 of the attached texts
#: against the hashes printed on the page, which the reader compares with the ones
#: published before (the pre-announcement's commitment and sealed hash)
CHECK_JS = """
(function () {
  var out = document.getElementById('check');
  function text(id) { var e = document.getElementById(id); return e ? e.textContent : null; }
  function hash(t) {
    return crypto.subtle.digest('SHA-256', new TextEncoder().encode(t)).then(function (b) {
      return 'sha256:' + Array.prototype.map.call(new Uint8Array(b), function (x) {
        return ('0' + x.toString(16)).slice(-2); }).join('');
    });
  }
  function value(id) { var all = document.querySelectorAll('#' + id + ' td.v');
    return all.length ? all[all.length - 1].textContent.trim() : null; }
  var said = JSON.parse(out.getAttribute('data-words'));
  if (!window.crypto || !crypto.subtle) { out.textContent = said.nocrypto; return; }
  var record = text('sealed-record'), inputs = text('commitment-inputs');
  var withheld = record === null;  // an older record's server folder withheld: not hashable
  if (withheld) { record = text('sealed-record-withheld'); }
  Promise.all([hash(record), inputs === null ? null : hash(inputs)]).then(function (h) {
    var lines = [], ok = true;
    var sealed = h[0] === value('sealed-hash');
    if (withheld) { lines.push(said.sealed_withheld); } else {
      lines.push(sealed ? said.sealed_ok : said.sealed_bad + ' (' + h[0] + ')');
      ok = ok && sealed;
    }
    if (inputs !== null) {
      var committed = h[1] === value('commitment-hash');
      var named = false;
      try { named = JSON.parse(record).record.official.commitment === value('commitment-hash'); }
      catch (e) { named = false; }
      lines.push(committed && named ? said.commit_ok : said.commit_bad + ' (' + h[1] + ')');
      ok = ok && committed && named;
    }
    lines.push(said.compare);
    out.textContent = lines.join(' ');
    out.className = ok ? 'ok' : 'bad';
    out.setAttribute('data-ok', ok ? 'true' : 'false');
  }, function (e) { out.textContent = said.nocrypto + ' ' + e; });
})();
"""


def check_script_hash() -> str:
    """The CSP source of the revealed notice's one inline script (``'sha256-…'``): a
    service serving the notice allows that script and no other."""
    import base64
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(CHECK_JS.encode()).digest()).decode() + "'"


def _table(s: Section) -> str:
    e = html.escape
    head = "".join(f"<th>{e(c)}</th>" for c in s.columns)
    cls = ' class="v"' if s.ident else ""
    body = "".join("<tr>" + "".join(f"<td{cls}>{e(c)}</td>" for c in r) + "</tr>"
                   for r in s.rows)  # fmt: skip
    ident = f' id="{e(s.ident)}"' if s.ident else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def notice_html(notice: Notice, lang: Lang = "zh") -> str:
    """The notice as one printable HTML page (inline style, escaped text; the revealed
    one carries its attachments and the script that checks them, nothing fetched)."""
    import json

    e = html.escape
    parts = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{e(notice.title)}</title><style>{CSS}</style></head>'
        f"<body><h1>{e(notice.title)}</h1>"
    ]
    if notice.check:
        words = {k: _t(f"check_{k}", lang) for k in ("sealed_ok", "sealed_bad", "commit_ok",
                                                     "commit_bad", "compare", "nocrypto",
                                                     "sealed_withheld")}
        parts.append(f'<p id="check" data-words="{e(json.dumps(words, ensure_ascii=False))}">'
                     f"{e(_t('check_running', lang))}</p>")
    for s in notice.sections:
        parts.append(f"<h2>{e(s.title)}</h2>")
        if s.text:
            parts.append(f"<p>{e(s.text)}</p>")
        if s.rows:
            parts.append(_table(s))
    for ident, title, text in notice.attachments:
        # textContent gives back exactly these characters: the bytes that were hashed
        parts.append(f"<h2>{e(title)}</h2><pre class=\"attached\" id=\"{e(ident)}\">"
                     f"{e(text)}</pre>")
    if notice.check:
        parts.append(f"<script>{CHECK_JS}</script>")
    parts.append("</body></html>\n")
    return "".join(parts)


def notice_xlsx(notice: Notice, path: Path, lang: Lang = "zh") -> None:
    """The notice as a workbook that prints (``workbook.Book``: a title row naming the
    notice on every page, the header repeated, widths from the content, A4 landscape one
    page wide): one sheet a table, every cell text."""
    book = Book(path, Title(plan=notice.title))
    used: set[str] = set()
    for s in notice.sections:
        if not s.rows:
            continue
        name = s.title[:28]
        while name in used:
            name += "_"
        used.add(name)
        book.table(name, s.columns, s.rows, cap=60)
    # the sections that are a paragraph (no result recorded yet, and why): what the page
    # says, on a sheet of their own
    said = [(s.title, s.text) for s in notice.sections if not s.rows and s.text]
    if said:
        name = message("roster.notice.text_sheet", None, lang)[:28]
        while name in used:
            name += "_"
        used.add(name)
        book.table(name, [message("roster.notice.text_item", None, lang),
                          message("roster.notice.text_body", None, lang)], said, filter=False)
    if not used:
        book.table(message("roster.notice.empty", None, lang)[:31],
                   [message("roster.notice.empty", None, lang)], [], filter=False)
    book.close()


def write_notice(notice: Notice, folder: Path, lang: Lang = "zh") -> list[str]:
    """Write ``notice.html`` and ``notice.xlsx`` into ``folder``; returns their names."""
    (Path(folder) / "notice.html").write_text(notice_html(notice, lang), encoding="utf-8")
    notice_xlsx(notice, Path(folder) / "notice.xlsx", lang)
    return list(FILES)
