"""The store's side of a month's draws (双随机、一公开): what a roster needs from the
store (:func:`roster_inputs`), the refusals of a month's state, saving and publishing a
draw, recording outcomes, and the draws of a month read as plain data for verification
(:func:`stored_draws`). The command line and the service's worker call these (through
``tuoyu.api.runner``, which names them too)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tuoyu.api import store
from tuoyu.api.store.tables import Roster
from tuoyu.models.errors import DataError, Problem
from tuoyu.planning.audit import StoredDraw
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams
from tuoyu.planning.plan import Plan


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


def roster_inputs(session: Session, dataset: Dataset, params: RosterParams) -> dict[str, Any]:
    """What a roster needs from the store: the history (published rosters and outcomes)
    before the month, the month's earlier draws, and for a re-plan (``from_date``) the
    month's roster in force (its visits: ``kept``) and the outcomes recorded this month
    before the date, and its seed (a re-plan keeps the month's draw); ``official``: the
    month's seeded commitment when no seed is given (:func:`official_for`), or for a
    re-plan the official block of the roster it re-plans. Raises
    :class:`store.RedrawRefused` when the month is published and
    no reason is given (a re-plan needs none), :class:`store.NothingToReplan` when a
    re-plan finds no roster of the month."""
    start = dt.date(params.year, params.mon, 1)
    check_redraw(session, dataset, params)
    earlier = store.earlier_draws(session, dataset.key, params.month)
    if params.from_date is None:
        history = store.stored_history(session, dataset.key, start)
        found = official_for(session, dataset, params) if params.seed is None else None
        return {"history": history, "earlier_draws": earlier,
                "official": found[0] if found else None}
    history = [h for h in store.stored_history(session, dataset.key, params.from_date)
               if h.date < start or h.outcome != "planned"]  # fmt: skip
    current = store.month_roster(session, dataset.key, params.month)
    if current is None:
        raise store.NothingToReplan(month=params.month)
    kept = [{"date": v.date, "institution_id": v.institution_id, "street_id": v.street_id,
             "inspector_ids": v.inspector_ids, "reason": v.reason}
            for v in current.visits]  # fmt: skip
    official = (_json(current.draw_json) or {}).get("official")
    return {"history": history, "kept": kept, "earlier_draws": earlier, "seed": current.seed,
            "official": official}


def check_redraw(session: Session, dataset: Dataset, params: RosterParams) -> None:
    """Refuse another roster of a published month without the planner's reason
    (:class:`store.RedrawRefused`; a reason of blanks or zero-width characters is none);
    a re-plan from a date needs one too unless outcomes were recorded in the month
    before that date (:class:`store.ReplanNeedsReason`: else it redraws the published
    roster for no recorded cause). The service calls it before queueing a roster job
    (409)."""
    from tuoyu.planning.roster import clean_reason

    if clean_reason(params.redraw_reason) or not store.is_published(
            session, dataset.key, params.month):
        return
    if params.from_date is None:
        raise store.RedrawRefused(month=params.month)
    start = dt.date(params.year, params.mon, 1)
    if not store.outcomes_between(session, dataset.key, start, params.from_date):
        raise store.ReplanNeedsReason(month=params.month, date=params.from_date.isoformat())


def check_roster(dataset: Dataset, params: RosterParams, engine: Engine | None = None) -> None:
    """Whether a roster job can run in the month's present state; raises
    :class:`store.RosterStateError` (:class:`store.RedrawRefused`,
    :class:`store.NothingToReplan`, :class:`NotSeeded`) with a catalogue code: the
    service answers 409 before queueing the job (whether the inputs are still the
    committed ones is checked by the job itself: it reads the tables)."""
    with Session(engine or store.engine()) as session:
        check_redraw(session, dataset, params)
        if params.from_date is not None and store.month_roster(
                session, dataset.key, params.month) is None:
            raise store.NothingToReplan(month=params.month)
        if params.seed is None and params.from_date is None:  # the official draw
            rows = month_commitments(session, dataset.key, params.month)
            if rows and rows[-1].seed is None:
                raise NotSeeded(month=params.month, seq=rows[-1].seq)


def month_state(dataset: Dataset, month: str, engine: Engine | None = None) -> dict[str, Any]:
    """A month's draws for the pages: every draw (``earlier_draws`` entries, oldest
    first), the one in force and whether the month is published."""
    with Session(engine or store.engine()) as session:
        draws = store.earlier_draws(session, dataset.key, month)
        current = store.month_roster(session, dataset.key, month)
        return {
            "month": month,
            "published": store.is_published(session, dataset.key, month),
            "in_force": store.draw_entry(current) if current else None,
            "draws": draws,
            **cycle_state(session, dataset, month, current),
        }


def save_roster(plan: Plan, dataset: Dataset, engine: Engine) -> tuple[int, bool]:
    """Store a roster as the month's new draft (drafts do not feed later months' history
    until published). Raises :class:`store.RedrawRefused` (the month is published and no
    reason given) or :class:`store.DrawConflict` (another roster of the month was stored
    since this one was planned: of two processes saving the month at once, one wins)."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    from tuoyu.api.exports.audit import draw_record_of
    from tuoyu.planning.roster import draw_reason, fingerprint

    record = draw_record_of(plan)
    seen = len(plan.detail.earlier_draws)
    month = str(plan.params["month"])
    try:
        with Session(engine) as session, session.begin():
            return store.save_roster(
                session,
                dataset.key,
                month,
                int(plan.params["seed"]),
                plan.fingerprint,
                json.dumps(record, ensure_ascii=False),
                [
                    (dt.date.fromisoformat(str(r["date"])), str(r["institution_id"]),
                     str(r["street_id"]), str(r["inspector_ids"]), str(r["reason"]))
                    for r in plan.rows
                ],
                seen=seen,
                redraw_reason=draw_reason(plan.params),
                record_fingerprint=fingerprint(record),
            )
    except (IntegrityError, OperationalError) as exc:  # the other process won the month
        raise store.DrawConflict(month=month, seen=seen, stored=-1) from exc


