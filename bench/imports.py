"""`manage.py import_blog` on a synthetic archive (a folder of pages, or a Blogger backup): wall
time, comments per second, peak memory.

The command runs as a reader would run it, in a terminal: its stderr is a pseudo-terminal, so
it draws its progress bar, which is captured (and shown, when the bench itself runs in one).
"""

import os
import pty
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.env import ROOT, WORK, python

_TOTAL = re.compile(r"(\d+) new comment\(s\)")


def run_import(source: Path, env: dict[str, str]) -> dict:
    """Import source (a folder of pages, or a backup) into the (migrated, empty) database of env."""
    log = WORK / "import.out"
    controller, terminal = pty.openpty()
    with log.open("w") as output:
        process = subprocess.Popen(
            [python(), "manage.py", "import_blog", "-v", "0", str(source)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=terminal,
        )
    os.close(terminal)
    screen: list[bytes] = []
    reader = threading.Thread(target=_read_terminal, args=(controller, screen), daemon=True)
    reader.start()
    started = time.monotonic()
    # wait4 gives this one child's resource usage, peak resident memory included.
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    reader.join(timeout=5)
    os.close(controller)
    printed = log.read_text()
    if process.returncode != 0 or not _TOTAL.search(printed):
        raise RuntimeError(f"import_blog failed ({process.returncode}):\n{printed}")
    comments = int(_TOTAL.search(printed).group(1))
    progress = b"".join(screen).decode(errors="replace")
    return {
        "files": len(list(source.glob("*.txt"))) if source.is_dir() else 1,
        "comments": comments,
        "seconds": round(elapsed, 2),
        "comments_per_second": round(comments / elapsed, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "progress_bar": "\r[" in progress and "comments/s" in progress,
        "last_progress": progress.strip().rsplit("\r", 1)[-1].strip(),
    }


def _read_terminal(controller: int, screen: list[bytes]) -> None:
    """Keep the pseudo-terminal drained (a full one would block the import), echoing it."""
    echo = sys.stderr.isatty()
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # EIO: the command closed its end
            return
        if not chunk:
            return
        screen.append(chunk)
        if echo:
            sys.stderr.write(chunk.decode(errors="replace"))
            sys.stderr.flush()
