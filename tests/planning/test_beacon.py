"""The public seed sources (:mod:`tuoyu.planning.beacon`): real drand rounds verify
offline against the League of Entropy's key; a changed randomness or signature, a round
from before the commitment or not the one it named, another chain, each is refused with
its own code; a lottery draw must come after the commitment and have been held."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest
from drand_rounds import COMMIT_BEFORE_3311596, ROUND_72785, ROUND_3311596

from tuoyu.models.errors import DataError
from tuoyu.planning import beacon

CHAIN = beacon.LOE_MAINNET


def code_of(exc: pytest.ExceptionInfo[DataError]) -> str:
    return str(exc.value.problems[0].code)


def test_round_times_follow_the_chain_info():
    assert CHAIN.round_time(1) == dt.datetime(2020, 7, 22, 15, 17, 30, tzinfo=dt.UTC)
    assert CHAIN.round_time(3311596) == dt.datetime(2023, 9, 15, 11, 55, tzinfo=dt.UTC)
    assert CHAIN.first_round_at(CHAIN.round_time(3311596)) == 3311596
    assert CHAIN.first_round_at(CHAIN.round_time(3311596) + dt.timedelta(seconds=1)) == 3311597
    # the round a commitment names is at least ten minutes after it
    src = beacon.drand_source(COMMIT_BEFORE_3311596)
    assert src["round"] == 3311596
    assert CHAIN.round_time(src["round"]) - COMMIT_BEFORE_3311596 >= beacon.DRAND_DELAY


@pytest.mark.parametrize("value", [ROUND_72785, ROUND_3311596])
def test_a_real_round_verifies_offline(value):
    committed = CHAIN.round_time(value["round"]) - dt.timedelta(minutes=10)
    source = beacon.drand_source(committed)
    assert source["round"] == value["round"]
    assert beacon.check_drand(source, value, committed) == value["randomness"]


def _flip(hexstr: str, at: int = 10) -> str:
    return hexstr[:at] + ("0" if hexstr[at] != "0" else "1") + hexstr[at + 1:]


def test_a_tampered_randomness_or_signature_is_refused():
    source = beacon.drand_source(COMMIT_BEFORE_3311596)
    with pytest.raises(DataError) as err:
        beacon.check_drand(source, {**ROUND_3311596,
                                    "randomness": _flip(ROUND_3311596["randomness"])},
                           COMMIT_BEFORE_3311596)  # fmt: skip
    assert code_of(err) == "draw.drand_randomness"
    # the previous round's signature changed: the message signed is not this one
    with pytest.raises(DataError) as err:
        beacon.check_drand(source, {**ROUND_3311596, "previous_signature": ROUND_72785[
            "previous_signature"]}, COMMIT_BEFORE_3311596)  # fmt: skip
    assert code_of(err) == "draw.drand_signature"


def test_a_round_from_before_the_commitment_or_not_the_named_one_is_refused():
    late = CHAIN.round_time(3311596) + dt.timedelta(seconds=1)
    source = {**beacon.drand_source(COMMIT_BEFORE_3311596)}
    with pytest.raises(DataError) as err:
        beacon.check_drand(source, ROUND_3311596, late)
    assert code_of(err) == "draw.drand_before_commitment"
    with pytest.raises(DataError) as err:
        beacon.check_drand({**source, "round": 3311597}, ROUND_3311596, COMMIT_BEFORE_3311596)
    assert code_of(err) == "draw.drand_wrong_round"


def test_another_chain_or_a_malformed_round_is_refused():
    mine = dataclasses.replace(CHAIN, public_key="00" * 48)
    source = {**beacon.drand_source(COMMIT_BEFORE_3311596), "chain": mine.as_dict()}
    with pytest.raises(DataError) as err:
        beacon.check_drand(source, ROUND_3311596, COMMIT_BEFORE_3311596)
    assert code_of(err) == "draw.drand_chain"
    source = beacon.drand_source(COMMIT_BEFORE_3311596)
    for bad in ({**ROUND_3311596, "signature": "zz"}, {**ROUND_3311596, "round": "3311596"},
                "not an object"):
        with pytest.raises(DataError) as err:
            beacon.check_drand(source, bad, COMMIT_BEFORE_3311596)  # type: ignore[arg-type]
        assert code_of(err) == "draw.drand_field"


def test_a_lottery_draw_comes_after_the_commitment_and_must_have_been_held():
    at = dt.datetime(2027, 2, 20, 15, 0, tzinfo=dt.UTC)  # 23:00 in Shanghai, 20 Feb
    with pytest.raises(DataError) as err:
        beacon.lottery_source("中国福利彩票双色球", dt.date(2027, 2, 20), at)
    assert code_of(err) == "draw.lottery_too_early"
    late = dt.datetime(2027, 2, 20, 16, 30, tzinfo=dt.UTC)  # already the 21st in Shanghai
    with pytest.raises(DataError):
        beacon.lottery_source("双色球", dt.date(2027, 2, 21), late)
    source = beacon.lottery_source(" 中国福利彩票  双色球 ", dt.date(2027, 2, 23), at)
    assert source == {"kind": "lottery", "name": "中国福利彩票 双色球", "date": "2027-02-23"}
    with pytest.raises(DataError) as err:
        beacon.check_lottery(source, {"numbers": "1 2 3"}, dt.date(2027, 2, 22))
    assert code_of(err) == "draw.lottery_not_yet"
    value = beacon.check_lottery(source, {"numbers": "03，7 12;21 25 31+9"}, dt.date(2027, 2, 23))
    assert value == "中国福利彩票 双色球|2027-02-23|03 07 12 21 25 31 09"
    with pytest.raises(DataError) as err:
        beacon.check_lottery(source, {"numbers": "三 七"}, dt.date(2027, 2, 23))
    assert code_of(err) == "draw.lottery_numbers"
    # verify sees a commitment re-dated to the draw's day: the order is broken
    with pytest.raises(DataError) as err:
        beacon.check_lottery(source, {"numbers": "1 2"}, dt.date.max,
                             dt.datetime(2027, 2, 23, 1, 0, tzinfo=dt.UTC))
    assert code_of(err) == "draw.lottery_too_early"


def test_the_seed_is_a_hash_of_the_commitment_and_the_value():
    a = beacon.derive_seed("sha256:aa", ROUND_3311596["randomness"])
    assert a == beacon.derive_seed("sha256:aa", ROUND_3311596["randomness"])
    assert a != beacon.derive_seed("sha256:ab", ROUND_3311596["randomness"])
    assert a != beacon.derive_seed("sha256:aa", ROUND_72785["randomness"])
    assert 0 <= a < 2**63


def test_checking_a_round_leaves_the_process_able_to_refuse_a_deep_body(tmp_path):
    """py_ecc raised the process's recursion limit to 100,000 on its import; a service
    that had checked one drand round then died of a JSON body nested 100,000 deep (the
    C stack overflowed instead of Python refusing it): a fresh process checks a real
    round, then parses such a body, and lives to say it refused it."""
    import subprocess
    import sys

    code = ("import json, sys, datetime as dt\n"
            "from drand_rounds import ROUND_3311596 as v\n"
            "from tuoyu.planning import beacon\n"
            "default = sys.getrecursionlimit()\n"
            "committed = beacon.LOE_MAINNET.round_time(v['round']) - dt.timedelta(minutes=10)\n"
            "src = beacon.drand_source(committed)\n"
            "assert beacon.check_drand(src, v, committed) == v['randomness']\n"
            "print(sys.getrecursionlimit() == default)\n"
            "try:\n"
            "    json.loads('[' * 100000 + ']' * 100000)\n"
            "except RecursionError:\n"
            "    print('refused')\n")
    here = Path(__file__).parent.parent  # tests/, where drand_rounds lives
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(here)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "refused"]
