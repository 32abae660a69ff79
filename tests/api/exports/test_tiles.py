"""The basemap a planner configured (``tuoyu.api.exports.tiles``): only an http(s) tile
template with {z}, {x} and {y} is taken; anything else (a script, quotes, a template
missing a part) means no basemap; the origin a page must allow images from is that
template's scheme and host, a {s} host part allowed by a wildcard."""

from __future__ import annotations

import pytest

from tuoyu.api.exports.tiles import tile_origin, tile_url


@pytest.mark.parametrize(("value", "url", "origin"), [
    ("http://tiles.intranet/{z}/{x}/{y}.png", "http://tiles.intranet/{z}/{x}/{y}.png",
     "http://tiles.intranet"),
    ("  https://t.example.cn:8443/a/{z}/{y}/{x}.png\n",
     "https://t.example.cn:8443/a/{z}/{y}/{x}.png", "https://t.example.cn:8443"),
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://{s}.tile.example.org/{z}/{x}/{y}.png",
     "https://*.tile.example.org"),
])
def test_a_tile_template_and_its_origin(monkeypatch, value: str, url: str, origin: str) -> None:
    monkeypatch.setenv("TUOYU_MAP_TILES", value)
    assert tile_url() == url
    assert tile_origin() == origin


@pytest.mark.parametrize("value", [
    "",
    "tiles.intranet/{z}/{x}/{y}.png",  # no scheme
    "ftp://tiles/{z}/{x}/{y}.png",
    "file:///srv/tiles/{z}/{x}/{y}.png",
    "http://tiles.intranet/{z}/{x}.png",  # no {y}
    "javascript:alert(1)//{z}{x}{y}",
    "http://a/{z}/{x}/{y}.png' onerror='alert(1)",
    'http://a/{z}/{x}/{y}.png"><script>',
    "http://a/{z}/{x}/{y}.png; script-src *",
    "http://a/{z}/{x}/{y}.png,http://b/",
    "http://a /{z}/{x}/{y}.png",
])
def test_anything_else_is_no_basemap(monkeypatch, value: str) -> None:
    monkeypatch.setenv("TUOYU_MAP_TILES", value)
    assert tile_url() is None
    assert tile_origin() is None


def test_unset_is_no_basemap(monkeypatch) -> None:
    monkeypatch.delenv("TUOYU_MAP_TILES", raising=False)
    assert tile_url() is None and tile_origin() is None
