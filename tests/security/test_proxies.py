"""Behind a trusted reverse proxy each reader keeps an address of their own; nobody else's
X-Forwarded-For header is believed."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from forum.identity import client_address, commenter_id, hashed_address
from forum.models import Comment

PROXY = "10.0.0.1"
TRUSTED = ["10.0.0.0/24", "::1/128"]
LOGIN = reverse("admin:login")


def address(remote: str, forwarded: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = TRUSTED


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []

    assert address(PROXY, "198.51.100.7") == PROXY


@pytest.mark.usefixtures("behind_proxy")
@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        (PROXY, "198.51.100.7", "198.51.100.7"),
        # The client wrote the left entry itself; the proxy appended what it saw.
        (PROXY, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        # Two trusted hops: the second proxy's address is skipped too.
        (PROXY, "198.51.100.7, 10.0.0.2", "198.51.100.7"),
        # Several headers arrive joined by commas, spaces or not.
        (PROXY, "1.1.1.1,198.51.100.7 ,  10.0.0.9", "198.51.100.7"),
        # An untrusted peer's header is never read, whatever it says.
        ("203.0.113.9", "198.51.100.7", "203.0.113.9"),
        # No header from a trusted proxy: the proxy is the client (a health check, say).
        (PROXY, None, PROXY),
        (PROXY, "", PROXY),
        # Every hop trusted: the furthest one is the client.
        (PROXY, "10.0.0.7, 10.0.0.2", "10.0.0.7"),
        # Malformed entries stop the walk at the last address a trusted hop wrote.
        (PROXY, "198.51.100.7, garbage", PROXY),
        (PROXY, "198.51.100.7, <script>, 10.0.0.2", "10.0.0.2"),
        (PROXY, "١٩٨.٥١.١٠٠.٧", PROXY),
        (PROXY, "198.51.100.7:51234", "198.51.100.7"),
        # IPv6, bracketed with a port, and IPv4 written as IPv6.
        ("::1", "2001:DB8::7", "2001:db8::7"),
        ("::1", "[2001:db8::7]:443", "2001:db8::7"),
        ("::ffff:10.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("::1", "::ffff:198.51.100.7", "198.51.100.7"),
        ("not an address", "198.51.100.7", "unknown"),
    ],
)
def test_the_client_is_the_first_untrusted_hop_from_the_right(remote, forwarded, client):
    assert address(remote, forwarded) == client


def test_a_trusted_proxy_setting_accepts_only_addresses_and_networks(monkeypatch):
    from config.settings import env_networks

    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16,::1")
    assert env_networks("TRUSTED_PROXIES") == ["10.0.0.1/32", "192.168.0.0/16", "::1/128"]
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1,proxy.example.org")
    with pytest.raises(Exception, match=r"'proxy\.example\.org' is not an address or network"):
        env_networks("TRUSTED_PROXIES")


def post_as(client, post, body: str, *, remote: str, forwarded: str):
    data = {"body": body}
    meta = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    return client.post(post.get_absolute_url(), data, **meta)


def commenter_of(body: str) -> str:
    return Comment.objects.get(body=body).commenter


def direct_commenter(remote: str) -> str:
    return commenter_id(RequestFactory().get("/", REMOTE_ADDR=remote))


@pytest.mark.usefixtures("behind_proxy", "open_policy")
def test_readers_behind_a_trusted_proxy_get_the_hash_of_their_own_address(client, a_post):
    post_as(client, a_post, "From the first reader.", remote=PROXY, forwarded="198.51.100.7")
    post_as(client, a_post, "From the second reader.", remote=PROXY, forwarded="2001:db8::8")

    assert commenter_of("From the first reader.") == direct_commenter("198.51.100.7")
    assert commenter_of("From the second reader.") == direct_commenter("2001:db8::8")
    assert commenter_of("From the first reader.") != direct_commenter(PROXY)


@pytest.mark.usefixtures("open_policy")
def test_without_trusted_proxies_a_spoofed_header_does_not_change_the_hash(client, a_post):
    post_as(client, a_post, "Pretending one.", remote="203.0.113.9", forwarded="198.51.100.1")
    post_as(client, a_post, "Pretending two.", remote="203.0.113.9", forwarded="198.51.100.2")

    assert commenter_of("Pretending one.") == commenter_of("Pretending two.")
    assert commenter_of("Pretending one.") == direct_commenter("203.0.113.9")


@pytest.mark.usefixtures("behind_proxy")
def test_the_rate_limit_behind_a_trusted_proxy_is_per_reader(client, a_post, open_policy):
    open_policy.min_seconds_between = 60
    open_policy.save()

    first = post_as(client, a_post, "One.", remote=PROXY, forwarded="198.51.100.7")
    other = post_as(client, a_post, "Another reader.", remote=PROXY, forwarded="198.51.100.99")
    again = post_as(client, a_post, "One more, too soon.", remote=PROXY, forwarded="198.51.100.7")
    # The fast reader cannot slip through by adding a header of their own in front.
    spoof = post_as(client, a_post, "Sneaky.", remote=PROXY, forwarded="1.2.3.4, 198.51.100.7")

    assert [first.status_code, other.status_code] == [302, 302]
    assert [again.status_code, spoof.status_code] == [429, 429]


def sign_in(client, password: str, *, remote: str, forwarded: str):
    data = {"username": "mod", "password": password}
    return client.post(LOGIN, data, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.mark.usefixtures("behind_proxy")
def test_a_lockout_behind_a_trusted_proxy_locks_out_only_the_guessing_reader(a_moderator, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong", remote=PROXY, forwarded="198.51.100.66")

    guesser = sign_in(client, "a long passphrase", remote=PROXY, forwarded="198.51.100.66")
    moderator = sign_in(client, "a long passphrase", remote=PROXY, forwarded="198.51.100.5")

    assert guesser.status_code == 429
    assert moderator.status_code == 302


def test_axes_is_given_a_hash_of_the_client_not_the_address(behind_proxy):
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    other = RequestFactory().get("/", REMOTE_ADDR="198.51.100.8")

    hashed = hashed_address(request)

    assert hashed.startswith("100::")
    assert "198.51.100.7" not in hashed
    assert hashed == hashed_address(RequestFactory().get("/", REMOTE_ADDR="198.51.100.7"))
    assert hashed != hashed_address(other)
