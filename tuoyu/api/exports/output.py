"""Writing a plan's files all at once or not at all.

Files are written into a temporary folder beside the output folder and moved in only
when everything succeeded, so bad input, a plan that cannot be made or a crash leave the
output folder as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def publish(tmp: Path, out_dir: Path) -> None:
    """Move every entry of ``tmp`` into ``out_dir``; a folder replaces its namesake whole,
    so no stale file of an earlier plan (an old .ics, say) stays behind."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for entry in sorted(tmp.iterdir()):
        target = out_dir / entry.name
        if entry.is_dir() and target.exists():
            trash = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.old."))
            os.replace(target, trash / entry.name)
            os.replace(entry, target)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(entry, target)


@contextmanager
def staged(out_dir: Path) -> Iterator[Path]:
    """A temporary folder to write into; published into ``out_dir`` when the block ends
    without an error, removed in every case."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        yield tmp
        publish(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
