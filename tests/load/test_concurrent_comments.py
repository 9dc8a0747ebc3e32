"""Sixteen readers post 500 comments and replies at once through real gunicorn workers."""

from collections import Counter

import pytest

from tests.load.traffic import Submission, statuses, stored_by_marker, submit_concurrently

pytestmark = pytest.mark.load

READERS = 16
COMMENTS = 500
# Sending takes about 12 s on an idle two-core machine; the bound keeps each test, setting up
# included, within a minute even when the machine is busy with other work.
SECONDS = 45


def _assert_each_accepted_comment_stored_once(site, submissions: list[Submission]) -> dict:
    """Check the served database against what the readers were told; return the figures."""
    answered = statuses(submissions)
    refused = [s.answer.body[:300] for s in submissions if not s.accepted][:3]
    assert len(submissions) == COMMENTS, f"only {len(submissions)} sent in {SECONDS}s"
    assert answered == Counter({302: COMMENTS}), f"{answered}; for example {refused}"

    rows = site.comment_rows()
    stored = stored_by_marker(rows["bodies"])
    accepted = {s.number: s for s in submissions if s.accepted}
    duplicates = {number: copies for number, copies in stored.items() if len(copies) > 1}
    assert not duplicates, f"stored more than once: {duplicates}"
    assert stored.keys() == accepted.keys(), "accepted but not stored, or stored unaccepted"
    tree = {pk: (post, parent) for pk, post, parent, *_ in rows["before"]}
    for number, submission in accepted.items():
        [(pk, body, html)] = stored[number]
        assert (pk, body) == (submission.answer.comment_id, submission.body)
        assert html
        assert tree[pk][1] == submission.parent

    changed = [a for a, b in zip(rows["before"], rows["after"], strict=True) if a != b]
    assert not changed, (
        f"{len(changed)} comments' tree columns differ from a rebuild: {changed[:5]}"
    )
    figures = {
        "readers": READERS,
        "submitted": len(submissions),
        "replies": sum(s.parent is not None for s in submissions),
        "accepted": len(accepted),
        "stored": len(stored),
        "duplicates": len(duplicates),
        "mptt_equal_to_rebuild": not changed,
    }
    print(figures)
    return figures


def _assert_clean_log(server) -> None:
    log = server.log()
    assert "database is locked" not in log
    assert "Traceback" not in log, log[-3000:]


def test_concurrent_comments_on_postgresql_are_each_stored_once_in_sound_trees(
    postgres_site, serve
):
    server = serve(postgres_site, workers=4)
    threads = postgres_site.published_threads()

    submissions = submit_concurrently(
        server.url, threads, readers=READERS, total=COMMENTS, seconds=SECONDS
    )

    _assert_each_accepted_comment_stored_once(postgres_site, submissions)
    _assert_clean_log(server)


def test_four_server_processes_share_one_sqlite_file_without_database_is_locked(sqlite_site, serve):
    server = serve(sqlite_site, workers=4)
    threads = sqlite_site.published_threads()

    submissions = submit_concurrently(
        server.url, threads, readers=READERS, total=COMMENTS, seconds=SECONDS
    )

    assert all("locked" not in s.answer.body for s in submissions)
    _assert_each_accepted_comment_stored_once(sqlite_site, submissions)
    _assert_clean_log(server)
