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
