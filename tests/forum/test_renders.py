"""One render per version of a page: parallel misses wait for the one that renders, a failed or
lapsed render holds nobody up for long, and an unreachable store only costs the keeping."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.test import Client

from forum import counters, pages, renders, threads
from forum.services import submit_comment
from tests.forum.test_counters import on_redis  # noqa: F401 (a fixture)
from tests.load.redis_server import redis_server  # noqa: F401 (a fixture)


class Renderer:
    """A render that takes a while and counts how often it ran."""

    def __init__(self, seconds: float = 0.2, content: bytes | None = b"<html>the page</html>"):
        self.seconds, self.content = seconds, content
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self) -> bytes | None:
        with self._lock:
            self.count += 1
        time.sleep(self.seconds)
        return self.content


@pytest.mark.usefixtures("on_redis")
def test_sixteen_parallel_misses_on_redis_render_once_and_all_get_the_page():
    render = Renderer()

    with ThreadPoolExecutor(max_workers=16) as pool:
        pages = list(pool.map(lambda _: renders.once("page:v1", render), range(16)))

    assert render.count == 1
    assert pages == [b"<html>the page</html>"] * 16


@pytest.mark.usefixtures("on_redis")
def test_a_new_version_is_rendered_once_more_and_the_old_one_stays_kept():
    old, new = Renderer(0, b"old"), Renderer(0, b"new")
    renders.once("page:v1", old)

    assert [renders.once("page:v2", new) for _ in range(3)] == [b"new"] * 3
    assert renders.once("page:v1", old) == b"old"
    assert (old.count, new.count) == (1, 1)


@pytest.mark.usefixtures("on_redis")
def test_a_render_that_fails_lets_the_next_reader_render_at_once():
    def broken():
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        renders.once("page:v1", broken)
    started = time.monotonic()

    assert renders.once("page:v1", Renderer(0)) == b"<html>the page</html>"
    assert time.monotonic() - started < renders.WAIT / 2


@pytest.mark.usefixtures("on_redis")
def test_a_page_not_worth_keeping_is_rendered_by_each_reader_without_waiting():
    missing = Renderer(0, None)

    assert [renders.once("page:v1", missing) for _ in range(3)] == [None] * 3
    assert missing.count == 3


@pytest.mark.usefixtures("on_redis")
def test_a_reader_waits_at_most_a_second_for_a_render_that_never_comes():
    # Another process claimed the render, and hangs.
    renders.RedisStore().claim("page:v1", 30)
    render = Renderer(0)
    started = time.monotonic()

    assert renders.once("page:v1", render) == b"<html>the page</html>"
    assert renders.WAIT <= time.monotonic() - started < renders.WAIT + 0.5
    assert render.count == 1


def test_with_redis_down_each_reader_renders_and_nothing_is_kept(on_redis):  # noqa: F811
    on_redis.stop()
    render = Renderer(0)

    assert [renders.once("page:v1", render) for _ in range(2)] == [b"<html>the page</html>"] * 2
    assert render.count == 2


def test_without_redis_each_process_renders_its_own_and_keeps_nothing_in_the_database(db):
    first, second = Renderer(0, b"first"), Renderer(0, b"second")

    assert renders.once("page:v1", first) == b"first"
    assert renders.once("page:v1", second) == b"second"
    assert not renders.underway("page:v1")


@pytest.mark.usefixtures("on_redis")
def test_a_copy_kept_in_redis_expires_within_seconds_as_every_comment_makes_a_new_one():
    renders.once("page:v1", Renderer(0))

    seconds = counters.on_redis(lambda client: client.ttl("forum:render:page:v1"))

    assert 0 < seconds <= renders.KEEP <= 60


def a_process_of_its_own() -> None:
    """What another process sees: no page kept in this one's cache, only the shared store."""
    cache.clear()


