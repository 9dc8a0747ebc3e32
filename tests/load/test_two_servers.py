"""Two app servers behind nginx, sharing one database and one counter store, as deployed.

Each server is its own gunicorn, with workers of its own and so page copies of its own; what
they share is the database and the counters (Redis on PostgreSQL; on SQLite, the database file
and its counter table, as the embedded default keeps everything in one file). Each reader is
one loopback address (127.0.0.x) who may reach the site through nginx, which passes requests
to the two servers in turn, or either server directly: both ways the site sees that address.
"""

import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass

import pytest

from forum.pages import STALE_WHILE_RENDERING
from tests.load import nginx
from tests.load.conftest import LOAD_SEEDS
from tests.load.nginx import Response, Visitor
from tests.load.redis_server import RedisServer, redis_or_skip
from tests.load.servers import Gunicorn, Site

pytestmark = pytest.mark.load

_MARKER = re.compile(r"\[two (\d{4})\]")
MODERATOR, PASSWORD = "moderator", "a long passphrase for the test"
# Reads of one server until each of its workers has most likely kept the page.
READS_TO_KEEP = 6
HAMMER_SECONDS = 4


def comment(visitor: Visitor, server: str, post_url: str, body: str) -> Response:
    """Read the post page on that server, then send its comment form there."""
    visitor.get(server, post_url)
    return visitor.post(server, post_url, {"author_name": "", "body": body, "website": ""})


@dataclass
class TwoServers:
    site: Site
    a: str  # each server's base URL, and nginx's in front of both
    b: str
    front: str
    post_url: str  # the one post, a short thread: every new comment lands on its first page


def _counter_store(site: Site, stack: ExitStack) -> None:
    """Redis beside PostgreSQL, as deployed; beside SQLite, the database's own counter table."""
    if site.database_url.startswith("sqlite"):
        return
    redis = RedisServer(redis_or_skip())
    stack.callback(redis.stop)
    redis.start()
    site.env["CACHE_URL"] = redis.url


def _site(request, folder, stack: ExitStack) -> Site:
    """A database of the test's own: a SQLite file, or a database on the private server."""
    if request.param == "sqlite":
        return Site(f"sqlite:///{folder / 'site.sqlite3'}")
    server = request.getfixturevalue("private_postgres")
    name = f"two_{uuid.uuid4().hex[:12]}"
    stack.callback(server.drop_database, name)
    return Site(server.create_database(name))


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def two_servers(request, tmp_path_factory):
    """nginx in front of two gunicorn servers of two workers each, over one database."""
    if not nginx.available():
        pytest.skip("nginx or openssl is not installed")
    request.getfixturevalue("static_files")
    folder = tmp_path_factory.mktemp("two-servers")
    with ExitStack() as stack:
        site = _site(request, folder, stack)
        _counter_store(site, stack)
        front = nginx.Nginx(folder)
        site.env.update(TRUSTED_PROXIES="127.0.0.1", CSRF_TRUSTED_ORIGINS=front.url)
        site.prepare(LOAD_SEEDS[1])
        _add_moderator(site)
        servers = [Gunicorn(site, folder, workers=2) for _ in range(2)]
        for server in servers:
            stack.callback(server.stop)
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(Gunicorn.start, servers))
        stack.callback(front.stop)
        front.start(upstream_ports=[server.port for server in servers])
        [post_url] = site.published_threads()
        yield TwoServers(site, servers[0].url, servers[1].url, front.url, post_url)
        for server in servers:
            assert "Traceback" not in server.log(), server.log()[-3000:]


def _add_moderator(site: Site) -> None:
    site.query(
        "from django.contrib.auth.models import Group, User\n"
        "from moderation.permissions import MODERATORS_GROUP\n"
        f"user = User.objects.create_user({MODERATOR!r}, password={PASSWORD!r}, is_staff=True)\n"
        "user.groups.add(Group.objects.get(name=MODERATORS_GROUP))\n"
        "print('null')\n"
    )


def set_policy(site: Site, **fields) -> None:
    site.query(
        "from moderation.models import ModerationPolicy\n"
        f"ModerationPolicy.objects.filter(pk=1).update(**{fields!r})\n"
        "print('null')\n"
    )


def read_until_kept(server: str, post_url: str) -> str:
    """New anonymous readers read the page on one server until its workers keep it."""
    for _ in range(READS_TO_KEEP):
        page = Visitor("127.0.0.1").get(server, post_url)
        assert page.status == 200
    return page.text


def test_a_comment_posted_on_one_server_is_on_the_other_at_the_next_request(two_servers):
    post_url = two_servers.post_url
    both = [(two_servers.a, two_servers.b), (two_servers.b, two_servers.a)]
    for number, (writer, reader) in enumerate(both, start=11):
        body = f"Posted on one server, read on the other ({number})."
        read_until_kept(reader, post_url)
        author = Visitor(f"127.0.0.{number}")

        posted = comment(author, writer, post_url, body)

        assert posted.status == 302
        assert body in Visitor("127.0.0.1").get(reader, post_url).text
        assert body in Visitor("127.0.0.1").get(two_servers.front, post_url).text
        assert body in author.get(reader, post_url).text


