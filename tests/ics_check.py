"""What every calendar file (.ics) the plans write must hold, checked on its text."""

from __future__ import annotations


def timezones_defined(ics: bytes) -> tuple[set[str], set[str], set[str]]:
    """(TZIDs the entries refer to, TZIDs the file defines in a VTIMEZONE, the offsets
    those define): RFC 5545 3.2.19, a VTIMEZONE MUST be given for each TZID used (a
    calendar program that knows no "Asia/Shanghai" by name otherwise reads the times
    as floating or as UTC: a session at 09:00 shown at 17:00)."""
    import re

    text = ics.decode("utf-8").replace("\r\n ", "")
    used = set(re.findall(r";TZID=([^:;]+)[:;]", text))
    blocks = re.findall(r"BEGIN:VTIMEZONE\r\n(.*?)END:VTIMEZONE", text, flags=re.S)
    defined = {m for b in blocks for m in re.findall(r"^TZID:(.+?)\r$", b, flags=re.M)}
    offsets = {m for b in blocks for m in re.findall(r"^TZOFFSETTO:(.+?)\r$", b, flags=re.M)}
    return used, defined, offsets

