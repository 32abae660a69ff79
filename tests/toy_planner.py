"""A toy planner, registered from the tests (never by the package): its parameters, its
``run``, its exporter, its command and its messages, all in this one module, named by
its registry entry (:data:`ENTRY`) as a real planner names its folders' modules."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Literal

import typer
from pydantic import Field

from tuoyu.models.schema import Column, Table
from tuoyu.optimizer.solve import Status
from tuoyu.planning.params import PlannerParams
from tuoyu.planning.plan import Plan
from tuoyu.planning.registry import Option, Page, Planner

#: the toy's one table: a column of numbers to add up
TOYS = Table("toys", "玩具", (Column("toy_id", unique=True), Column("weight", "int", min=0)),
             key="toy_id")


class ToyParams(PlannerParams):
    kind: Literal["toy"] = "toy"
    boxes: int = Field(2, ge=1, le=9, description="Boxes to fill.")


def run(dataset: Any, params: ToyParams, *, stop: Any = None, progress: Any = None) -> Plan:
    """Deal the toys' weights into the boxes in turn (no solver: a toy)."""
    with open(Path(dataset.folder) / "toys.csv", encoding="utf-8") as f:
        toys = list(csv.DictReader(f))
    rows = [{"toy_id": t["toy_id"], "box": i % params.boxes + 1} for i, t in enumerate(toys)]
    return Plan(kind="toy", status=Status.OPTIMAL, objective=0.0, bound=0.0, rows=rows,
                params=params.model_dump(mode="json"))


def write_plan(plan: Plan, folder: Path, lang: str = "zh") -> None:
    with open(Path(folder) / "toy.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["toy_id", "box"])
        writer.writeheader()
        writer.writerows(dict(r) for r in plan.rows)


MESSAGES: dict[str, tuple[str, str]] = {
    "toy.name": ("玩具装箱", "Toy boxes"),
    "toy.option.boxes": ("箱子的数量。", "Boxes to fill."),
}


def register(app: typer.Typer) -> None:
    from tuoyu.api.cli.common import dataset_of, make_params, plan_and_write

    @app.command("toy")
    def toy(data: Path = typer.Option(None), out: Path = typer.Option(Path("out/toy")),
            boxes: int = typer.Option(None), lang: str = "zh") -> None:
        """玩具装箱 Deal toys into boxes (a planner of the tests)."""
        plan_and_write(dataset_of(data), make_params(ToyParams, lang, boxes=boxes), out, lang)


ENTRY = Planner(
    kind="toy",
    params=ToyParams,
    planning=__name__,
    tables=("toys",),
    exporter=__name__,
    messages=__name__,
    command=__name__,
    options=(Option("boxes", int, 3, "toy.option.boxes"),),
    page=Page("/toy", "toy", "title_toy", "玩具装箱"),
    example={"boxes": 4},
    example_title="玩具装箱 / toy boxes",
    job_doc="Toys dealt into boxes.",
)


#: what the toy's store saw: (rows, what the out folder held then), and the folder it looks at
SAVED: list[tuple[int, str | None]] = []
WATCHED: list[Path] = []


def save(plan: Plan, dataset: Any, engine: Any) -> int:
    """The toy's store: records the plan with what its out folder held at that moment
    (the delivery must store before it publishes); refuses a plan of 0 boxes' worth."""
    from tuoyu.api import store

    shown = None
    if WATCHED and (WATCHED[-1] / "toy.csv").exists():
        shown = (WATCHED[-1] / "toy.csv").read_text(encoding="utf-8")
    if plan.params.get("boxes") == 9:
        raise store.DrawConflict(month="toy", seen=0, stored=1)
    SAVED.append((len(plan.rows), shown))
    return len(SAVED)


STORED_ENTRY = Planner(**{**ENTRY.__dict__, "save": f"{__name__}:save"})
