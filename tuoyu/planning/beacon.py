"""Public randomness for an official draw (双随机): the seed comes from a source nobody
in the office controls and whose value is known only after the draw's inputs are
committed (:mod:`tuoyu.planning.commitment`).

Two sources:

* a **drand** beacon round (League of Entropy). The commitment names the chain and the
  round (the first whose time is at least :data:`DRAND_DELAY` after the commitment), so
  the planner cannot pick among rounds; the planner pastes the round's JSON (``round``,
  ``randomness``, ``signature``, ``previous_signature``) as anyone fetches it from
  ``https://api.drand.sh/<chain>/public/<round>``; its BLS signature is checked offline
  against the chain's public key (py_ecc; the ``pedersen-bls-chained`` scheme: G1 public
  key, G2 signature over ``sha256(previous_signature || round as 8 bytes big-endian)``,
  hash to G2 with the ``BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_`` suite; the
  randomness is ``sha256(signature)``);
* the numbers of a named public **lottery** draw on a stated date after the commitment
  (typed in; the notice names the draw so anyone can check it).

The seed is ``SHA-256("tuoyu.roster.seed|" + commitment + "|" + value)`` (first 8 bytes,
one bit dropped: a non-negative 63-bit integer).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tuoyu.models.errors import DataError, Problem


@dataclass(frozen=True)
class DrandChain:
    """A drand chain's public info (``/info``): what a round is verified against."""

    hash: str
    public_key: str
    period: int  # seconds between rounds
    genesis_time: int  # Unix time of round 1
    scheme: str

    def round_time(self, round_: int) -> dt.datetime:
        """When the round was (is) produced, UTC."""
        return dt.datetime.fromtimestamp(self.genesis_time + (round_ - 1) * self.period,
                                         dt.UTC)  # fmt: skip

    def first_round_at(self, when: dt.datetime) -> int:
        """The first round whose time is at or after ``when``."""
        seconds = (when - dt.datetime.fromtimestamp(self.genesis_time, dt.UTC)).total_seconds()
        return max(1, -(-int(seconds) // self.period) + 1)

    def as_dict(self) -> dict[str, Any]:
        return {"hash": self.hash, "public_key": self.public_key, "period": self.period,
                "genesis_time": self.genesis_time, "scheme": self.scheme}  # fmt: skip


#: The League of Entropy's default chain (``curl https://api.drand.sh/info``).
LOE_MAINNET = DrandChain(
    hash="8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce",
    public_key="868f005eb8e6e4ca0a47c8a77ceaa5309a47978a7c71bc5cce96366b5d7a569937c529eed"
    "a66c7293784a9402801af31",
    period=30,
    genesis_time=1595431050,
    scheme="pedersen-bls-chained",
)
CHAINS = {LOE_MAINNET.hash: LOE_MAINNET}
#: how long after the commitment the named round comes
DRAND_DELAY = dt.timedelta(minutes=10)
DST = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_"


def _problem(message: str, code: str, **params: Any) -> DataError:
    return DataError([Problem("seed", message, code=code, params=params)])


def drand_source(committed_at: dt.datetime, chain: DrandChain = LOE_MAINNET) -> dict[str, Any]:
    """The seed source a commitment names: the chain and the first round at least
    :data:`DRAND_DELAY` after the commitment."""
    round_ = chain.first_round_at(committed_at + DRAND_DELAY)
    return {"kind": "drand", "chain": chain.as_dict(), "round": round_,
            "round_time": chain.round_time(round_).isoformat()}  # fmt: skip


def lottery_source(name: str, date: dt.date | None,
                   committed_at: dt.datetime) -> dict[str, Any]:
    """The seed source a commitment names: a public lottery draw (its name as the
    operator publishes it, e.g. 中国福利彩票双色球, one line of visible text) on a date
    after the commitment (Asia/Shanghai); ``date`` None: not given, or not a date."""
    from tuoyu.models.reader import BAD_TEXT

    name = " ".join(name.split())
    if not name or len(name) > 100 or BAD_TEXT.search(name):
        raise _problem("the lottery's name is missing or too long", "draw.lottery_name")
    if date is None:
        raise _problem("the lottery draw's date is missing or not a date", "draw.lottery_date")
    committed_day = committed_at.astimezone(SHANGHAI).date()
    if date <= committed_day:
        raise _problem("the lottery draw is not after the commitment", "draw.lottery_too_early",
                       date=date.isoformat(), committed=committed_day.isoformat())
    return {"kind": "lottery", "name": name, "date": date.isoformat()}


SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def _hex(value: Any, field: str, size: int) -> bytes:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-fA-F]+", value or "") or len(
            value) != 2 * size:
        raise _problem(f"'{field}' is not {size} bytes of hex", "draw.drand_field",
                       field=field, size=size)
    return bytes.fromhex(value)