def publish(dataset: Dataset, month: str, engine: Engine | None = None, *,
            record_fingerprint: str | None = None) -> dict[str, Any]:
    """Publish the month's newest draft (or the draw of that ``record_fingerprint``: a
    job's draw.json, ``fingerprint(record)``): from now on it feeds later months'
    history. Returns the draw as ``earlier_draws`` lists it. Raises
    :class:`store.NothingToPublish`."""
    with Session(engine or store.engine()) as session, session.begin():
        roster = store.publish_roster(session, dataset.key, month,
                                      record_fingerprint=record_fingerprint)
        seal(session, roster)
        return {**store.draw_entry(roster), "sealed_hash": roster.sealed_hash}


def publish_draw(dataset: Dataset, record: dict[str, Any],
                 engine: Engine | None = None) -> dict[str, Any]:
    """Publish the draw of this audit record (a job's ``draw.json``), which must be its
    month's newest; see :func:`publish`."""
    from tuoyu.planning.roster import fingerprint

    return publish(dataset, str(record["month"]), engine,
                   record_fingerprint=fingerprint(record))


def dataset_keys(dataset: Dataset) -> list[str]:
    """The keys the store may keep a dataset's draws under: its own, and for the bundled
    data its name too (the command line stores it by name, or by its folder)."""
    from tuoyu.data import BUNDLED, BUNDLED_NAME

    keys = [dataset.key]
    if Path(dataset.folder).resolve() == Path(BUNDLED).resolve():
        keys.append(BUNDLED_NAME)
    return keys


def store_draws(dataset: Dataset, month: str, engine: Engine | None = None) -> list[Any]:
    """Every draw of the month the store keeps for the dataset, as plain data
    (:class:`tuoyu.planning.audit.StoredDraw`), for ``verify``."""
    from tuoyu.api.store.draws import stored_draws

    with Session(engine or store.engine()) as session:
        return stored_draws(session, dataset_keys(dataset), month)


