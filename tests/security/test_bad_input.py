"""Malformed, forged and hostile requests: each gets a 4xx that says why, and stores nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from forum.models import Comment
from moderation.models import Decision, Report
from tests.factories import make_comment, make_post
from tests.security.pages import post_comment, searches


@pytest.fixture
def a_thread(a_post, open_policy):
    """A post with one published comment, and one comment in each state that is not public."""
    published = make_comment(post=a_post, body="Published.")
    others = {
        status: make_comment(post=a_post, body=f"A {status} comment.", status=status)
        for status in (
            Comment.Status.PENDING,
            Comment.Status.REJECTED,
            Comment.Status.SPAM,
            Comment.Status.REMOVED,
        )
    }
    return {Comment.Status.PUBLISHED: published, **others}


def stored() -> list[tuple]:
    """Every comment with what could go wrong with it: its state, its text, its place."""
    return list(
        Comment.objects.order_by("pk").values_list(
            "pk", "status", "body", "author_name", "parent", "post", "tree_id", "level"
        )
    )


def page_of(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": "x" * 10_001}, "at most 10000 characters (it has 10001)"),
        ({"body": "Fine.", "author_name": "n" * 81}, "at most 80 characters (it has 81)"),
        ({"body": ""}, "This field is required."),
        ({"body": " \n\t \r\n "}, "This field is required."),
        ({"author_name": "Nobody"}, "This field is required."),
        ({"body": "Null\x00byte"}, "Null characters are not allowed."),
        ({"body": "Fine.", "author_name": "Nul\x00l"}, "Null characters are not allowed."),
        ({"body": "Fine.", "parent": "seven"}, "Enter a whole number."),
    ],
    ids=[
        "long body",
        "long name",
        "empty body",
        "blank body",
        "no body",
        "NUL in body",
        "NUL in name",
        "parent not a number",
    ],
)
def test_a_malformed_comment_is_refused_with_a_field_error(
    a_thread, a_post, client, fields, message
):
    before = stored()

    response = client.post(a_post.get_absolute_url(), fields)

    assert response.status_code == 400
    assert message in page_of(response)
    assert stored() == before


def test_a_form_that_is_not_utf8_is_refused_rather_than_stored_garbled(a_thread, a_post, client):
    before = stored()

    response = client.post(
        a_post.get_absolute_url(),
        data=b"author_name=Jos%E9&body=Caf%E9%FF%FE+au+lait",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert "could not be read" in page_of(response)
    assert stored() == before


@pytest.mark.parametrize(
    "state",
    [Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM, Comment.Status.REMOVED],
)
def test_a_reply_to_a_comment_that_is_not_published_is_refused(a_thread, a_post, client, state):
    before = stored()

    response = post_comment(client, a_post, "A reply.", parent=a_thread[state].pk)

    assert response.status_code == 400
    assert "not on this post any more" in page_of(response)
    assert stored() == before


@pytest.mark.parametrize("parent", ["0", "-1", "999999", "9" * 30, "1e3", "0x10"])
def test_a_reply_to_a_comment_that_does_not_exist_is_refused(a_thread, a_post, client, parent):
    before = stored()

    response = post_comment(client, a_post, "A reply.", parent=parent)

    assert response.status_code == 400
    assert "not on this post any more" in page_of(response) or "whole number" in page_of(response)
    assert stored() == before


def test_a_reply_to_a_comment_on_another_post_is_refused(a_thread, client):
    elsewhere = make_post(title="Elsewhere")
    before = stored()

    response = post_comment(
        client, elsewhere, "A reply.", parent=a_thread[Comment.Status.PUBLISHED].pk
    )

    assert response.status_code == 400
    assert "not on this post any more" in page_of(response)
    assert stored() == before


def test_forged_fields_are_ignored(a_thread, a_post, client, open_policy):
    open_policy.mode = open_policy.Mode.ALWAYS
    open_policy.save()
    other = make_post(title="Other")
    forged = {
        "status": Comment.Status.PUBLISHED,
        "post": other.pk,
        "level": 5,
        "tree_id": a_thread[Comment.Status.PUBLISHED].tree_id,
        "lft": 1,
        "commenter": "someone-else",
        "created": "2001-01-01T00:00:00Z",
        "removed_by": "",
        "hold_reason": "",
        "import_key": "1",
        "body_html": "<script>alert(1)</script>",
        "id": a_thread[Comment.Status.PUBLISHED].pk,
    }

    response = client.post(a_post.get_absolute_url(), {"body": "Forged.", **forged})

    assert response.status_code == 302
    comment = Comment.objects.get(body="Forged.")
    assert (comment.status, comment.post, comment.level, comment.import_key) == (
        Comment.Status.PENDING,
        a_post,
        0,
        "",
    )
    assert comment.tree_id != a_thread[Comment.Status.PUBLISHED].tree_id
    assert comment.commenter != "someone-else" and "script" not in comment.body_html
    assert Comment.objects.get(pk=a_thread[Comment.Status.PUBLISHED].pk).body == "Published."


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options", "trace"])
def test_a_method_the_post_page_does_not_take_is_refused(a_thread, a_post, client, method):
    before = stored()

    response = getattr(client, method)(a_post.get_absolute_url(), "body=Sneaky")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert f"does not accept {method.upper()}" in page_of(response)
    assert stored() == before


def test_moderating_refuses_get(a_thread, client):
    before = stored()

    response = client.get(
        reverse("moderation:moderate", args=[a_thread[Comment.Status.PUBLISHED].pk])
    )

    assert response.status_code == 405
    assert "does not accept GET" in page_of(response)
    assert stored() == before


def test_a_get_of_delete_changes_nothing(a_thread, client):
    before = stored()

    response = client.get(
        reverse("moderation:delete", args=[a_thread[Comment.Status.PUBLISHED].pk])
    )

    assert response.status_code == 403  # not the author: and for the author, it only asks
    assert stored() == before


def test_a_form_without_its_csrf_token_is_refused_with_a_page_that_says_why(a_thread, a_post):
    before = stored()
    browser = Client(enforce_csrf_checks=True)

    responses = [
        post_comment(browser, a_post, "No token."),
        browser.post(reverse("moderation:report", args=[a_thread[Comment.Status.PUBLISHED].pk])),
        browser.post(reverse("admin:login"), {"username": "mod", "password": "x"}),
    ]

    for response in responses:
        assert response.status_code == 403
        assert "security token was missing or old" in page_of(response)
    assert stored() == before
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/2014/10/no-such-post/",
        "/2099/01/post/",
        "/2014/13/post/",
        "/comments/999999/",
        "/comments/99999999999999999999999999/",
        "/comments/999999/report/",
    ],
)
def test_an_unknown_address_is_not_found(a_thread, client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "There is nothing at this address" in page_of(response)


@pytest.mark.parametrize("action", ["delete", "report", "moderate"])
def test_an_action_on_an_unknown_comment_is_not_found(a_thread, a_moderator, action):
    moderator = Client()
    moderator.force_login(a_moderator)
    before = stored()

    response = moderator.post(
        reverse(f"moderation:{action}", args=[999_999]), {"action": "approve"}
    )

    assert response.status_code == 404
    assert stored() == before
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    "state",
    [Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM, Comment.Status.REMOVED],
)
def test_a_comment_that_is_not_public_cannot_be_reported_or_found(a_thread, client, state):
    comment = a_thread[state]

    report = client.post(reverse("moderation:report", args=[comment.pk]), {"reason": "rude"})
    permalink = client.get(comment.get_absolute_url())

    assert report.status_code == 404
    assert permalink.status_code == 404
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "reason", ["Nul\x00l", "\ufffd", "x" * 5000], ids=["NUL", "replacement", "long"]
)
def test_a_strange_report_reason_never_stores_anything_wrong(a_thread, client, reason):
    comment = a_thread[Comment.Status.PUBLISHED]

    response = client.post(reverse("moderation:report", args=[comment.pk]), {"reason": reason})

    assert response.status_code in (302, 400)
    for stored_reason in Report.objects.values_list("reason", flat=True):
        assert "\x00" not in stored_reason and len(stored_reason) <= 200


@pytest.mark.parametrize("field", ["reason", "public_reason"])
def test_a_moderators_reason_with_a_nul_never_stores_anything_wrong(a_thread, a_moderator, field):
    moderator = Client()
    moderator.force_login(a_moderator)
    held = a_thread[Comment.Status.PENDING]

    response = moderator.post(
        reverse("moderation:moderate", args=[held.pk]), {"action": "reject", field: "Nul\x00l"}
    )

    assert response.status_code in (302, 400)
    assert "\x00" not in Comment.objects.get(pk=held.pk).public_reason
    assert Decision.objects.count() == 1
    assert "\x00" not in Decision.objects.get().reason


@pytest.mark.parametrize("query", ["%00", "a%00b", "%FF%FE", "x" * 5000, "%25%00%5C%27%22"])
def test_a_strange_search_is_answered_not_crashed(db, client, query):
    for url in searches([""]):
        response = client.get(url.replace("q=", f"q={query}"))

        assert response.status_code == 200


def test_a_forged_moderation_action_changes_nothing(a_thread, a_moderator):
    moderator = Client()
    moderator.force_login(a_moderator)
    held = a_thread[Comment.Status.PENDING]
    before = stored()

    response = moderator.post(
        reverse("moderation:moderate", args=[held.pk]), {"action": "delete"}, follow=True
    )

    assert "Unknown moderation action" in page_of(response)
    assert stored() == before


@pytest.mark.parametrize("token", ["x", "not-a-token:abc:def", "a" * 500, "%00", "..%2f..%2f"])
def test_a_broken_moderation_link_is_refused_with_a_reason(a_thread, client, token):
    response = client.get("/moderation/link/", {"t": token})

    assert response.status_code in (400, 404)
    assert "not valid" in page_of(response) or "nothing at this address" in page_of(response)
    assert (
        Comment.objects.get(pk=a_thread[Comment.Status.PENDING].pk).status == Comment.Status.PENDING
    )


@pytest.mark.parametrize("query", ["?page=abc", "?page=-5", "?reply=x"])
def test_a_strange_query_on_the_post_page_still_shows_the_page(a_thread, a_post, client, query):
    response = client.get(a_post.get_absolute_url() + query)

    assert response.status_code == 200
    assert "Published." in page_of(response)


def test_a_page_past_the_last_says_there_is_no_such_page(a_thread, a_post, client):
    response = client.get(a_post.get_absolute_url() + "?page=99999")

    assert response.status_code == 404
    assert "No page 99999 of comments" in page_of(response)
    assert "fill 1 page." in page_of(response)