def _bls() -> Any:
    """py_ecc's BLS scheme, imported without its side effect: py_ecc raises the process's
    recursion limit to 100,000 when imported, and at that limit a JSON body nested
    100,000 deep made the service's own process overflow its C stack and die (a crash
    instead of a refusal) once any drand round had been checked in it. The limit is put
    back; the verification needs no more (the tests verify real rounds at the default)."""
    import sys

    limit = sys.getrecursionlimit()
    try:
        from py_ecc.bls import G2Basic
    finally:
        sys.setrecursionlimit(limit)
    return G2Basic


def bls_verify(chain: DrandChain, round_: int, previous_signature: bytes,
               signature: bytes) -> bool:
    """The chained scheme's check, offline: the signature is the chain key's BLS signature
    of ``sha256(previous_signature || round)``."""
    G2Basic = _bls()  # noqa: N806

    if chain.scheme != "pedersen-bls-chained":
        raise _problem(f"the drand scheme {chain.scheme} is not supported", "draw.drand_scheme",
                       scheme=chain.scheme)
    message = hashlib.sha256(previous_signature + round_.to_bytes(8, "big")).digest()
    try:
        return bool(G2Basic.Verify(bytes.fromhex(chain.public_key), message, signature))
    except (ValueError, AssertionError, TypeError):  # not a point of the curve
        return False


def check_drand(source: Mapping[str, Any], value: Mapping[str, Any],
                committed_at: dt.datetime) -> str:
    """Check a pasted drand round against the source the commitment named: the round
    named, its randomness the hash of its signature, its signature valid for the chain,
    its time after the commitment. Returns the randomness (hex). Raises DataError
    naming what is wrong."""
    chain = DrandChain(**source["chain"])
    if CHAINS.get(chain.hash) != chain:
        raise _problem("the commitment names a drand chain tuoyu does not know",
                       "draw.drand_chain", chain=chain.hash[:16])
    if not isinstance(value, Mapping):
        raise _problem("the drand round is not a JSON object", "draw.drand_field",
                       field="round", size=0)
    round_ = value.get("round")
    if not isinstance(round_, int) or isinstance(round_, bool) or round_ < 1:
        raise _problem("'round' is not a round number", "draw.drand_field", field="round",
                       size=8)
    if chain.round_time(round_) <= committed_at:
        raise _problem("the round is from before the commitment", "draw.drand_before_commitment",
                       round=str(round_), time=chain.round_time(round_).isoformat(),
                       committed=committed_at.isoformat())
    if round_ != source["round"]:
        raise _problem("not the round the commitment named", "draw.drand_wrong_round",
                       round=str(round_), named=str(source["round"]))
    signature = _hex(value.get("signature"), "signature", 96)
    previous = _hex(value.get("previous_signature"), "previous_signature", 96)
    randomness = _hex(value.get("randomness"), "randomness", 32)
    if hashlib.sha256(signature).digest() != randomness:
        raise _problem("the randomness is not the hash of the signature",
                       "draw.drand_randomness", round=str(round_))
    if not bls_verify(chain, round_, previous, signature):
        raise _problem("the round's signature is not the chain's", "draw.drand_signature",
                       round=str(round_), chain=chain.hash[:16])
    return randomness.hex()


def _numbers(value: Any) -> list[str]:
    text = value if isinstance(value, str) else " ".join(map(str, value or []))
    parts = re.split(r"[\s,，;；、+|]+", text.strip())
    if not parts or not all(re.fullmatch(r"\d{1,3}", p) for p in parts) or len(parts) > 40:
        raise _problem("the lottery numbers are not a list of numbers", "draw.lottery_numbers")
    return [f"{int(p):02d}" for p in parts]


def check_lottery(source: Mapping[str, Any], value: Mapping[str, Any],
                  today: dt.date, committed_at: dt.datetime | None = None) -> str:
    """Check typed lottery numbers against the draw the commitment named (after the
    commitment's day; its date must have come: the numbers of a draw not yet held cannot
    be known). Returns the value the seed is made of: name|date|numbers."""
    day = dt.date.fromisoformat(source["date"])
    if committed_at is not None and day <= committed_at.astimezone(SHANGHAI).date():
        raise _problem("the lottery draw is not after the commitment", "draw.lottery_too_early",
                       date=source["date"],
                       committed=committed_at.astimezone(SHANGHAI).date().isoformat())
    if day > today:
        raise _problem("the lottery draw has not been held yet", "draw.lottery_not_yet",
                       date=source["date"])
    numbers = _numbers(value.get("numbers") if isinstance(value, Mapping) else None)
    return f"{source['name']}|{source['date']}|{' '.join(numbers)}"


def source_value(source: Mapping[str, Any], value: Mapping[str, Any], *,
                 committed_at: dt.datetime, today: dt.date) -> str:
    """The checked value of a seed source (raises DataError naming what is wrong)."""
    if source.get("kind") == "drand":
        return check_drand(source, value, committed_at)
    if source.get("kind") == "lottery":
        return check_lottery(source, value, today, committed_at)
    raise _problem("unknown seed source", "draw.source_kind", kind=str(source.get("kind")))


def derive_seed(commitment: str, value: str) -> int:
    """The official draw's seed: a hash of the commitment and the source's value."""
    digest = hashlib.sha256(f"tuoyu.roster.seed|{commitment}|{value}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1
