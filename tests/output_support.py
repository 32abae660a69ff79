"""Another run holding output folders, for the tests of two runs at once."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

HOLDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from tuoyu.api.exports.output import claim
    with claim(*[Path(p) for p in sys.argv[1:]]):
        print("held", flush=True)
        sys.stdin.readline()  # held until the test says so (or kills this run)
""")


class Holder:
    """Another run holding output folders (a child process), until ``release`` or kill;
    started and known to hold them before the test goes on (no timing)."""

    def __init__(self, tmp: Path, *folders: Path) -> None:
        script = tmp / "holder.py"
        script.write_text(HOLDER, encoding="utf-8")
        self.proc = subprocess.Popen([sys.executable, str(script), *map(str, folders)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdout.readline() == "held\n"

    def release(self, kill: bool = False) -> None:
        if kill:
            self.proc.send_signal(signal.SIGKILL)
        else:
            self.proc.communicate("\n")
        self.proc.wait()

    def __enter__(self) -> Holder:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None and not stream.closed:
                stream.close()

