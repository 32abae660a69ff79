"""API tokens with roles: viewer reads, planner also plans and records, admin also manages
tokens. Tokens are stored as SHA-256 of a per-token salt and the token; the token itself
is shown once, when made."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tuoyu.api.store import ApiToken, now

ROLES = ("viewer", "planner", "admin")
RANK = {r: i for i, r in enumerate(ROLES)}
PREFIX = "tuoyu_"


@dataclass(frozen=True)
class Caller:
    """Who is calling: a token's id, name and role (``open`` when no token is needed)."""

    token_id: str | None
    name: str
    role: str

    def may(self, role: str) -> bool:
        return RANK[self.role] >= RANK[role]


OPEN = Caller(None, "open (localhost, no token configured)", "admin")


def _digest(salt: str, token: str) -> str:
    return hashlib.sha256(f"{salt}:{token}".encode()).hexdigest()


def name_allowed(name: str) -> bool:
    """A token's name under the data's characters policy (``models.reader.BAD_TEXT``): it
    is listed one token a line and shown on pages, so no newline or direction mark."""
    from tuoyu.models.reader import BAD_TEXT

    return 0 < len(name) <= 200 and BAD_TEXT.search(name) is None


def create_token(engine: Engine, role: str, name: str) -> tuple[ApiToken, str]:
    """Make and store a token; returns the row and the token (shown once, never stored)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if not name_allowed(name):
        raise ValueError("a token's name: 1 to 200 characters, no control or direction "
                         "characters")
    token_id = secrets.token_hex(6)
    token = f"{PREFIX}{token_id}_{secrets.token_urlsafe(24)}"
    salt = secrets.token_hex(16)
    row = ApiToken(
        id=token_id, name=name, role=role, salt=salt, hash=_digest(salt, token), created_at=now()
    )
    with Session(engine, expire_on_commit=False) as s, s.begin():
        s.add(row)
    return row, token


def check_token(engine: Engine, token: str) -> Caller | None:
    """The caller a token belongs to, or None. The id inside the token finds the row; the
    salted hash is then compared in constant time."""
    if not token.startswith(PREFIX):
        return None
    token_id = token[len(PREFIX) :].split("_", 1)[0]
    with Session(engine) as s:
        row = s.get(ApiToken, token_id)
        if row is None or not hmac.compare_digest(row.hash, _digest(row.salt, token)):
            return None
        caller, last = Caller(row.id, row.name, row.role), row.last_used_at
    if last is None or now() - last > USED_EVERY:
        # a read never waits on the database's write lock (a long write elsewhere):
        # when the token was last used is noted beside the request, at most once a minute
        threading.Thread(target=_note_use, args=(engine, token_id), daemon=True).start()
    return caller


#: how stale ``last_used_at`` may be (a read does not write it each time)
USED_EVERY = dt.timedelta(seconds=60)


def _note_use(engine: Engine, token_id: str) -> None:
    with contextlib.suppress(Exception), Session(engine) as s, s.begin():
        row = s.get(ApiToken, token_id)
        if row is not None:
            row.last_used_at = now()


class TokenCache:
    """Tokens checked in the last ``seconds``, so that a reader's every request does not
    hash and look its token up in the database (the service answers many small reads).

    Only tokens found valid are kept: an unknown token is looked up each time. A token
    deleted in this process (:func:`delete_token`: the API's delete) is refused at once;
    one deleted by the command line (another process) at most ``seconds`` later. At
    most ``size`` tokens are kept."""

    def __init__(self, seconds: float = 2.0, size: int = 1024):
        self.seconds = seconds
        self.size = size
        self._seen: dict[str, tuple[float, int, Caller]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Caller | None:
        """The caller of a token checked less than ``seconds`` ago (and no token deleted
        in this process since), else None."""
        hit = self._seen.get(token)
        if hit is None or hit[1] != _deleted or time.monotonic() - hit[0] > self.seconds:
            return None
        return hit[2]

    def put(self, token: str, caller: Caller, deleted: int) -> None:
        """Keep a token found valid by a look-up that began when :func:`deletions` was
        ``deleted`` (a deletion during the look-up leaves the entry unused)."""
        with self._lock:
            if len(self._seen) >= self.size:
                self._seen.clear()
            self._seen[token] = (time.monotonic(), deleted, caller)


def count_tokens(engine: Engine, role: str | None = None) -> int:
    q = select(func.count()).select_from(ApiToken)
    if role is not None:
        q = q.where(ApiToken.role == role)
    with Session(engine) as s:
        return int(s.scalar(q) or 0)


def list_tokens(engine: Engine) -> list[ApiToken]:
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(select(ApiToken).order_by(ApiToken.created_at)))


#: tokens deleted by this process so far: a :class:`TokenCache` entry made before a
#: deletion is not used after it
_deleted = 0


def deletions() -> int:
    """Tokens deleted by this process so far."""
    return _deleted


def delete_token(engine: Engine, token_id: str) -> bool:
    global _deleted
    with Session(engine) as s, s.begin():
        row = s.get(ApiToken, token_id)
        if row is None:
            return False
        s.delete(row)
    _deleted += 1
    return True
