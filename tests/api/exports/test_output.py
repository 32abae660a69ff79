"""Publishing a plan's folder: all at once or not at all, even under kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from output_support import Holder

from tuoyu.api.exports import output
from tuoyu.api.exports.output import OutputError, staged


def _write(folder: Path, generation: int, n: int = 5) -> None:
    for i in range(n):
        (folder / f"f{i}.txt").write_text(str(generation), encoding="utf-8")


def _files(out: Path) -> list[str]:
    """The plan's own files (without the folder's mark, ``output.MARK``)."""
    return sorted(p.name for p in out.iterdir() if p.name != output.MARK)


def _generations(out: Path) -> set[str]:
    return {(out / name).read_text(encoding="utf-8") for name in _files(out)}


def test_a_new_folder_appears_whole(tmp_path: Path) -> None:
    out = tmp_path / "out" / "roster"
    with staged(out) as tmp:
        _write(tmp, 1)
    assert sorted(p.name for p in out.iterdir()) == [output.MARK] + [f"f{i}.txt" for i in range(5)]
    assert [p.name for p in out.parent.iterdir()] == ["roster"]  # no staging left behind


def test_a_second_plan_replaces_the_first_whole(tmp_path: Path) -> None:
    out = tmp_path / "roster"
    with staged(out) as tmp:
        _write(tmp, 1, n=6)
    with staged(out) as tmp:
        _write(tmp, 2, n=3)
    assert _generations(out) == {"2"}
    assert len(_files(out)) == 3  # no stale file of the first plan
    assert [p.name for p in tmp_path.iterdir()] == ["roster"]


def test_an_error_while_writing_leaves_the_old_plan(tmp_path: Path) -> None:
    out = tmp_path / "roster"
    with staged(out) as tmp:
        _write(tmp, 1)
    with pytest.raises(RuntimeError), staged(out) as tmp:
        _write(tmp, 2, n=2)
        raise RuntimeError("the workbook could not be written")
    assert _generations(out) == {"1"} and len(_files(out)) == 5
    assert [p.name for p in tmp_path.iterdir()] == ["roster"]


def test_an_out_path_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "plan"
    f.write_text("not a folder")
    with pytest.raises(OutputError) as err, staged(f) as tmp:
        _write(tmp, 1)
    assert "not a folder" in err.value.reason
    assert f.read_text() == "not a folder"


def test_publishing_renames_one_path_only(tmp_path: Path, monkeypatch) -> None:
    """Nothing is moved into the out folder file by file: one exchange (or one rename)."""
    calls: list[tuple[str, str]] = []
    real_replace, real_exchange = os.replace, output.exchange

    def replace(a, b):  # noqa: ANN001
        calls.append(("replace", str(b)))
        return real_replace(a, b)

    def exchange(a, b):  # noqa: ANN001
        calls.append(("exchange", str(b)))
        return real_exchange(a, b)

    monkeypatch.setattr(output.os, "replace", replace)
    monkeypatch.setattr(output, "exchange", exchange)
    out = tmp_path / "roster"
    with staged(out) as tmp:
        _write(tmp, 1, n=8)
    assert calls == [("replace", str(out))]
    calls.clear()
    with staged(out) as tmp:
        _write(tmp, 2, n=8)
    assert len(calls) == 1 and calls[0][1] == str(out)


def test_the_fallback_recovers_a_crash_between_its_two_renames(tmp_path: Path,
                                                                monkeypatch) -> None:
    """Without renameat2: old aside, new in. A crash after the first rename leaves the
    old plan whole under .roster.old.*, and the next run puts it back first."""
    out = tmp_path / "roster"
    with staged(out) as tmp:
        _write(tmp, 1)
    monkeypatch.setattr(output, "_RENAMEAT2", None)
    real = os.replace
    n = {"calls": 0}

    def crash_on_second(a, b):  # noqa: ANN001
        n["calls"] += 1
        if n["calls"] == 2:
            raise KeyboardInterrupt("power cut")
        return real(a, b)

    monkeypatch.setattr(output.os, "replace", crash_on_second)
    with pytest.raises(KeyboardInterrupt), staged(out) as tmp:
        _write(tmp, 2)
    assert not out.exists()
    (aside,) = tmp_path.glob(".roster.old.*")
    assert _generations(aside) == {"1"}
    monkeypatch.setattr(output.os, "replace", real)
    with pytest.raises(RuntimeError), staged(out):
        raise RuntimeError("a later run that fails")
    assert _generations(out) == {"1"} and not list(tmp_path.glob(".roster.old.*"))


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tuoyu.api.exports.output import staged
    out = Path(sys.argv[1])
    g = 0
    while True:
        g += 1
        with staged(out) as tmp:
            for i in range(20):
                (tmp / f"f{i}.txt").write_text(str(g))
        if g == 1:
            print("published", flush=True)
    """
)