def recorded_dataset(record: dict[str, Any], engine: Engine | None = None) -> Dataset | None:
    """The dataset a draw's record was made on, found in the store (the records name no
    folder since 2026-12-07: the folder's path may hold a person's name, and the record is
    public once sealed and revealed): the store's key of the draw whose record it is (its
    fingerprint), else of a draw on the same tables (their fingerprint: a record the
    store does not hold, which verify then says), when that key is the bundled data's or a
    folder that is there; else None (an upload of the service: give its folder)."""
    from tuoyu.data import BUNDLED_NAME
    from tuoyu.planning.roster import fingerprint

    tables = str((record.get("inputs") or {}).get("tables_fingerprint"))
    with Session(engine or store.engine()) as session:
        keys = session.scalars(select(Roster.dataset).where(
            Roster.month == str(record.get("month")),
            Roster.record_fingerprint == fingerprint(record)).order_by(Roster.id)).all()
        keys += session.scalars(select(Roster.dataset).where(
            Roster.fingerprint == tables).order_by(Roster.id)).all()
    for key in keys:
        if key == BUNDLED_NAME:
            return Dataset.bundled()
        if Path(key).is_absolute() and Path(key).is_dir():
            return Dataset.at(key)
    return None


def store_chain(dataset: Dataset, engine: Engine | None = None) -> list[dict[str, Any]]:
    """The dataset's sealed records in the order sealed (:func:`sealed_chain`)."""
    with Session(engine or store.engine()) as session:
        return sealed_chain(session, dataset.key)


def office_today() -> dt.date:
    """The office's today: ``TUOYU_TODAY`` (YYYY-MM-DD) when it is set, for a dataset
    whose timeline lies ahead of the calendar (the bundled Baoshan data plans 2027) or a
    training copy; else the machine's date."""
    value = os.environ.get("TUOYU_TODAY", "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DataError([Problem("TUOYU_TODAY", "the setting is not a date", got=value,
                                 expected="a date YYYY-MM-DD", code="input.value_invalid",
                                 params={"kind": "date"})]) from None


#: how long an upload of outcomes waits for another one being stored (seconds; 300,000
#: rows are stored in under a minute) before it is refused with :class:`OutcomesBusy`;
#: the setting ``TUOYU_OUTCOMES_WAIT`` overrides it
OUTCOMES_WAIT = 300.0


def outcomes_wait() -> float:
    """``TUOYU_OUTCOMES_WAIT`` (seconds, at least 0), else :data:`OUTCOMES_WAIT`."""
    try:
        return max(0.0, float(os.environ.get("TUOYU_OUTCOMES_WAIT") or OUTCOMES_WAIT))
    except ValueError:
        return OUTCOMES_WAIT


