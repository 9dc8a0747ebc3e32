"""deploy/nginx.conf in front of a real gunicorn: each reader keeps their own address, the
logs keep none, and a slow client does not hold a worker."""

import socket
import ssl
import time

import pytest

from tests.load import nginx
from tests.load.conftest import LOAD_SEEDS, static_files  # noqa: F401 (a fixture)
from tests.load.servers import Gunicorn, Site

pytestmark = pytest.mark.load


@pytest.fixture(scope="module")
def through_nginx(tmp_path_factory, request):
    """deploy/nginx.conf in front of one sync gunicorn worker, trusted by the application."""
    if not nginx.available():
        pytest.skip("nginx or openssl is not installed")
    request.getfixturevalue("static_files")
    folder = tmp_path_factory.mktemp("nginx")
    site = Site(f"sqlite:///{folder / 'site.sqlite3'}")
    site.prepare(LOAD_SEEDS[1])
    front = nginx.Nginx(folder)
    site.env.update(
        TRUSTED_PROXIES="127.0.0.1", CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{front.https_port}"
    )
    app = Gunicorn(site, folder, workers=1)
    try:
        app.start()
        front.start(upstream_ports=[app.port])
        yield site, front
    finally:
        front.stop()
        app.stop()


def hashes_of(site, addresses: list[str]) -> dict[str, str]:
    """What the site's own commenter_id() makes of a direct connection from each address."""
    return site.query(
        "from django.test import RequestFactory\n"
        "from forum.identity import commenter_id\n"
        f"print(json.dumps({{a: commenter_id(RequestFactory().get('/', REMOTE_ADDR=a))"
        f" for a in {addresses!r}}}))\n"
    )


def stored_commenters(site) -> dict[str, str]:
    return site.query(
        "from forum.models import Comment\n"
        "print(json.dumps(dict(Comment.objects.values_list('body', 'commenter'))))\n"
    )


def test_through_nginx_each_reader_gets_the_hash_of_their_own_address(through_nginx):
    site, front = through_nginx
    [url] = site.published_threads()
    reader, spoofer = (
        nginx.Browser(front.https_port, "127.0.0.2"),
        nginx.Browser(front.https_port, "127.0.0.3"),
    )
    for browser in (reader, spoofer):
        browser.request("GET", url)

    said = reader.post(url, {"body": "Said through nginx."})
    # The second reader claims to be the first; nginx replaces the header with what it saw.
    spoofed = spoofer.post(
        url, {"body": "Claimed through nginx."}, **{"X-Forwarded-For": "127.0.0.2"}
    )

    assert [said[0], spoofed[0]] == [302, 302]
    expected = hashes_of(site, ["127.0.0.1", "127.0.0.2", "127.0.0.3"])
    stored = stored_commenters(site)
    assert stored["Said through nginx."] == expected["127.0.0.2"]
    assert stored["Claimed through nginx."] == expected["127.0.0.3"]
    assert expected["127.0.0.1"] not in stored.values()


def test_nginx_logs_neither_the_client_address_nor_a_query_string(through_nginx):
    _, front = through_nginx
    reader = nginx.Browser(front.https_port, "127.0.0.2")

    status, _, _ = reader.request("GET", "/moderation/link/?t=not-really-a-secret-token")

    assert status == 400
    log = front.access_log.read_text()
    assert '"GET /moderation/link/ HTTP/1.1" 400' in log
    assert "not-really-a-secret-token" not in log
    assert "127.0.0.2" not in log


def test_a_client_sending_slowly_does_not_hold_the_only_worker(through_nginx):
    site, front = through_nginx
    [url] = site.published_threads()
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    slow = context.wrap_socket(socket.create_connection(("127.0.0.1", front.https_port), 5))
    try:
        # Half a request: its headers promise a body that never finishes arriving. With a CSRF
        # cookie and origin the application would read that body, and wait for it.
        slow.sendall(
            f"POST {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50000\r\n"
            f"Cookie: csrftoken={'a' * 32}\r\nOrigin: https://127.0.0.1:{front.https_port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n\r\nbody=slo".encode()
        )
        time.sleep(1)  # for nginx to have read it, and passed it on if it were going to
        started = time.monotonic()
        status, _, _ = nginx.Browser(front.https_port, "127.0.0.3").request("GET", url)
        waited = time.monotonic() - started
    finally:
        slow.close()

    # Passed on unbuffered, the half request would hold the worker until nginx gave up on the
    # slow client (client_body_timeout, 10 s): measured 9.3 s, against 0.5 s buffered.
    assert status == 200
    assert waited < 5
