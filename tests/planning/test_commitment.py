"""The commitment (:mod:`tuoyu.planning.commitment`): the hash of the canonical JSON of
the inputs (the bytes a browser hashes), which any changed input changes; the inputs the
dataset determines are recomputed the same, and a changed table shows."""

from __future__ import annotations

import datetime as dt
import hashlib

from draw_support import tiny_dataset

from tuoyu.planning import beacon
from tuoyu.planning.commitment import (
    canonical,
    changed_since,
    commitment_inputs,
    commitment_of,
    determined_inputs,
)
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams

AT = dt.datetime(2027, 2, 20, 8, 0, tzinfo=dt.UTC)


def test_the_commitment_is_the_sha256_of_the_canonical_inputs(tmp_path):
    ds = Dataset.at(tiny_dataset(tmp_path / "data"))
    params = RosterParams(month="2027-03")
    fixed = determined_inputs(ds, params, [])
    assert [c["institution_id"] for c in fixed["candidates"]] == sorted(
        c["institution_id"] for c in fixed["candidates"])
    inputs = commitment_inputs(fixed, source=beacon.drand_source(AT), created_at=AT, seq=1,
                               previous=None, nonce="ab" * 16)
    text = canonical(inputs)
    assert commitment_of(inputs) == "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    assert '": ' not in text and '", "' not in text and "\\u" not in text  # compact, UTF-8
    again = commitment_inputs(determined_inputs(ds, params, []), source=beacon.drand_source(AT),
                              created_at=AT, seq=1, previous=None, nonce="ab" * 16)
    assert commitment_of(again) == commitment_of(inputs)
    for change in ({"nonce": "cd" * 16}, {"previous_sealed": "sha256:00"}, {"seq": 2}):
        assert commitment_of({**inputs, **change}) != commitment_of(inputs)
    # a changed table shows in what the dataset determines
    path = tmp_path / "data" / "inspectors.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",6,1", ",5,1", 1),
                    encoding="utf-8")
    assert "tables_fingerprint" in changed_since(inputs, determined_inputs(ds, params, []))
    assert changed_since(inputs, fixed) == []
