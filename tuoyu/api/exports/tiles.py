"""The basemap a planner configured: ``TUOYU_MAP_TILES``, a tile address template such as
``http://tiles.intranet/{z}/{x}/{y}.png`` (the district intranet's tile server). Unset (or
not such a template): no basemap, and neither the offline map file nor the service's map
pages contact any host but their own when opened."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit


def tile_url() -> str | None:
    """The configured tile template, or None (unset, or not an http(s) address with
    ``{z}``, ``{x}`` and ``{y}``)."""
    value = os.environ.get("TUOYU_MAP_TILES", "").strip()
    ok = re.fullmatch(r"https?://[^\s\"'<>\\;,]+", value) and all(
        part in value for part in ("{z}", "{x}", "{y}"))
    return value if ok else None


def tile_origin() -> str | None:
    """The origin (scheme, host, port) the configured tiles come from: what a page's
    Content-Security-Policy must allow images from; None without tiles. A template whose
    host is itself a placeholder (``{s}.tile…``) is allowed by a wildcard on that part."""
    url = tile_url()
    if url is None:
        return None
    parts = urlsplit(url.replace("{s}", "s"))
    host = parts.netloc
    if "{s}" in urlsplit(url).netloc:
        host = "*." + host.split(".", 1)[1] if "." in host else host
    return f"{parts.scheme}://{host}"