def record_outcomes(file: Path, dataset: Dataset, engine: Engine | None = None,
                    today: dt.date | None = None, wait: float | None = None) -> int:
    """Check an outcomes table (the contract's ``inspections``: institution_id, date,
    outcome, inspector_ids) against the dataset and store it; raises DataError naming
    file, row and column, storing nothing. An outcome dated after ``today`` (default:
    :func:`office_today`) is refused: only visits made have outcomes.

    Two uploads at once: on SQLite they take turns (a file lock beside the database, held
    for the transaction), the second waiting up to ``wait`` seconds, then refused with
    :class:`store.OutcomesBusy` (never "database is locked"); on PostgreSQL the second
    waits for the first's rows and replaces them. Either way one outcome per visit, the
    one written last, and a writer that cannot store gets OutcomesBusy, storing nothing.
    ``wait``: default :func:`outcomes_wait`."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    from tuoyu.models.outcomes import read_outcomes

    rows = read_outcomes(file, dataset.folder, today=today or office_today())
    eng = engine or store.engine()
    wait = outcomes_wait() if wait is None else wait
    try:
        with _outcomes_turn(eng, wait), Session(eng) as session, session.begin():
            return store.record_outcomes(session, dataset.key, rows)
    except (IntegrityError, OperationalError) as exc:
        # a duplicate refused by the index (a database without upserts), a deadlock, or
        # SQLite still locked by another writer after its busy timeout
        raise store.OutcomesBusy(seconds=round(wait)) from exc


def _outcomes_turn(eng: Engine, wait: float) -> Any:
    """The turn of one writer of outcomes on a SQLite file: a file lock beside it
    (``tuoyu.sqlite.outcomes.lock``), waited for up to ``wait`` seconds, then
    :class:`store.OutcomesBusy`. Other databases lock their own rows: no lock here."""
    from contextlib import contextmanager, nullcontext

    from filelock import FileLock, Timeout

    database = eng.url.database if eng.url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:":
        return nullcontext()

    @contextmanager
    def turn() -> Any:
        lock = FileLock(f"{database}.outcomes.lock")
        try:
            lock.acquire(timeout=max(wait, 0) or 0.001)
        except Timeout:
            raise store.OutcomesBusy(seconds=round(wait)) from None
        try:
            yield
        finally:
            lock.release()

    return turn()


# ------------------------------------------- the official draw's cycle (issue 19)
# commit -> seed -> draw -> publish to the inspectors (sealed) -> results -> reveal


class CommitNeedsReason(store.RosterStateError):
    """The month has a commitment: another needs a recorded reason (both are kept)."""

    code = "roster.commit_needs_reason"


class CommitConflict(store.RosterStateError):
    """Another commitment of the month was stored while this one was being made (two
    requests at once): this one is not stored, the other stays."""

    code = "roster.commit_conflict"


class NoCommitment(store.RosterStateError):
    """A seed source's value needs the month's commitment first."""

    code = "roster.no_commitment"


class AlreadySeeded(store.RosterStateError):
    """The commitment has its seed: one source value a commitment."""

    code = "roster.already_seeded"


class NotSeeded(store.RosterStateError):
    """The month is committed but its seed source's value is not given yet."""

    code = "roster.not_seeded"


class InputsChanged(store.RosterStateError):
    """The draw's inputs changed since the commitment: commit again (with a reason)."""

    code = "roster.inputs_changed"


class MonthNotDone(store.RosterStateError):
    """The month's draw is revealed only once the month is over."""

    code = "roster.month_not_done"


class NothingToReveal(store.RosterStateError):
    """No published roster of the month to reveal."""

    code = "roster.reveal_nothing"


def _utc(t: dt.datetime | None) -> str | None:
    return None if t is None else t.replace(microsecond=0, tzinfo=dt.UTC).isoformat()


def month_commitments(session: Session, dataset: str, month: str) -> list[Any]:
    """The month's commitments, oldest first."""
    from tuoyu.api.store.tables import RosterCommitment as C

    return list(session.scalars(select(C).where(C.dataset == dataset, C.month == month)
                                .order_by(C.seq)))  # fmt: skip


def commitment_entry(c: Any) -> dict[str, Any]:
    """A commitment as the pages and the notices show it (never the inputs' nonce)."""
    inputs = json.loads(c.inputs_json)
    return {"seq": c.seq, "commitment": c.commitment, "created_at": _utc(c.created_at),
            "reason": c.reason, "source": inputs.get("seed_source"),
            "rules": inputs.get("rules"), "seeded": c.seed is not None,
            "seeded_at": _utc(c.seeded_at),
            "value": json.loads(c.value_json) if c.value_json else None}  # fmt: skip


def latest_sealed(session: Session, dataset: str, *, but: int | None = None) -> str | None:
    """The hash of the dataset's newest sealed record (the chain's head), ``but`` that
    roster."""
    rows = [r for r in session.scalars(select(Roster).where(
        Roster.dataset == dataset, Roster.sealed_hash.is_not(None))
        .order_by(Roster.sealed_at, Roster.id)) if r.id != but]  # fmt: skip
    return rows[-1].sealed_hash if rows else None


