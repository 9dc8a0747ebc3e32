"""What posting a comment costs the database: a fixed number of queries, whatever the policy.

Measured as a reader meets it: the real form, with its form token and CSRF token, on the
default settings (no CACHE_URL: rate limits in the database's counter table), in the worst
case of a comment that also drops the counter windows that have closed.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forum import counters
from forum.models import Comment
from moderation.models import DigestState, ModerationPolicy
from moderation.permissions import MODERATORS_GROUP
from tests.factories import make_comment

MOST_QUERIES = 20
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def _post_form(post, *, reply_to=None, body: str):
    """Read the post page as a browser does, then send its comment form; the queries sent."""
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")
    html = client.get(post.get_absolute_url(), {"reply": reply_to} if reply_to else {})
    html = html.content.decode()
    data = {
        "csrfmiddlewaretoken": CSRF.search(html).group(1),
        "form_token": FORM_TOKEN.search(html).group(1),
        "author_name": "",
        "body": body,
        "website": "",
        "parent": str(reply_to or ""),
    }
    # What runs after COMMIT (telling the moderators) is part of the cost too.
    with (
        CaptureQueriesContext(connection) as queries,
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        response = client.post(post.get_absolute_url(), data)
    assert response.status_code == 302
    print(f"\n{len(queries)} queries:")
    for number, query in enumerate(queries.captured_queries, start=1):
        print(f"{number:3}. {query['sql'][:300]}")
    return queries


@pytest.fixture
def a_moderator(db):
    """A moderator who is e-mailed about held comments."""
    moderator = User.objects.create_user("mo", "mo@example.org", is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))


@pytest.fixture(autouse=True)
def sweeping_every_time(monkeypatch):
    """Every comment that opens a rate window also drops the closed ones (the worst case)."""
    monkeypatch.setattr(counters, "SWEEP_EVERY", 0)


@pytest.mark.parametrize("mode", ["always", "never"])
@pytest.mark.parametrize("is_reply", [True, False], ids=["reply", "top-level"])
def test_posting_a_comment_costs_at_most_twenty_queries(a_post, a_moderator, mode, is_reply):
    # A digest went out a moment ago: the usual case while comments come in, since one goes
    # at most every ten minutes.
    DigestState.objects.create(pk=1, last_sent=timezone.now())
    ModerationPolicy.current()
    ModerationPolicy.objects.filter(pk=1).update(mode=mode)
    parent = make_comment(post=a_post, body="Burn out is real.") if is_reply else None

    queries = _post_form(a_post, reply_to=parent and parent.pk, body="I agree with that.")

    comment = Comment.objects.get(body="I agree with that.")
    assert comment.parent_id == (parent and parent.pk)
    expected = Comment.Status.PENDING if mode == "always" else Comment.Status.PUBLISHED
    assert comment.status == expected
    assert len(queries) <= MOST_QUERIES


@pytest.mark.parametrize("is_reply", [True, False], ids=["reply", "top-level"])
def test_the_held_comment_that_sends_the_digest_costs_at_most_twenty_queries_too(
    a_post, a_moderator, is_reply
):
    DigestState.objects.create(pk=1, last_sent=timezone.now() - timedelta(hours=1))
    ModerationPolicy.current()
    ModerationPolicy.objects.filter(pk=1).update(mode="always")
    parent = make_comment(post=a_post, body="Burn out is real.") if is_reply else None

    queries = _post_form(a_post, reply_to=parent and parent.pk, body="Hold this one.")

    assert [message.to for message in mail.outbox] == [["mo@example.org"]]
    assert len(queries) <= MOST_QUERIES
