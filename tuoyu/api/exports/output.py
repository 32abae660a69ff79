"""Publishing a plan's files all at once or not at all.

A plan is written into a staging folder beside the output folder. When every file is
written, the staging folder *becomes* the output folder in one step:

- the output folder does not exist yet: one ``rename`` of the staging folder;
- it exists: on Linux, one ``renameat2(RENAME_EXCHANGE)`` swaps the two folders
  atomically (the old plan then sits in the staging path and is removed). Where that
  call is missing (another OS, an old kernel, a file system without it), the old folder
  is first renamed aside to ``.NAME.old.*`` and the new one renamed in; a crash between
  the two renames leaves the old plan whole under that name, and the next
  :func:`staged` for the same folder puts it back before anything else.

So a crash at any moment leaves the old complete plan or the new complete one, never a
folder mixing both; nothing is ever renamed *into* the output folder file by file.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import glob
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class OutputError(Exception):
    """The output folder cannot be written (it is a file, read-only, on a full disk…).
    ``path`` and ``reason`` say which and why; the faces render it for people."""

    def __init__(self, path: Path, reason: str, code: str | None = None):
        self.path = path
        self.reason = reason
        self.code = code  # a message code of tuoyu.api.text for the reason, when there is one
        super().__init__(f"{path}: {reason}")


def _libc_renameat2() -> object | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_RENAMEAT2 = _libc_renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically; False where the system cannot."""
    if _RENAMEAT2 is None:
        return False
    rc = _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)  # type: ignore[operator]
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def pid_alive(pid: int) -> bool:
    """Whether a process of this id runs (a zombie does not)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except (FileNotFoundError, IndexError, OSError):
        return True


def owner_gone(rest: str) -> bool:
    """For a staging folder named ``<prefix><pid>-…`` or ``<prefix><pid>.…`` (``rest``
    is what follows the prefix): whether the process that made it no longer runs.
    A name without a process id is of an older kind: its owner is gone too."""
    head = rest.replace(".", "-").split("-", 1)[0]
    return not head.isdigit() or not pid_alive(int(head))


def clean_stale(out_dir: Path) -> None:
    """Remove staging folders of ``out_dir`` left by runs that were killed."""
    prefix = f".{out_dir.name}.new."
    for p in out_dir.parent.glob(f"{glob.escape(prefix)}*"):
        if p.is_dir() and owner_gone(p.name[len(prefix):]):
            shutil.rmtree(p, ignore_errors=True)


def clean_stale_in(folder: Path) -> None:
    """Remove every staging folder (``.NAME.new.*``) in ``folder`` left by a killed run."""
    if not folder.is_dir():
        return
    for p in folder.glob(".*.new.*"):
        if p.is_dir() and owner_gone(p.name.split(".new.", 1)[1]):
            shutil.rmtree(p, ignore_errors=True)


def _old_copies(out_dir: Path) -> list[Path]:
    return sorted(out_dir.parent.glob(f".{out_dir.name}.old.*"))


def recover(out_dir: Path) -> None:
    """Put back an old plan left aside by a crash between the two fallback renames."""
    olds = _old_copies(out_dir)
    if not out_dir.exists() and olds:
        os.replace(olds[-1], out_dir)
        olds = olds[:-1]
    for old in olds:
        shutil.rmtree(old, ignore_errors=True)


def publish(tmp: Path, out_dir: Path) -> None:
    """Make the staging folder ``tmp`` the output folder, in one step (see the module)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(out_dir, "exists and is not a folder", "output.not_a_folder")
    if not out_dir.exists():
        os.replace(tmp, out_dir)
        return
    if exchange(tmp, out_dir):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old plan
        return
    aside = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.old."))
    aside.rmdir()
    os.replace(out_dir, aside)
    os.replace(tmp, out_dir)
    shutil.rmtree(aside, ignore_errors=True)


@contextmanager
def staged(out_dir: Path) -> Iterator[Path]:
    """A staging folder to write the plan into; it becomes ``out_dir`` when the block
    ends without an error and is removed in every other case. Problems with the output
    location itself raise :class:`OutputError` before anything is written."""
    out_dir = Path(out_dir).absolute()
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(out_dir, "exists and is not a folder", "output.not_a_folder")
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        recover(out_dir)
        clean_stale(out_dir)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new.{os.getpid()}.",
                                    dir=out_dir.parent))
    except OSError as exc:
        raise OutputError(out_dir, exc.strerror or str(exc)) from None
    try:
        yield tmp
        try:
            publish(tmp, out_dir)
        except OSError as exc:
            raise OutputError(out_dir, exc.strerror or str(exc)) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
