"""Real rounds of the League of Entropy's default drand chain (``pedersen-bls-chained``,
chain 8990e7a9…), as ``https://api.drand.sh/public/<round>`` serves them. Taken from
public test vectors: round 72785 from noislabs/drand-verify (src/verify.rs), round
3311596 from mcdcam/python-drand-verify's README. The tests check their signatures
offline; nothing here is fetched."""

from __future__ import annotations

import datetime as dt

ROUND_72785 = {
    "round": 72785,
    "randomness": "8b676484b5fb1f37f9ec5c413d7d29883504e5b669f604a1ce68b3388e9ae3d9",
    "signature": "82f5d3d2de4db19d40a6980e8aa37842a0e55d1df06bd68bddc8d60002e8e959eb9cfa368b3c"
    "1b77d18f02a54fe047b80f0989315f83b12a74fd8679c4f12aae86eaf6ab5690b34f1fddd50ee3cc6f6cdf59"
    "e95526d5a5d82aaa84fa6f181e42",
    "previous_signature": "a609e19a03c2fcc559e8dae14900aaefe517cb55c840f6e69bc8e4f66c8d18e8a6"
    "09685d9917efbfb0c37f058c2de88f13d297c7e19e0ab24813079efe57a182554ff054c7638153f9b26a60e7"
    "111f71a0ff63d9571704905d3ca6df0b031747",
}
ROUND_3311596 = {
    "round": 3311596,
    "randomness": "647c07b2abbf7ff2afb4d670214f565e5cd9f9c91bfdcecb59a21f3c78d73920",
    "signature": "a696b9409ababce45749c3a4ec369074453dd4a79967734e1390d969c8ad8d98897d217b91"
    "21e92c8ddebbddda8d92f900e3bd6bf9deb166863b1a19390d743f82774001487594c5c09e581db7365f02b7"
    "0a2c8cc41ce32446ef08e4890c4754",
    "previous_signature": "8ed588f2a7716fb1349e2d9803da5db0005e98a83783c353d4a08f183236a9ad91"
    "d70ddb01266f4b7c576983db464b430e65680b9e0098552758afd6c1e6afcb77e3f62fe1b93d42d1cb63abbb"
    "2205512fe12fbf74ea9c5ac3b8f5c1e283a1d8",
}
#: a commitment time whose named round (10 minutes on) is 3311596 (2023-09-15 11:55 UTC)
COMMIT_BEFORE_3311596 = dt.datetime(2023, 9, 15, 11, 45, tzinfo=dt.UTC)