def test_kill_9_at_any_moment_leaves_one_whole_plan(tmp_path: Path) -> None:
    out = tmp_path / "roster"
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    for k in range(12):
        proc = subprocess.Popen([sys.executable, str(script), str(out)],
                                stdout=subprocess.PIPE, text=True)
        try:
            # the child says when its first folder is out: each kill lands while it
            # writes later ones, at a different moment of the write cycle each time
            assert proc.stdout.readline() == "published\n", "the child did not publish"
            time.sleep(0.013 * k)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
        files = _files(out)
        assert files == sorted(f"f{i}.txt" for i in range(20)), files
        assert len(_generations(out)) == 1


def test_a_second_run_into_a_held_folder_is_told_at_once_and_nothing_is_held(
        tmp_path: Path) -> None:
    out = tmp_path / "out" / "sessions"
    other = tmp_path / "out" / "roster"
    with Holder(tmp_path, out) as holder:
        # the first is free, the second is held
        with pytest.raises(OutputError) as err, output.claim(other, out):
            pytest.fail("claimed a folder another run holds")
        assert err.value.code == "output.busy" and err.value.path == out.absolute()
        assert err.value.params == {"pid": str(holder.proc.pid)}
        with output.claim(other):  # what was claimed before the refusal was let go
            pass
        holder.release()
    # free once the other run ended; the same run may claim it again (tuoyu all, then a
    # planner)
    with output.claim(out), output.claim(out):
        pass


def test_a_run_killed_while_holding_a_folder_does_not_keep_it(tmp_path: Path) -> None:
    out = tmp_path / "roster"
    with Holder(tmp_path, out) as holder:
        holder.release(kill=True)
    assert output.lock_path(out).exists()  # killed: its lock file stays, not its lock
    with output.claim(out):
        pass
    assert not out.exists()  # claiming writes nothing into the folder itself
    assert not output.lock_path(out).exists()  # and leaves nothing beside it


def test_a_folder_of_someone_elses_files_is_never_replaced(tmp_path: Path) -> None:
    """``--out`` naming a planner's own folder: publishing would replace it whole and
    delete their files, so it is refused, naming a few of them (names are data: no line
    break reaches the message), and the folder keeps every file."""
    out = tmp_path / "我的文件"
    out.mkdir()
    (out / "论文.docx").write_text("mine", encoding="utf-8")
    (out / "a\nb.txt").write_text("mine too", encoding="utf-8")
    with pytest.raises(OutputError) as err, staged(out) as tmp:
        _write(tmp, 1)
    assert err.value.code == "output.not_ours" and err.value.params["count"] == 2
    assert err.value.params["names"] == ["a?b.txt", "论文.docx"]
    assert sorted(p.name for p in out.iterdir()) == ["a\nb.txt", "论文.docx"]
    assert [p.name for p in tmp_path.iterdir()] == ["我的文件"]  # nothing staged


def test_an_empty_folder_or_a_plan_folder_is_replaced(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with staged(empty) as tmp:
        _write(tmp, 1)
    assert output.is_ours(empty) and _generations(empty) == {"1"}
    with staged(empty) as tmp:  # now a plan's folder: marked, replaced again
        _write(tmp, 2)
    assert _generations(empty) == {"2"}
