"""The service answers only for its own host names, refuses writes from other sites'
pages and bodies that are neither JSON nor an upload, and sends a CSP with every page."""

from __future__ import annotations

from pathlib import Path

from api_support import client

from tuoyu.api.service.guard import host_name


def test_host_names_are_read_without_port_or_brackets() -> None:
    assert host_name("LOCALHOST:8000") == "localhost"
    assert host_name("[::1]:8000") == "::1"
    assert host_name("http://evil.example:80") == "evil.example"
    assert host_name("::1") == "::1"


def test_a_rebound_host_gets_no_answer(tmp_path: Path) -> None:
    with client(tmp_path, start_jobs=False) as c:
        r = c.get("/api/v1/health", headers={"Host": "evil.example"})
        assert r.status_code == 421 and r.json()["error"] == "wrong_host"
        assert c.get("/api/v1/health", headers={"Host": "127.0.0.1:8000"}).status_code == 200
        assert c.get("/api/v1/health").status_code == 200


def test_allowed_hosts_can_be_added(tmp_path: Path) -> None:
    with client(tmp_path, start_jobs=False, extra_hosts=("tuoyu.bs.intranet",)) as c:
        r = c.get("/api/v1/health", headers={"Host": "tuoyu.bs.intranet"})
        assert r.status_code == 200


def test_a_write_from_another_sites_page_is_refused(tmp_path: Path) -> None:
    url = "/api/v1/datasets/baoshan/outcomes"
    with client(tmp_path, start_jobs=False) as c:
        r = c.post(url, content=b'{"rows": []}', headers={
            "Origin": "http://evil.example", "Content-Type": "text/plain"})
        assert r.status_code == 403 and r.json()["error"] == "cross_origin"
        r = c.post(url, json={"rows": []}, headers={"Origin": "http://evil.example"})
        assert r.status_code == 403
        r = c.post(url, json={"rows": []}, headers={"Sec-Fetch-Site": "cross-site"})
        assert r.status_code == 403


def test_a_body_must_be_json_or_an_upload(tmp_path: Path) -> None:
    with client(tmp_path, start_jobs=False) as c:
        r = c.post("/api/v1/jobs", content=b"kind=roster", headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 415 and r.json()["error"] == "unsupported_media_type"
        r = c.post("/api/v1/jobs", content=b"{}", headers={"Content-Type": "text/plain"})
        assert r.status_code == 415
        # same-origin JSON passes the guard (and fails later on its content)
        r = c.post("/api/v1/jobs", json={"kind": "roster", "dataset_id": "nope"},
                   headers={"Origin": "http://localhost:8000", "Host": "localhost:8000"})
        assert r.status_code not in (403, 415)


def test_pages_forbid_inline_script(tmp_path: Path) -> None:
    with client(tmp_path, start_jobs=False) as c:
        for page in ("/", "/map", "/roster", "/calendar", "/api/v1/health"):
            r = c.get(page)
            csp = r.headers["content-security-policy"]
            assert "script-src 'self';" in csp and "unsafe-inline" not in csp.split(
                "style-src")[0], page
            assert r.headers["x-content-type-options"] == "nosniff"


def test_api_docs_load_nothing_from_outside(tmp_path: Path) -> None:
    """/docs and /redoc work offline: every script and style they name is ours."""
    import re

    with client(tmp_path, start_jobs=False) as c:
        for page in ("/docs", "/redoc"):
            html = c.get(page).text
            urls = re.findall(r'(?:src|href)=["\\\']([^"\\\']+)', html) + re.findall(
                r'url: ["\\\']([^"\\\']+)', html)
            assert urls, page
            for u in urls:
                assert u.startswith("/"), (page, u)
                if u.startswith("/static/"):
                    assert c.get(u).status_code == 200, u


def test_map_pages_ask_no_other_host_unless_a_tile_server_is_configured(
        tmp_path: Path, monkeypatch) -> None:
    """Unset TUOYU_MAP_TILES: the map pages name no basemap and their policy allows images
    from this service only; set: that tile server (and only it) is named and allowed, as
    the offline map file does (tuoyu.api.exports.tiles)."""
    import re

    monkeypatch.delenv("TUOYU_MAP_TILES", raising=False)
    with client(tmp_path, start_jobs=False) as c:
        for page in ("/map", "/visits"):
            r = c.get(page)
            assert "tuoyu-map-tiles" not in r.text
            assert "img-src 'self' data: blob:;" in r.headers["content-security-policy"]
        js = c.get("/static/map.js").text
        assert "openstreetmap" not in js
        assert set(re.findall(r"https?://([^/'\"]+)", js)) <= {"www.w3.org"}  # an SVG namespace
    monkeypatch.setenv("TUOYU_MAP_TILES", "http://tiles.bs.intranet:8080/{z}/{x}/{y}.png")
    with client(tmp_path / "b", start_jobs=False) as c:
        r = c.get("/map")
        assert ('<meta name="tuoyu-map-tiles" content="http://tiles.bs.intranet:8080/{z}/{x}/'
                '{y}.png">') in r.text
        assert ("img-src 'self' data: blob: http://tiles.bs.intranet:8080;"
                in r.headers["content-security-policy"])
        assert "tuoyu-map-tiles" not in c.get("/roster").text  # no map there
    # what is not a tile address is no basemap, and never reaches the page or its policy
    monkeypatch.setenv("TUOYU_MAP_TILES", "http://a.example/{z}/{x}/{y}.png; script-src *")
    with client(tmp_path / "c", start_jobs=False) as c:
        r = c.get("/map")
        assert "tuoyu-map-tiles" not in r.text and "a.example" not in str(r.headers)


def test_every_page_is_in_the_shared_header(tmp_path: Path) -> None:
    """The header links every page the service serves, the planners' from the registry
    (/visits among them), each once, the page shown marked."""
    import re

    from tuoyu.api.service.app import pages

    with client(tmp_path, start_jobs=False) as c:
        for route in pages():
            html = c.get(route).text
            nav = html.split("<nav>", 1)[1].split("</nav>", 1)[0]
            links = re.findall(r'<a href="([^"]+)"', nav)
            assert sorted(links) == sorted(pages()), (route, links)
            current = re.findall(r'<a href="([^"]+)" id="[^"]+" class="current"', nav)
            assert current == [route], (route, current)
    assert "/visits" in pages()
