"""Processes killed outright (kill -9): a gunicorn worker with a comment on its way, and
import_blog with its read-ahead process. Nothing is stored twice, nothing is left running."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench import archive
from tests.load.retrying import comment_and_retry
from tests.load.servers import REPO, Gunicorn, Site
from tests.load.test_database_faults import (
    _assert_each_stored_once_and_owned,
    _assert_no_500s,
    _post_url,
)

pytestmark = pytest.mark.load

KILLS = 6
# More pages than the importer's READ_AHEAD_FROM: it reads them ahead in a process of its own.
IMPORT_PAGES = 56


class SlowAnswers(Gunicorn):
    app = "tests.load.slow_answers:application"


def _kill_announced_workers(announced: Path, kills: int, stop: threading.Event) -> list[int]:
    """SIGKILL each worker that announces an accepted comment, up to `kills` of them."""
    killed: list[int] = []
    while len(killed) < kills and not stop.is_set():
        for path in announced.iterdir():
            pid = int(path.name)
            path.unlink()
            if len(killed) < kills:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
        time.sleep(0.02)
    return killed


@pytest.mark.parametrize("database", ["sqlite_site", "postgres_site"])
def test_a_worker_killed_after_commit_loses_the_answer_and_the_retry_gets_the_comment(
    database, request, tmp_path, static_files
):
    site: Site = request.getfixturevalue(database)
    announced = tmp_path / "announced"
    announced.mkdir()
    site.env.update(SLOW_ANSWER_DIR=str(announced), SLOW_ANSWER_SECONDS="0.5")
    server = SlowAnswers(site, tmp_path, workers=4)
    try:
        server.start()
        stop = threading.Event()
        killer_result: list[list[int]] = []
        killer = threading.Thread(
            target=lambda: killer_result.append(_kill_announced_workers(announced, KILLS, stop))
        )
        killer.start()
        try:
            sent, pages = comment_and_retry(
                server.url, _post_url(site), commenters=4, each=5, until=time.monotonic() + 50
            )
        finally:
            stop.set()
            killer.join(timeout=10)
        _assert_no_500s(server, sent, pages)
    finally:
        server.stop()

    [killed] = killer_result
    assert len(killed) == KILLS
    # Each kill came after a COMMIT (a retry's answer may be lost too) and cost one answer.
    lost = sum(comment.statuses.count(0) for comment in sent)
    assert lost == KILLS
    _assert_each_stored_once_and_owned(site, sent)
    retried = sum(comment.retried for comment in sent)
    print({"comments": len(sent), "workers_killed": KILLS, "retried_comments": retried})


def _descendants(pid: int) -> set[int]:
    found, queue = set(), [pid]
    while queue:
        parent = queue.pop()
        for task in Path(f"/proc/{parent}/task").iterdir():
            children = (task / "children").read_text().split()
            found.update(map(int, children))
            queue.extend(map(int, children))
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for init, and runs nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _counts(site: Site) -> list[int]:
    return site.query(
        "from blogarchive.models import Post\n"
        "from forum.models import Comment\n"
        "print(json.dumps([Post.objects.count(), Comment.objects.count()]))\n"
    )


@pytest.fixture(scope="module")
def many_pages(tmp_path_factory) -> tuple[Path, int]:
    """A synthetic archive of IMPORT_PAGES pages, and how many comments it holds."""
    directory = tmp_path_factory.mktemp("archive")
    return directory, archive.write(directory, IMPORT_PAGES)


def _start_import(site: Site, directory: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_blog", "-v", "0", str(directory)],
        cwd=REPO,
        env=site.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _read_ahead_once_started(importer: subprocess.Popen) -> set[int]:
    """The read-ahead process and multiprocessing's resource tracker, once both are running."""
    deadline = time.monotonic() + 60
    while len(children := _descendants(importer.pid)) < 2:
        assert time.monotonic() < deadline, "the read-ahead process never started"
        assert importer.poll() is None, importer.stderr.read().decode()[-2000:]
        time.sleep(0.1)
    return children


@pytest.mark.parametrize("database", ["sqlite_site", "postgres_site"])
def test_a_killed_import_leaves_no_process_behind_and_a_second_run_completes_it(
    database, request, many_pages
):
    site: Site = request.getfixturevalue(database)
    directory, comments = many_pages
    posts_before, comments_before = _counts(site)
    importer = _start_import(site, directory)
    try:
        children = _read_ahead_once_started(importer)
        time.sleep(1)  # some pages written, others read ahead
        importer.send_signal(signal.SIGKILL)
        importer.wait(timeout=10)
        deadline = time.monotonic() + 10
        while left := [pid for pid in children if _running(pid)]:
            assert time.monotonic() < deadline, f"left running after the import was killed: {left}"
            time.sleep(0.1)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(importer.pid, signal.SIGKILL)

    site.manage("import_blog", "-v", "0", str(directory))
    assert _counts(site) == [posts_before + IMPORT_PAGES, comments_before + comments]
