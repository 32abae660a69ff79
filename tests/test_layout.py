"""One test module per module with logic (docs/architecture.md, "A new module with
logic"): every module of ``tuoyu/`` that defines a function has its test module at the
mirrored path — ``tuoyu/optimizer/roster/bound.py`` → ``tests/optimizer/roster/
test_bound.py``, a package's ``__init__.py`` → ``test_<package>.py`` in its folder — and
the store's migrations share ``tests/api/store/migrations/test_migrations.py``."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ("api", "store", "migrations", "versions")


def has_logic(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) for n in ast.walk(tree))


def test_module(module: Path) -> Path:
    """Where the test module of ``module`` (a path under tuoyu/) lives."""
    rel = module.relative_to(ROOT / "tuoyu")
    if rel.parts[:4] == MIGRATIONS:
        return ROOT / "tests/api/store/migrations/test_migrations.py"
    name = module.parent.name if module.stem == "__init__" else module.stem
    return ROOT / "tests" / rel.parent / f"test_{name}.py"


test_module.__test__ = False  # a helper, not a test


def test_every_module_with_logic_has_its_test_module() -> None:
    modules = [p for p in sorted((ROOT / "tuoyu").rglob("*.py")) if has_logic(p)]
    assert len(modules) > 100  # the package was found
    missing = [f"{m.relative_to(ROOT)} -> {test_module(m).relative_to(ROOT)}"
               for m in modules if not test_module(m).is_file()]
    assert not missing, "modules without their test module:\n" + "\n".join(missing)
