"""Every table of the store, in one module: the history the planners read (rosters,
their visits, recorded outcomes) and the service's (datasets, jobs, stored plans,
tokens). One metadata, one Alembic history (``tuoyu/api/store/migrations``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


#: a draw's states: a ``draft`` until published; a draft replaced by a newer draw is
#: ``superseded``, a published draw replaced by a newer published one ``withdrawn``.
#: Every draw is kept (never deleted): the month's earlier draws are listed in each new one.
ROSTER_STATES = ("draft", "published", "superseded", "withdrawn")


class Roster(Base):
    """One draw of a month's roster (a draft until published; only published rosters
    feed later months' history). ``seq`` numbers the draws of a month (1, 2, …) and is
    unique with (dataset, month): two processes saving the month at once cannot both
    take the same number, so the later one fails instead of silently replacing."""

    __tablename__ = "rosters"
    __table_args__ = (Index("ux_rosters_month_seq", "dataset", "month", "seq", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(500), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    seed: Mapped[int] = mapped_column(BigInteger)  # an official seed is 63 bits
    fingerprint: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    draw_json: Mapped[str] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    redraw_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: SHA-256 of the canonical JSON of the draw's audit record (draw.json)
    record_fingerprint: Mapped[str | None] = mapped_column(String(80), nullable=True)
    #: an official draw, once published to the inspectors: the sealed record (canonical
    #: JSON: the draw record and the previous sealed record's hash), its hash (all the
    #: public sees until the month is done), when it was sealed and when revealed
    sealed_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    sealed_hash: Mapped[str | None] = mapped_column(String(80), nullable=True)
    sealed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revealed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    visits: Mapped[list[RosterVisit]] = relationship(
        back_populates="roster", cascade="all, delete-orphan"
    )


class RosterCommitment(Base):
    """A month's commitment (双随机): the official draw's inputs fixed and hashed before
    the seed exists, and later the seed source's value and the seed. ``seq`` numbers the
    month's commitments; a second needs a reason and both are kept."""

    __tablename__ = "roster_commitments"
    __table_args__ = (
        Index("ux_roster_commitments_month_seq", "dataset", "month", "seq", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(500), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    inputs_json: Mapped[str] = mapped_column(Text)  # canonical: the bytes that are hashed
    commitment: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    source_kind: Mapped[str] = mapped_column(String(16))
    value_json: Mapped[str | None] = mapped_column(Text, nullable=True)  # as given
    checked_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    seed: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    seeded_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


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
    """The outcome of one visit made: one per (dataset, institution, date), the unique
    index ``ux_outcomes_visit`` (two writers at once cannot store two; a second record
    of the visit is the one in force, the first kept in ``outcomes_superseded``)."""

    __tablename__ = "outcomes"
    __table_args__ = (
        Index("ux_outcomes_visit", "dataset", "institution_id", "date", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(500), index=True)
    institution_id: Mapped[str] = mapped_column(String(64), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(16))
    inspector_ids: Mapped[str] = mapped_column(String(500))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class OutcomeSuperseded(Base):
    """An outcome no longer in force, kept as it was (``outcome_id`` its row in
    ``outcomes``), never deleted: replaced by a later record of the same visit (a
    correction), or moved out by migration 0007 (a store made before the unique index
    could hold two outcomes of one visit; the newest recorded stayed in ``outcomes``)."""

    __tablename__ = "outcomes_superseded"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome_id: Mapped[int] = mapped_column(Integer)
    dataset: Mapped[str] = mapped_column(String(500), index=True)
    institution_id: Mapped[str] = mapped_column(String(64))
    date: Mapped[dt.date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(16))
    inspector_ids: Mapped[str] = mapped_column(String(500))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    superseded_at: Mapped[dt.datetime] = mapped_column(DateTime)


STATUSES = ("queued", "running", "done", "infeasible", "failed", "cancelled", "interrupted")
FINISHED = frozenset({"done", "infeasible", "failed", "cancelled", "interrupted"})


def now() -> dt.datetime:
    """UTC, naive (SQLite keeps no time zone); rendered with a ``Z`` by the API."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class DatasetRow(Base):
    __tablename__ = "datasets"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(1000))
    tables_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    @property
    def tables(self) -> dict[str, int]:
        return json.loads(self.tables_json or "{}")


class Job(Base):
    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    dataset_id: Mapped[str] = mapped_column(String(64), index=True)
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(16), index=True, default="queued")
    progress_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)  # Chinese
    message_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: the running worker's lease: only the worker holding it may write this row
    lease: Mapped[str | None] = mapped_column(String(32), nullable=True)
    parent_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    @property
    def params(self) -> dict[str, Any]:
        return json.loads(self.params_json or "{}")

    @property
    def progress(self) -> dict[str, Any] | None:
        return json.loads(self.progress_json) if self.progress_json else None


class StoredPlan(Base):
    """What a finished job produced: the result JSON and the files in its folder."""

    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), unique=True, index=True)
    result_json: Mapped[str] = mapped_column(Text)
    files_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    @property
    def files(self) -> list[str]:
        return json.loads(self.files_json or "[]")


class PlanFolder(Base):
    """Where the command line wrote a finished plan (``tuoyu all``, ``tuoyu sessions``,
    …): the pages and ``tuoyu scorecard`` find plans made on the command line there, as
    they find the service's jobs. One row per (dataset, kind, folder), the newest kept."""

    __tablename__ = "plan_folders"
    __table_args__ = (Index("ux_plan_folders", "dataset", "kind", "folder", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(500), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    folder: Mapped[str] = mapped_column(String(1000))
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    made_at: Mapped[dt.datetime] = mapped_column(DateTime)

    @property
    def params(self) -> dict[str, Any]:
        return json.loads(self.params_json or "{}")


class ApiToken(Base):
    """An access token, stored as a salted SHA-256 (the token itself is shown once)."""

    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    salt: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


