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

Two runs writing the same folder at once: each run holds :func:`claim` on its output
folder from before its solve until its plan is published and noted in the store. The
claim is an exclusive ``flock`` on ``.NAME.lock`` beside the folder (the system drops it
when the process ends, however it ends); a second run finds it held and stops at once,
naming the folder and the process holding it (:class:`OutputError`, ``output.busy``),
before it has solved or written anything. Without it the later run replaced the earlier
one's whole folder silently, and ``tuoyu all`` runs could leave ``out/`` mixing one run's
roster with another's calendar, and the store noting one run's parameters for the other's
files.

A folder is replaced whole, so only a folder tuoyu wrote is ever replaced: every
published folder holds :data:`MARK`; an existing folder that is neither empty nor marked
(a planner's ``--out D:\\方案`` or ``--out .`` holding their own files) is refused by
:func:`check_ours` before anything is solved or written (``output.not_ours``, naming a
few of its files), and again by :func:`staged`. Without it ``--out`` of a folder with a
planner's documents deleted them silently when the plan was published.
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
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on this system (Windows): runs are not kept apart there
    fcntl = None  # type: ignore[assignment]

#: the file every published plan folder holds: what tuoyu wrote and may replace whole
MARK = ".tuoyu-plan"
_MARK_TEXT = (
    "本文件夹由 tuoyu 写入；每次生成方案时整个文件夹被替换，请勿在此存放其他文件。\n"
    "This folder was written by tuoyu; each new plan replaces the whole folder, so keep "
    "no other files here.\n"
)

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class OutputError(Exception):
    """The output folder cannot be written (it is a file, read-only, on a full disk…).
    ``path`` and ``reason`` say which and why; the faces render it for people."""

    def __init__(self, path: Path, reason: str, code: str | None = None,
                 params: dict[str, object] | None = None):
        self.path = path
        self.reason = reason
        self.code = code  # a message code of tuoyu.api.text for the reason, when there is one
        self.params = params or {}  # the code's parameters (``output.busy``: the pid)
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


def is_ours(out_dir: Path) -> bool:
    """Whether publishing into ``out_dir`` replaces nothing but a plan: it does not
    exist, is an empty folder, or holds :data:`MARK`."""
    if not out_dir.is_dir():
        return True
    if (out_dir / MARK).is_file():
        return True
    return next(out_dir.iterdir(), None) is None


def mark(folder: Path) -> None:
    """Mark ``folder`` as a plan folder tuoyu may replace (:data:`MARK`)."""
    (folder / MARK).write_text(_MARK_TEXT, encoding="utf-8")


def check_ours(out_dir: Path) -> None:
    """Raise :class:`OutputError` (``output.not_ours``, a few of the folder's names)
    when publishing into ``out_dir`` would delete files tuoyu did not write."""
    out_dir = Path(out_dir).absolute()
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(out_dir, "exists and is not a folder", "output.not_a_folder")
    try:
        if is_ours(out_dir):
            return
        names = sorted(p.name for p in out_dir.iterdir())
    except OSError as exc:
        raise OutputError(out_dir, exc.strerror or str(exc)) from None
    # names are data: no line break, control or direction character reaches a message
    shown = ["".join(c if c.isprintable() else "?" for c in n)[:40] for n in names[:3]]
    raise OutputError(out_dir, f"holds files tuoyu did not write ({', '.join(shown)})",
                      "output.not_ours", {"names": shown, "count": len(names)})


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
    check_ours(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        recover(out_dir)
        clean_stale(out_dir)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new.{os.getpid()}.",
                                    dir=out_dir.parent))
        mark(tmp)
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


def lock_path(out_dir: Path) -> Path:
    """The lock file of an output folder: ``.NAME.lock`` beside it (never inside: the
    folder itself is swapped whole when a plan is published)."""
    out_dir = Path(out_dir).absolute()
    return out_dir.parent / f".{out_dir.name}.lock"


@contextmanager
def claim(*out_dirs: Path) -> Iterator[None]:
    """Hold every folder of ``out_dirs`` for this run, or raise :class:`OutputError`
    (``output.busy``, with the other run's process id) at once when another run holds
    one: nothing is held then. The same process may claim a folder it holds again (``tuoyu
    all`` holds ``out`` and each ``out/<planner>``, and its planners claim theirs)."""
    with ExitStack() as stack:
        for out_dir in out_dirs:
            stack.enter_context(_claim_one(Path(out_dir).absolute()))
        yield


_HELD: dict[str, int] = {}  # lock files this process holds, and how many times


@contextmanager
def _claim_one(out_dir: Path) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    path = lock_path(out_dir)
    key = str(path)
    if key in _HELD:  # this run holds it already
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(out_dir, "exists and is not a folder", "output.not_a_folder")
    made = [p for p in (out_dir.parent, *out_dir.parent.parents) if not p.exists()]
    try:
        try:
            out_dir.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file where a folder should be, no permission, …
            raise OutputError(out_dir, exc.strerror or str(exc)) from None
        fd = _lock(path, out_dir)
    except BaseException:
        _remove_empty(made)
        raise
    _HELD[key] = 1
    try:
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        del _HELD[key]
        # removed while still locked: a run that opened it meanwhile finds, once it has
        # the lock, that the path is no longer its file, and starts again
        with suppress(OSError):
            os.unlink(path)
        os.close(fd)
        _remove_empty(made)


def _lock(path: Path, out_dir: Path) -> int:
    """The lock file opened and locked (exclusive, not waiting); OutputError when another
    run holds it."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(out_dir, exc.strerror or str(exc)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise OutputError(out_dir, f"another run (process {holder or '?'}) is writing it",
                              "output.busy", {"pid": holder or "?"}) from None
        except OSError as exc:
            os.close(fd)
            raise OutputError(out_dir, exc.strerror or str(exc)) from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # its holder removed it as we opened it: take the new one


def _remove_empty(folders: list[Path]) -> None:
    """Remove the folders a claim made for its lock file, when nothing was put in them."""
    for folder in folders:  # the deepest first
        with suppress(OSError):
            folder.rmdir()