def test_the_hourly_limit_counts_posts_on_both_servers_together(two_servers):
    post_url = two_servers.post_url
    # The count is kept per clock hour: six posts must not straddle two of them.
    if (left := 3600 - time.time() % 3600) < 30:
        time.sleep(left)
    set_policy(two_servers.site, max_per_hour=4, min_seconds_between=0)
    servers = [two_servers.a, two_servers.b, two_servers.front]
    poster = Visitor("127.0.0.21")
    try:
        answers = [
            comment(poster, servers[n % 3], post_url, f"One of six in an hour, number {n}.")
            for n in range(6)
        ]
    finally:
        set_policy(two_servers.site, max_per_hour=100_000)

    assert [answer.status for answer in answers] == [302] * 4 + [429] * 2


def test_the_interval_limit_holds_on_the_other_server(two_servers):
    post_url = two_servers.post_url
    set_policy(two_servers.site, min_seconds_between=60)
    poster = Visitor("127.0.0.22")
    try:
        first = comment(poster, two_servers.a, post_url, "The first of two, on one server.")
        on_b = comment(poster, two_servers.b, post_url, "Too soon, on the other server.")
        through_nginx = comment(poster, two_servers.front, post_url, "Too soon, through nginx.")
        someone_else = comment(Visitor("127.0.0.23"), two_servers.b, post_url, "Someone else.")
    finally:
        set_policy(two_servers.site, min_seconds_between=0)

    assert [first.status, on_b.status, through_nginx.status] == [302, 429, 429]
    assert "posting too quickly" in on_b.text
    assert someone_else.status == 302


def log_in(visitor: Visitor, server: str, password: str) -> Response:
    """Sign in to the admin on that server as a browser does: the form, then its POST."""
    path = "/admin/login/?next=/admin/"
    visitor.get(server, path)
    fields = {"username": MODERATOR, "password": password, "next": "/admin/"}
    return visitor.post(server, path, fields)


def test_an_admin_lockout_reached_on_both_servers_holds_on_both(two_servers):
    attacker = Visitor("127.0.0.31")
    servers = [two_servers.a, two_servers.b]
    failures = [log_in(attacker, servers[n % 2], "a guess").status for n in range(5)]

    with_the_password = [log_in(attacker, s, PASSWORD) for s in [*servers, two_servers.front]]
    moderator = log_in(Visitor("127.0.0.32"), two_servers.b, PASSWORD)

    # Four refusals on the form, then the fifth failure locks the address out everywhere.
    assert failures == [200] * 4 + [429]
    assert [answer.status for answer in with_the_password] == [429, 429, 429]
    assert moderator.status == 302 and moderator.headers["Location"] == "/admin/"


def test_a_take_down_on_one_server_leaves_the_other_at_its_next_request(two_servers):
    post_url = two_servers.post_url
    body = "Taken down on one server, gone from the other."
    posted = comment(Visitor("127.0.0.42"), two_servers.b, post_url, body)
    assert body in read_until_kept(two_servers.b, post_url)
    moderator = Visitor("127.0.0.41")
    assert log_in(moderator, two_servers.a, PASSWORD).status == 302
    moderator.get(two_servers.a, "/admin/forum/comment/")

    decided = moderator.post(
        two_servers.a,
        "/admin/forum/comment/",
        {
            "action": "reject_selected",
            "_selected_action": str(posted.comment_id),
            "index": "0",
            "select_across": "0",
            "reason": "taken down",
            "public_reason": "",
        },
    )

    assert decided.status == 302
    assert body not in Visitor("127.0.0.1").get(two_servers.b, post_url).text
    assert body not in Visitor("127.0.0.1").get(two_servers.front, post_url).text


def test_no_server_serves_a_page_more_than_a_second_behind_the_comments_posted(two_servers):
    post_url = two_servers.post_url
    servers = [two_servers.a, two_servers.b, two_servers.front]
    posted: dict[int, float] = {}  # marker -> when its POST returned
    stop = threading.Event()

    def write() -> None:
        writer = Visitor("127.0.0.51")
        for number in range(1, 10_000):
            if stop.is_set():
                return
            body = f"[two {number:04d}] Posted while others read."
            if comment(writer, servers[number % 3], post_url, body).status == 302:
                posted[number] = time.monotonic()

    def read(number: int) -> list[tuple[float, set[int], int]]:
        """New anonymous readers, one after another, on each server in turn."""
        seen = []
        while not stop.is_set():
            started = time.monotonic()
            page = Visitor("127.0.0.1").get(servers[(number + len(seen)) % 3], post_url)
            seen.append((started, {int(n) for n in _MARKER.findall(page.text)}, page.status))
        return seen

    with ThreadPoolExecutor(max_workers=4) as pool:
        writing = pool.submit(write)
        readings = [pool.submit(read, n) for n in range(3)]
        time.sleep(HAMMER_SECONDS)
        stop.set()
        writing.result()
        reads = [read for reading in readings for read in reading.result()]

    def before(started: float) -> set[int]:
        """The comments whose POST had returned a second (forum.pages.STALE_WHILE_RENDERING)
        before a read began: a server may serve the page it had while another renders the new."""
        since = started - STALE_WHILE_RENDERING
        return {number for number, returned in posted.items() if returned < since}

    stale = [
        (started, missing) for started, seen, _ in reads if (missing := before(started) - seen)
    ]
    print({"comments": len(posted), "reads": len(reads)})
    assert {status for _, _, status in reads} == {200}
    assert len(posted) >= 3 and len(reads) >= 12
    assert stale == []
