"""What posting a comment costs the database: a fixed number of queries, whatever the policy.

Measured as a reader meets it: the real form, with its form token and CSRF token, on the
default settings (no CACHE_URL: rate limits in the database's counter table).
"""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forum.models import Comment
from moderation.models import DigestState, ModerationPolicy
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
def a_digest_just_sent(db):
    """A moderator who is e-mailed about held comments, and was a moment ago: the usual case
    while comments come in (a digest goes at most every ten minutes)."""
    User.objects.create_user(
        "moderator", "moderator@example.org", is_staff=True
    ).user_permissions.add(Permission.objects.get(codename="moderate"))
    DigestState.objects.create(pk=1, last_sent=timezone.now())


@pytest.mark.parametrize("mode", ["always", "never"])
@pytest.mark.parametrize("is_reply", [True, False], ids=["reply", "top-level"])
def test_posting_a_comment_costs_at_most_twenty_queries(a_post, a_digest_just_sent, mode, is_reply):
    ModerationPolicy.current()
    ModerationPolicy.objects.filter(pk=1).update(mode=mode)
    parent = make_comment(post=a_post, body="Burn out is real.") if is_reply else None

    queries = _post_form(a_post, reply_to=parent and parent.pk, body="I agree with that.")

    comment = Comment.objects.get(body="I agree with that.")
    assert comment.parent_id == (parent and parent.pk)
    expected = Comment.Status.PENDING if mode == "always" else Comment.Status.APPROVED
    assert comment.status == expected
    assert len(queries) <= MOST_QUERIES