def commit(dataset: Dataset, params: RosterParams, source: dict[str, Any],
           engine: Engine | None = None, *, reason: str | None = None,
           now: dt.datetime | None = None) -> dict[str, Any]:
    """Commit the month's official draw: fix its inputs (the candidates with weights, the
    history, the rules, the inspectors' available days, the seed source) and store their
    canonical JSON and hash with the time. ``source``: ``{"kind": "drand"}`` (the first
    round 10 minutes after now) or ``{"kind": "lottery", "name": …, "date": …}``. A
    second commitment of the month needs a reason (:class:`CommitNeedsReason`); both
    stay; one stored by another request meanwhile: :class:`CommitConflict`, this one not
    stored. Returns the commitment (:func:`commitment_entry`)."""
    from tuoyu.planning import beacon
    from tuoyu.planning.roster import clean_reason

    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    reason = clean_reason(reason)
    if source.get("kind") == "drand":
        spec = beacon.drand_source(now)
    elif source.get("kind") == "lottery":
        try:
            day: dt.date | None = dt.date.fromisoformat(str(source.get("date") or ""))
        except ValueError:  # none given (the pages), or not a date: said as such
            day = None
        spec = beacon.lottery_source(str(source.get("name") or ""), day, now)
    else:
        raise DataError([Problem("source", "unknown seed source", code="draw.source_kind",
                                 params={"kind": str(source.get("kind"))})])
    from sqlalchemy.exc import IntegrityError

    try:
        return _store_commitment(dataset, params, spec, reason, now, engine)
    except IntegrityError as exc:  # another commitment took the month's next number
        raise CommitConflict(month=params.month) from exc


def _store_commitment(dataset: Dataset, params: RosterParams, spec: dict[str, Any],
                      reason: str | None, now: dt.datetime,
                      engine: Engine | None) -> dict[str, Any]:
    """Store the month's next commitment (:func:`commit`, which checked its source)."""
    from tuoyu.api.store.tables import RosterCommitment
    from tuoyu.planning.commitment import (
        canonical,
        commitment_inputs,
        commitment_of,
        determined_inputs,
    )

    with Session(engine or store.engine()) as session, session.begin():
        earlier = month_commitments(session, dataset.key, params.month)
        if (earlier or store.is_published(session, dataset.key, params.month)) and not reason:
            raise CommitNeedsReason(month=params.month, count=len(earlier))
        start = dt.date(params.year, params.mon, 1)
        history = store.stored_history(session, dataset.key, start)
        inputs = commitment_inputs(
            determined_inputs(dataset, params, history), source=spec, created_at=now,
            seq=len(earlier) + 1, previous=latest_sealed(session, dataset.key),
            earlier=[c.commitment for c in earlier], reason=reason)  # fmt: skip
        row = RosterCommitment(
            dataset=dataset.key, month=params.month, seq=len(earlier) + 1,
            created_at=now.replace(tzinfo=None), inputs_json=canonical(inputs),
            commitment=commitment_of(inputs), reason=reason, source_kind=spec["kind"])
        session.add(row)
        session.flush()
        return commitment_entry(row)


def seed(dataset: Dataset, month: str, value: dict[str, Any], engine: Engine | None = None,
         *, today: dt.date | None = None) -> dict[str, Any]:
    """Give the month's newest commitment its seed source's value (a drand round's JSON,
    or ``{"numbers": …}`` of the lottery draw it named): checked (a drand round: the one
    named, after the commitment, its BLS signature the chain's, offline), then the seed
    is derived from the commitment and the value. Raises :class:`NoCommitment`,
    :class:`AlreadySeeded`, or DataError naming what is wrong with the value."""
    from tuoyu.api.store.tables import RosterCommitment
    from tuoyu.planning.beacon import derive_seed, source_value
    from tuoyu.planning.commitment import canonical, committed_at

    with Session(engine or store.engine()) as session, session.begin():
        rows = month_commitments(session, dataset.key, month)
        if not rows:
            raise NoCommitment(month=month)
        row = rows[-1]
        if row.seed is not None:
            raise AlreadySeeded(month=month, seq=row.seq)
        inputs = json.loads(row.inputs_json)
        checked = source_value(inputs["seed_source"], value,
                               committed_at=committed_at(inputs),
                               today=today or office_today())  # fmt: skip
        # given only if still none: of two requests at once, the second stores nothing
        # (AlreadySeeded), never a seed over the first's
        given = session.execute(
            update(RosterCommitment)
            .where(RosterCommitment.id == row.id, RosterCommitment.seed.is_(None))
            .values(value_json=canonical(value), checked_value=checked,
                    seed=derive_seed(row.commitment, checked), seeded_at=store.now())
            .execution_options(synchronize_session="fetch"))
        if given.rowcount != 1:
            raise AlreadySeeded(month=month, seq=row.seq)
        session.refresh(row)
        return commitment_entry(row)


