"""No log line carries a one-click link that still works, an e-mail body or an address."""

import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from forum.models import Comment
from moderation import email_links
from moderation.notifications import notify_held
from tests.factories import make_comment

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def a_held_comment(a_post):
    return make_comment(post=a_post, body="Hold me, please.", status=Comment.Status.PENDING)


def token_of(link: str) -> str:
    return urlsplit(link).query.removeprefix(f"{email_links.TOKEN}=")


def test_a_one_click_link_keeps_its_secret_out_of_the_path(a_held_comment, a_moderator):
    link = email_links.make_link(a_held_comment, "approve", a_moderator)

    assert token_of(link) not in urlsplit(link).path
    assert email_links.read(token_of(link)).comment == a_held_comment


def test_opening_a_link_logs_nothing_of_its_secret_and_sends_no_referrer(
    client, a_held_comment, a_moderator, caplog
):
    link = email_links.make_link(a_held_comment, "approve", a_moderator)
    a_moderator.is_staff = False  # refused (403): Django logs the refusal with its address
    a_moderator.save()
    caplog.set_level(logging.DEBUG)

    refused = client.get(link.removeprefix("http://testserver"), REMOTE_ADDR="10.0.0.1")

    assert refused.status_code == 403
    assert "Forbidden: /moderation/link/" in caplog.text
    assert token_of(link) not in caplog.text
    assert refused["Referrer-Policy"] == "no-referrer"


def test_the_confirmation_page_sends_no_referrer_to_what_it_loads(
    client, a_held_comment, a_moderator
):
    link = email_links.make_link(a_held_comment, "approve", a_moderator)

    page = client.get(urlsplit(link).path, {email_links.TOKEN: token_of(link)})

    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"


def test_sending_a_digest_logs_neither_its_links_nor_the_comment(
    a_held_comment, a_moderator, mailoutbox, caplog
):
    caplog.set_level(logging.DEBUG)

    assert notify_held() == 1

    tokens = re.findall(r"\?t=(\S+)", mailoutbox[0].body)
    assert len(tokens) == 2
    assert not [token for token in tokens if token in caplog.text]
    assert "Hold me, please." not in caplog.text


NGINX_CONF = REPO / "deploy" / "nginx.conf"
# nginx variables that carry neither a query string, a referrer nor the client's address.
SAFE_NGINX_VARIABLES = {
    "time_iso8601", "time_local", "request_method", "uri", "server_protocol", "status",
    "body_bytes_sent", "bytes_sent", "request_time", "upstream_response_time",
}  # fmt: skip


def test_the_documented_nginx_log_format_records_no_query_referrer_or_address():
    text = NGINX_CONF.read_text()
    [fmt] = re.findall(r"^log_format forum_private ((?:'[^']*'\s*)+);", text, re.M)

    assert set(re.findall(r"\$(\w+)", fmt)) <= SAFE_NGINX_VARIABLES
    assert "$uri" in fmt


def test_every_server_in_the_documented_nginx_config_logs_with_that_format_only():
    text = NGINX_CONF.read_text()
    servers = text.count("\nserver {")
    logs = re.findall(r"^\s*access_log (\S+)(?: (\S+))?;", text, re.M)

    assert servers == 2
    assert logs == [("/var/log/nginx/forum.access.log", "forum_private")] * servers
