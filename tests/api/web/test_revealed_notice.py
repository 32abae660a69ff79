"""The revealed notice checks itself, offline, in a real Chromium (issue 19): opened from
a file with no network, it recomputes the SHA-256 of the attached sealed record and of
the committed inputs (Web Crypto) and says in Chinese that they match the sealed hash
and the commitment; one changed byte in either and it says they do not.

Skipped when Chromium (web_support.CHROMIUM) or Playwright is missing, unless
``TUOYU_REQUIRE_BROWSER=1`` (CI after ``.ci/setup-browser.sh``)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from drand_rounds import COMMIT_BEFORE_3311596, ROUND_3311596
from draw_support import tiny_dataset
from web_support import require_browser

from tuoyu.api import runner, store
from tuoyu.api.exports.notice import notice_html, notice_of
from tuoyu.models.inspection import load_inspection_data
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams


@pytest.fixture(scope="module")
def revealed(tmp_path_factory) -> str:
    """March of a tiny dataset: committed, seeded by drand round 3311596, drawn,
    sealed, revealed in April; its revealed notice's HTML."""
    require_browser()
    root = tmp_path_factory.mktemp("revealed")
    ds = Dataset.at(tiny_dataset(root / "data"))
    eng = store.engine(f"sqlite:///{root / 'store.sqlite'}")
    params = RosterParams(month="2027-03", time_limit=20, workers=2)
    runner.commit(ds, params, {"kind": "drand"}, eng, now=COMMIT_BEFORE_3311596)
    runner.seed(ds, "2027-03", ROUND_3311596, eng)
    plan = runner.make_plan(ds, params, engine=eng)
    runner.deliver(plan, root / "out", dataset=ds, engine=eng)
    runner.publish(ds, "2027-03", eng)
    today = dt.date(2027, 4, 2)
    runner.reveal(ds, "2027-03", eng, today=today)
    view = runner.month_view(ds, "2027-03", eng, today=today)
    return notice_html(notice_of(view, load_inspection_data(ds.folder), "zh"), "zh")


def _check(page, page_html: str, path: Path) -> tuple[str, str]:
    path.write_text(page_html, encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_selector("#check[data-ok]", timeout=20_000)
    return page.get_attribute("#check", "data-ok") or "", page.inner_text("#check")


def _change_one_byte(page_html: str, ident: str) -> str:
    """The page with one hex digit of the attachment ``ident`` changed."""
    m = re.search(f'<pre class="attached" id="{ident}">', page_html)
    assert m
    at = page_html.index("sha256:", m.end()) + 12  # a digit inside the first hash
    digit = page_html[at]
    return page_html[:at] + ("0" if digit != "0" else "1") + page_html[at + 1:]


def test_the_revealed_notice_checks_itself_offline_and_finds_one_changed_byte(revealed,
                                                                              tmp_path,
                                                                              browser):
    # the session's browser (one Playwright per process), in an offline context
    ctx = browser.new_context(offline=True)
    try:
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        ok, said = _check(page, revealed, tmp_path / "notice.html")
        assert ok == "true", said
        assert "封存记录与封存值一致" in said and "承诺的输入与承诺值一致" in said
        ok, said = _check(page, _change_one_byte(revealed, "sealed-record"),
                          tmp_path / "record-changed.html")
        assert ok == "false" and "封存记录与封存值不一致" in said
        assert "承诺的输入与承诺值一致" in said
        ok, said = _check(page, _change_one_byte(revealed, "commitment-inputs"),
                          tmp_path / "inputs-changed.html")
        assert ok == "false" and "承诺的输入与承诺值不一致" in said
        # an older record's server folder withheld: the seal is said not checkable here,
        # the commitment is still checked
        withheld = revealed.replace('id="sealed-record"', 'id="sealed-record-withheld"')
        ok, said = _check(page, withheld, tmp_path / "withheld.html")
        assert "本页无法重算封存值" in said and "承诺的输入与承诺值一致" in said, said
        assert "不一致" not in said
        assert not errors, errors
    finally:
        ctx.close()