def official_for(session: Session, dataset: Dataset, params: RosterParams) -> tuple[
        dict[str, Any], dict[str, Any]] | None:
    """The month's official draw, when it is committed: (the record's ``official`` block,
    the committed rules). None when the month has no commitment. Raises
    :class:`NotSeeded` (committed, no seed yet) or :class:`InputsChanged` (the dataset,
    history or rules are no longer the committed ones)."""
    from tuoyu.planning.commitment import changed_since, determined_inputs, official_block

    rows = month_commitments(session, dataset.key, params.month)
    if not rows:
        return None
    row = rows[-1]
    if row.seed is None:
        raise NotSeeded(month=params.month, seq=row.seq)
    inputs = json.loads(row.inputs_json)
    rules = dict(inputs["rules"])
    committed = params.model_copy(update={"draw_share": rules["draw_share"],
                                          "min_team": rules["min_team"]})
    start = dt.date(params.year, params.mon, 1)
    now = determined_inputs(dataset, committed, store.stored_history(session, dataset.key,
                                                                     start))
    changed = changed_since(inputs, now)
    if changed:
        raise InputsChanged(month=params.month, fields=changed)
    value = json.loads(row.value_json or "{}")
    return official_block(inputs, value, row.checked_value or ""), rules


def seal(session: Session, roster: Roster) -> None:
    """Seal an official draw as it is published to the inspectors: the sealed record
    (the draw record and the hash of the dataset's previous sealed record: a chain) and
    its hash, all the public sees until the month is done. A draw made with a seed
    given by hand (a draft or test) is never sealed: it is not official."""
    from tuoyu.planning.commitment import canonical
    from tuoyu.planning.roster import fingerprint

    record = _json(roster.draw_json)
    if roster.sealed_hash is not None or not isinstance(record, dict) or not record.get(
            "official"):
        return
    sealed_at = store.now().replace(microsecond=0)
    envelope = {"kind": "tuoyu.roster.sealed", "month": roster.month, "draw": roster.seq,
                "record": record, "previous_sealed": latest_sealed(session, roster.dataset,
                                                                   but=roster.id),
                "sealed_at": _utc(sealed_at)}  # fmt: skip
    session.execute(  # only if not sealed meanwhile: a seal is never replaced
        update(Roster).where(Roster.id == roster.id, Roster.sealed_hash.is_(None))
        .values(sealed_json=canonical(envelope), sealed_hash=fingerprint(envelope),
                sealed_at=sealed_at)
        .execution_options(synchronize_session=False))
    session.refresh(roster)


def month_done(month: str, today: dt.date) -> bool:
    """Is the month over (its last day before today)?"""
    y, m = (int(x) for x in month.split("-"))
    return today >= (dt.date(y, m, 28) + dt.timedelta(days=4)).replace(day=1)


def reveal(dataset: Dataset, month: str, engine: Engine | None = None, *,
           today: dt.date | None = None) -> dict[str, Any]:
    """Reveal the month's published roster once the month is over: from now on the
    public notice shows every inspection, its team and the whole record. Raises
    :class:`MonthNotDone` or :class:`NothingToReveal`."""
    today = today or office_today()
    if not month_done(month, today):
        raise MonthNotDone(month=month, today=today.isoformat())
    with Session(engine or store.engine()) as session, session.begin():
        roster = store.month_roster(session, dataset.key, month)
        if roster is None or roster.status != "published":
            raise NothingToReveal(month=month)
        if roster.revealed_at is None:  # only if still not: of two at once, the first's
            session.execute(  # time stands, and both are told it
                update(Roster).where(Roster.id == roster.id, Roster.revealed_at.is_(None))
                .values(revealed_at=store.now().replace(microsecond=0))
                .execution_options(synchronize_session=False))
            session.refresh(roster)
        return {"month": month, "revealed_at": _utc(roster.revealed_at),
                "sealed_hash": roster.sealed_hash}  # fmt: skip


