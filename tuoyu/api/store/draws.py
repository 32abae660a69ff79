"""The store's side of a month's draw cycle (双随机、一公开): the draws of a month read as
plain data for verification (:func:`stored_draws`)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tuoyu.api.store.tables import Roster
from tuoyu.planning.audit import StoredDraw


def _json(text: str | None) -> Any:
    try:
        return json.loads(text or "")
    except ValueError:
        return None


def stored_draws(session: Session, datasets: list[str], month: str) -> list[StoredDraw]:
    """Every draw of the month the store keeps under any of ``datasets`` (a dataset's
    keys), oldest first, as :class:`StoredDraw` (record, fingerprint, visits)."""
    rows = session.scalars(select(Roster).where(Roster.dataset.in_(datasets),
                                                Roster.month == month)
                           .order_by(Roster.seq, Roster.id))  # fmt: skip
    out = []
    for r in rows:
        record = _json(r.draw_json)
        out.append(StoredDraw(
            seq=r.seq, status=r.status, seed=r.seed,
            record=record if isinstance(record, dict) else None,
            record_fingerprint=r.record_fingerprint,
            visits=tuple({"date": v.date.isoformat(), "institution_id": v.institution_id,
                          "street_id": v.street_id, "inspector_ids": v.inspector_ids,
                          "reason": v.reason} for v in r.visits),
        ))  # fmt: skip
    return out
