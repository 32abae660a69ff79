"""The store: rosters made and outcomes recorded, so the next month knows them.

SQLAlchemy; a SQLite file by default (``tuoyu.sqlite`` in the working folder), any
database by URL in the environment variable ``TUOYU_DATABASE_URL``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from tuoyu.models.inspection import PastInspection

DEFAULT_URL = "sqlite:///tuoyu.sqlite"


class Base(DeclarativeBase):
    pass


class Roster(Base):
    __tablename__ = "rosters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(500), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    seed: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    draw_json: Mapped[str] = mapped_column(Text)
    visits: Mapped[list[RosterVisit]] = relationship(
        back_populates="roster", cascade="all, delete-orphan"
    )


class RosterVisit(Base):
    __tablename__ = "roster_visits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("rosters.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    institution_id: Mapped[str] = mapped_column(String(64), index=True)
    street_id: Mapped[str] = mapped_column(String(64))
    inspector_ids: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(String(32))
    roster: Mapped[Roster] = relationship(back_populates="visits")


class Outcome(Base):
    __tablename__ = "outcomes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(500), index=True)
    institution_id: Mapped[str] = mapped_column(String(64), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(16))
    inspector_ids: Mapped[str] = mapped_column(String(500))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


def database_url() -> str:
    return os.environ.get("TUOYU_DATABASE_URL", DEFAULT_URL)


def engine(url: str | None = None) -> Engine:
    eng = create_engine(url or database_url())
    Base.metadata.create_all(eng)
    return eng


def stored_history(session: Session, dataset: str, before: dt.date) -> list[PastInspection]:
    """Recorded outcomes, plus visits of stored rosters with no outcome yet (``planned``),
    dated before ``before``."""
    out: list[PastInspection] = []
    recorded = set()
    for o in session.scalars(
        select(Outcome).where(Outcome.dataset == dataset, Outcome.date < before)
    ):
        out.append(
            PastInspection(
                institution_id=o.institution_id,
                date=o.date,
                outcome=o.outcome,
                inspector_ids=tuple(filter(None, o.inspector_ids.split(";"))),
            )
        )
        recorded.add((o.institution_id, o.date))
    rows = session.execute(
        select(RosterVisit).join(Roster).where(Roster.dataset == dataset, RosterVisit.date < before)
    ).scalars()
    for v in rows:
        if (v.institution_id, v.date) in recorded:
            continue
        out.append(
            PastInspection(
                institution_id=v.institution_id,
                date=v.date,
                outcome="planned",
                inspector_ids=tuple(filter(None, v.inspector_ids.split(";"))),
            )
        )
    out.sort(key=lambda h: (h.date, h.institution_id, h.outcome))
    return out


def save_roster(
    session: Session,
    dataset: str,
    month: str,
    seed: int,
    fingerprint: str,
    draw_json: str,
    rows: Iterable[tuple[dt.date, str, str, str, str]],
) -> tuple[int, bool]:
    """Store a month's roster, replacing an earlier one of the same month.
    Returns (roster id, whether an earlier one was replaced)."""
    old = session.scalars(
        select(Roster).where(Roster.dataset == dataset, Roster.month == month)
    ).all()
    for r in old:
        session.delete(r)
    roster = Roster(
        dataset=dataset,
        month=month,
        seed=seed,
        fingerprint=fingerprint,
        created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        draw_json=draw_json,
    )
    for date, inst, street, team, reason in rows:
        roster.visits.append(
            RosterVisit(
                date=date, institution_id=inst, street_id=street, inspector_ids=team, reason=reason
            )
        )
    session.add(roster)
    session.flush()
    return roster.id, bool(old)


def record_outcomes(session: Session, dataset: str, outcomes: Iterable[PastInspection]) -> int:
    """Record inspection outcomes; a second record of the same visit replaces the first."""
    n = 0
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for o in outcomes:
        for old in session.scalars(
            select(Outcome).where(
                Outcome.dataset == dataset,
                Outcome.institution_id == o.institution_id,
                Outcome.date == o.date,
            )
        ):
            session.delete(old)
        session.add(
            Outcome(
                dataset=dataset,
                institution_id=o.institution_id,
                date=o.date,
                outcome=o.outcome,
                inspector_ids=";".join(o.inspector_ids),
                recorded_at=now,
            )
        )
        n += 1
    return n