def cycle_state(session: Session, dataset: Dataset, month: str, current: Any) -> dict[str, Any]:
    """Where the month stands in the cycle, for the pages: its commitments, whether the
    roster in force is official, sealed, revealed; the step to take next."""
    commitments = [commitment_entry(c) for c in month_commitments(session, dataset.key, month)]
    record = _json(current.draw_json) if current is not None else None
    official = bool(isinstance(record, dict) and record.get("official"))
    published = current is not None and current.status == "published"
    if current is not None and current.revealed_at is not None:
        step = "revealed"
    elif published and current.sealed_hash:
        step = "sealed"
    elif published:
        step = "published"
    elif current is not None:
        step = "drawn"
    elif commitments and commitments[-1]["seeded"]:
        step = "seeded"
    elif commitments:
        step = "committed"
    else:
        step = "none"
    return {
        "step": step,
        "commitments": commitments,
        "official": official,
        "sealed_hash": current.sealed_hash if current is not None else None,
        "sealed_at": _utc(current.sealed_at) if current is not None else None,
        "revealed_at": _utc(current.revealed_at) if current is not None else None,
        "month_done": month_done(month, office_today()),
    }


def sealed_chain(session: Session, dataset: str) -> list[dict[str, Any]]:
    """Every sealed record of the dataset in the order sealed (the chain): month, draw,
    the stored hash and the stored canonical text."""
    rows = session.scalars(select(Roster).where(
        Roster.dataset == dataset, Roster.sealed_hash.is_not(None))
        .order_by(Roster.sealed_at, Roster.id))  # fmt: skip
    return [{"month": r.month, "draw": r.seq, "hash": r.sealed_hash, "text": r.sealed_json}
            for r in rows]


def month_view(dataset: Dataset, month: str, engine: Engine | None = None, *,
               today: dt.date | None = None) -> Any:
    """The month as the public notices may read it
    (:class:`tuoyu.planning.audit.MonthView`), gathered from the store."""
    from tuoyu.api.store.tables import Outcome
    from tuoyu.planning.audit import MonthView
    from tuoyu.planning.commitment import canonical

    today = today or office_today()
    y, m = (int(x) for x in month.split("-"))
    first = dt.date(y, m, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1)
    with Session(engine or store.engine()) as session:
        current = store.month_roster(session, dataset.key, month)
        record = _json(current.draw_json) if current is not None else None
        record = record if isinstance(record, dict) else None
        outcomes = tuple(sorted(
            (o.institution_id, o.date.isoformat(), o.outcome)
            for o in session.scalars(select(Outcome).where(
                Outcome.dataset == dataset.key, Outcome.date >= first, Outcome.date < last))))
        official = (record or {}).get("official") or {}
        state = cycle_state(session, dataset, month, current)
        return MonthView(
            month=month, today=today,
            state=current.status if current is not None else "none", step=state["step"],
            record=record,
            visits=tuple({"date": v.date.isoformat(), "institution_id": v.institution_id,
                          "street_id": v.street_id, "inspector_ids": v.inspector_ids,
                          "reason": v.reason} for v in (current.visits if current else [])),
            published_at=_utc(current.published_at) if current is not None else None,
            sealed_hash=state["sealed_hash"], sealed_at=state["sealed_at"],
            sealed_text=current.sealed_json if current is not None else None,
            revealed_at=state["revealed_at"], commitments=tuple(state["commitments"]),
            commitment_inputs=canonical(official["inputs"]) if official else None,
            outcomes=outcomes, draws=tuple(store.earlier_draws(session, dataset.key, month)),
        )  # fmt: skip