@pytest.mark.usefixtures("on_redis")
def test_a_process_without_a_copy_serves_the_shared_one_without_rendering(
    a_published_comment, monkeypatch
):
    post = a_published_comment.post
    first = Client().get(post.get_absolute_url())
    a_process_of_its_own()
    rendered = []
    render = threads.thread_page
    monkeypatch.setattr(threads, "thread_page", lambda *a: rendered.append(a) or render(*a))

    again = Client().get(post.get_absolute_url())

    assert rendered == []
    assert again.status_code == 200
    assert "burn out" in again.content.decode()
    assert len(again.content) == len(first.content)


@pytest.mark.usefixtures("on_redis")
def test_a_shared_copy_older_than_a_committed_comment_is_never_served(
    a_published_comment, moderation_off
):
    post = a_published_comment.post
    Client().get(post.get_absolute_url())
    submit_comment(post=post, parent=None, author_name="", body="Fresh news", commenter="")
    a_process_of_its_own()

    assert "Fresh news" in Client().get(post.get_absolute_url()).content.decode()


def another_process_renders_the_next_version(monkeypatch) -> None:
    """As if another process had claimed the render of the page's new version, and not kept it
    yet."""
    monkeypatch.setattr(renders, "underway", lambda key: True)


@pytest.fixture
def kept_then_changed(a_published_comment, moderation_off) -> str:
    """The address of a post page a reader has just had kept, and which a new comment, "Fresh
    news", has since made stale."""
    post = a_published_comment.post
    Client().get(post.get_absolute_url())
    submit_comment(post=post, parent=None, author_name="", body="Fresh news", commenter="")
    return post.get_absolute_url()


def test_while_another_process_renders_a_reader_gets_the_page_that_was_current_a_moment_ago(
    kept_then_changed, monkeypatch
):
    another_process_renders_the_next_version(monkeypatch)
    rendered = []
    render = threads.thread_page
    monkeypatch.setattr(threads, "thread_page", lambda *a: rendered.append(a) or render(*a))

    meanwhile = Client().get(kept_then_changed)

    assert meanwhile.status_code == 200
    assert "burn out" in meanwhile.content.decode()
    assert "Fresh news" not in meanwhile.content.decode()
    assert rendered == []


def test_a_page_found_current_longer_ago_than_the_allowance_is_never_served_stale(
    kept_then_changed, monkeypatch
):
    another_process_renders_the_next_version(monkeypatch)
    monkeypatch.setattr(pages, "STALE_WHILE_RENDERING", 0.0)

    assert "Fresh news" in Client().get(kept_then_changed).content.decode()


def test_with_no_render_underway_the_first_reader_after_a_change_gets_the_new_page(
    kept_then_changed,
):
    assert "Fresh news" in Client().get(kept_then_changed).content.decode()


@pytest.mark.usefixtures("on_redis")
def test_a_caller_with_a_page_of_its_own_to_give_is_not_kept_waiting_for_anothers_render():
    render = Renderer(0)
    assert renders.RedisStore().claim("page:v1", renders.CLAIM)  # another process's claim

    started = time.monotonic()
    with pytest.raises(renders.Elsewhere):
        renders.once("page:v1", render, wait=False)

    assert time.monotonic() - started < renders.WAIT / 2
    assert render.count == 0


@pytest.mark.usefixtures("on_redis")
def test_a_reader_who_finds_the_render_claimed_a_moment_after_looking_gets_the_previous_page(
    kept_then_changed, monkeypatch
):
    # No render was underway when the reader's kept copy was checked; another process claimed
    # it just after, before this one could.
    monkeypatch.setattr(renders, "underway", lambda key: False)
    monkeypatch.setattr(renders.RedisStore, "claim", lambda self, key, seconds: False)
    rendered = []
    render = threads.thread_page
    monkeypatch.setattr(threads, "thread_page", lambda *a: rendered.append(a) or render(*a))

    started = time.monotonic()
    meanwhile = Client().get(kept_then_changed)

    assert time.monotonic() - started < renders.WAIT / 2
    assert "burn out" in meanwhile.content.decode()
    assert "Fresh news" not in meanwhile.content.decode()
    assert rendered == []
