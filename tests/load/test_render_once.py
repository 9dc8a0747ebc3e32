"""A new comment under real gunicorn workers: the readers who arrive together all get the new
page, and one process of all renders it, the shared copy in Redis."""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from forum.pages import STALE_WHILE_RENDERING
from tests.load.readers import Reader
from tests.load.redis_server import redis_server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.load

WORKERS = 4
READERS = 16
# A render by the process that claimed it; on a machine so busy that a render outlasts
# forum.renders.WAIT, a waiting reader renders too, and says so ("after waiting").
RENDERED = re.compile(r"^rendered page:\S+ in \d+ ms$", re.MULTILINE)


@pytest.fixture
def site(sqlite_site, redis_server):  # noqa: F811 (the fixture imported above)
    """The SQLite site, its counters and shared copies in a Redis of its own, each render
    logged."""
    sqlite_site.env["CACHE_URL"] = redis_server.url
    sqlite_site.env["LOG_LEVEL"] = "INFO"
    return sqlite_site


def read_together(base_url: str, path: str, count: int) -> list[str]:
    """`count` first-time readers asking for the page at the same moment; what each got."""
    start = threading.Barrier(count)

    def read(_):
        reader = Reader(base_url)
        start.wait(timeout=30)
        answer = reader.get(path)
        assert answer.status == 200
        return answer.body

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(read, range(count)))


def test_readers_arriving_together_after_a_comment_get_it_from_one_render(site, serve):
    server = serve(site, workers=WORKERS)
    post_url = next(iter(site.published_threads()))
    read_together(server.url, post_url, READERS)
    renders_before = len(RENDERED.findall(server.log()))

    answer = Reader(server.url).comment(post_url, body="A comment every reader must now see.")
    assert answer.status == 302
    # Past the moment a worker may still serve the page it had while another renders the new.
    time.sleep(STALE_WHILE_RENDERING)
    pages = read_together(server.url, post_url, READERS)

    assert all("A comment every reader must now see." in page for page in pages)
    assert len(RENDERED.findall(server.log())) - renders_before == 1
