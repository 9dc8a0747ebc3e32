"""A database that hangs or stays locked under a running gunicorn: a 503 page within seconds,
never a 500, and every comment whose answer was lost stored once, found again by its retry."""

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.load.retrying import Commenter, Sent, comment_and_retry
from tests.load.traffic import stored_by_marker

pytestmark = pytest.mark.load

FRIENDLY = "Back in a moment"
# The settings' DATABASE_TIMEOUT (5 s), plus a reconnect's health check, plus the machine's load.
WITHIN_SECONDS = 9


def _post_url(site) -> str:
    return next(url for url, ids in site.published_threads().items() if ids)


@contextmanager
def _stopped(pids: list[int]):
    """SIGSTOP the processes, as a machine that swaps or a stuck disk would; SIGCONT after."""
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)


def _postgres_processes(port: int) -> list[int]:
    """The postmaster and every process it runs: each connection's backend included."""
    postmaster = int(Path(f"/tmp/onprobation-pg-{port}/postmaster.pid").read_text().split()[0])
    children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
    return [postmaster, *map(int, children)]


def _timed_get(url: str, path: str) -> tuple[int, float, str]:
    reader = Commenter(url, timeout=30)
    started = time.monotonic()
    answer = reader.get(path)
    return answer.status, time.monotonic() - started, answer.body


def _assert_each_stored_once_and_owned(site, sent: list[Sent]) -> None:
    rows = site.comment_rows()
    stored = stored_by_marker(rows["bodies"])
    for comment in sent:
        assert comment.comment_id is not None, comment
        [(pk, body, html)] = stored[comment.number]
        assert (pk, body) == (comment.comment_id, comment.body)
        assert html
        assert comment.owned, f"the accepted answer did not give the cookie: {comment}"
    assert stored.keys() == {comment.number for comment in sent}
    assert rows["before"] == rows["after"]


def _assert_no_500s(server, sent: list[Sent], pages: list[int]) -> None:
    answered = {status for comment in sent for status in comment.statuses} | set(pages)
    assert answered <= {0, 302, 503}, answered
    assert "Traceback" not in server.log(), server.log()[-3000:]


def test_a_hung_postgresql_gives_503s_within_seconds_and_loses_or_doubles_no_comment(
    outage_postgres, outage_site, serve
):
    server = serve(outage_site, workers=4)
    post_url = _post_url(outage_site)
    until = time.monotonic() + 50
    with ThreadPoolExecutor(max_workers=2) as background:
        # Enough comments that some are still being sent when the server stops, on a fast
        # machine as on a busy one: the first few hundred milliseconds send a dozen.
        commenting = background.submit(
            comment_and_retry, server.url, post_url, commenters=3, each=40, until=until
        )
        time.sleep(1)
        with _stopped(_postgres_processes(outage_postgres.port)):
            time.sleep(0.5)
            answers = [_timed_get(server.url, post_url) for _ in range(2)]
            time.sleep(2)
        sent, pages = commenting.result()

    for status, seconds, body in answers:
        assert status == 503 and FRIENDLY in body, (status, body[:300])
        assert seconds < WITHIN_SECONDS, f"the 503 took {seconds:.1f} s"
    assert any(comment.retried for comment in sent), "no comment met the hang"
    _assert_each_stored_once_and_owned(outage_site, sent)
    _assert_no_500s(server, sent, pages)
    print(
        {
            "seconds_to_503": [round(seconds, 2) for _status, seconds, _body in answers],
            "comments": len(sent),
            "retried": sum(comment.retried for comment in sent),
        }
    )


_HOLD_WRITE_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
"""


def test_a_sqlite_file_locked_past_the_busy_timeout_gives_503s_and_readers_read_on(
    sqlite_site, serve
):
    server = serve(sqlite_site, workers=4)
    post_url = _post_url(sqlite_site)
    database = sqlite_site.database_url.removeprefix("sqlite:///")
    until = time.monotonic() + 60
    # Read once first: the page's counters are written then, not under the lock.
    assert _timed_get(server.url, post_url)[0] == 200
    with ThreadPoolExecutor(max_workers=2) as background:
        # Another process (a stuck job, a backup taken the wrong way) holds the write lock, from
        # before the first comment: posting is quick enough to finish before a lock taken later.
        holder = subprocess.Popen(
            [sys.executable, "-c", _HOLD_WRITE_LOCK, database, "14"], stdout=subprocess.PIPE
        )
        assert holder.stdout.readline() == b"locked\n"
        commenting = background.submit(
            comment_and_retry, server.url, post_url, commenters=4, each=5, until=until
        )
        status, _seconds, _body = _timed_get(server.url, "/")
        holder.wait(timeout=30)
        sent, pages = commenting.result()

    assert status == 200, "reading must go on while a writer holds the lock"
    assert any(503 in comment.statuses for comment in sent), "no comment met the lock"
    _assert_each_stored_once_and_owned(sqlite_site, sent)
    _assert_no_500s(server, sent, pages)


@pytest.mark.parametrize("database", ["sqlite_site", "postgres_site"])
def test_one_form_sent_twice_at_once_is_stored_once_and_both_answers_lead_to_it(
    database, request, serve
):
    site = request.getfixturevalue(database)
    server = serve(site, workers=4)
    post_url = _post_url(site)
    sent: list[tuple[str, set]] = []
    for number in range(1, 13):
        browser = Commenter(server.url)
        assert browser.get(post_url).status == 200
        fields = {"author_name": "", "body": f"[load {number:04d}] Twice at once."}
        fields["form_token"] = browser.form_token
        start = threading.Barrier(2)

        def send(fields=fields, browser=browser, start=start):
            start.wait()
            return browser.post(post_url, fields)

        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = [future.result() for future in [pool.submit(send) for _ in range(2)]]
        assert [answer.status for answer in answers] == [302, 302], answers
        sent.append((fields["body"], {answer.comment_id for answer in answers}))

    stored = stored_by_marker(site.comment_rows()["bodies"])
    for number, (body, ids) in enumerate(sent, start=1):
        [(pk, stored_body, _html)] = stored[number]
        assert ids == {pk} and stored_body == body
    assert "Traceback" not in server.log()
