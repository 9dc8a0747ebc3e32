"""Moderation as readers and moderators meet it on the post page."""

from forum.models import Comment
from moderation.models import Decision
from moderation.services import decide
from tests.factories import make_comment


def page(client, post) -> str:
    return client.get(post.get_absolute_url()).content.decode()


def test_a_held_comment_is_visible_to_its_author_only_marked_as_pending(a_post, client):
    response = client.post(a_post.get_absolute_url(), {"body": "My held words"}, follow=True)

    html = response.content.decode()
    assert "your comment is held for moderation" in html
    assert "My held words" in html
    assert "Held for moderation: only you can see this" in html
    stranger = client.__class__()
    assert "My held words" not in page(stranger, a_post)


def test_a_forged_ownership_cookie_shows_nothing(a_post, client):
    held = make_comment(post=a_post, body="Someone else's secret", status=Comment.Status.PENDING)
    client.cookies["forum_mine"] = str(held.pk)

    assert "Someone else's secret" not in page(client, a_post)


def test_the_author_sees_the_comment_published_once_approved(a_post, client, a_moderator):
    client.post(a_post.get_absolute_url(), {"body": "Please publish me"})
    comment = Comment.objects.get(body="Please publish me")

    decide([comment.pk], Decision.Action.APPROVE, moderator=a_moderator)

    html = page(client, a_post)
    assert "Held for moderation" not in html
    assert "1 comment" in html
    assert "Published." in client.get("/your-comments/").content.decode()


def test_the_author_sees_a_removal_with_the_moderators_public_reason(a_post, client, a_moderator):
    client.post(a_post.get_absolute_url(), {"body": "Something rude"})
    comment = Comment.objects.get(body="Something rude")

    decide(
        [comment.pk],
        Decision.Action.REJECT,
        moderator=a_moderator,
        reason="abusive, third time this week",
        public_reason="personal attacks are not allowed",
    )

    html = page(client, a_post)
    assert "personal attacks are not allowed" in html
    assert "abusive, third time this week" not in html
    mine = client.get("/your-comments/").content.decode()
    assert "personal attacks are not allowed" in mine
    assert "Something rude" not in page(client.__class__(), a_post)


def test_the_author_may_delete_their_comment(a_post, client, moderation_off):
    client.post(a_post.get_absolute_url(), {"body": "I regret this"})
    comment = Comment.objects.get(body="I regret this")

    client.post(f"/comments/{comment.pk}/delete/")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    assert "I regret this" not in page(client.__class__(), a_post)
    assert Decision.objects.get(comment=comment).action == Decision.Action.AUTHOR_DELETE


def test_a_deleted_comment_with_replies_leaves_the_authors_placeholder(
    a_post, client, moderation_off
):
    client.post(a_post.get_absolute_url(), {"body": "Start of a conversation"})
    comment = Comment.objects.get(body="Start of a conversation")
    make_comment(post=a_post, parent=comment, body="An answer")

    client.post(f"/comments/{comment.pk}/delete/")

    html = page(client.__class__(), a_post)
    assert "This comment has been removed by the author." in html
    assert "An answer" in html
    assert "Start of a conversation" not in html


def test_nobody_else_may_delete_a_comment(a_published_comment, client):
    response = client.post(f"/comments/{a_published_comment.pk}/delete/")

    assert response.status_code == 403
    a_published_comment.refresh_from_db()
    assert a_published_comment.status == Comment.Status.PUBLISHED


def test_delete_asks_first_and_a_get_deletes_nothing(a_post, client, moderation_off):
    client.post(a_post.get_absolute_url(), {"body": "Second thoughts coming."})
    mine = Comment.objects.get(body="Second thoughts coming.")

    asked = client.get(f"/comments/{mine.pk}/delete/")

    assert asked.status_code == 200
    assert "Delete your comment?" in asked.content.decode()
    mine.refresh_from_db()
    assert mine.status == Comment.Status.PUBLISHED


def test_reports_from_three_readers_hide_a_comment_until_a_moderator_decides(
    a_published_comment, client
):
    url = f"/comments/{a_published_comment.pk}/report/"
    client.post(url, REMOTE_ADDR="10.0.1.1")
    client.post(url, REMOTE_ADDR="10.0.1.1")  # the same reader twice counts once
    client.post(url, REMOTE_ADDR="10.0.1.2")  # and a neighbour on the same network too
    client.post(url, REMOTE_ADDR="10.0.2.1")
    a_published_comment.refresh_from_db()
    assert a_published_comment.status == Comment.Status.PUBLISHED

    client.post(url, REMOTE_ADDR="10.0.3.1")

    a_published_comment.refresh_from_db()
    assert a_published_comment.status == Comment.Status.PENDING
    assert a_published_comment.hold_reason == "reported by 3 readers"
    assert "burn out" not in page(client, a_published_comment.post)


def test_a_moderator_approves_a_held_comment_from_the_post_page(a_post, client, a_moderator):
    held = make_comment(
        post=a_post,
        body="Held for a while",
        status=Comment.Status.PENDING,
        hold_reason="held word: grayling",
    )
    client.force_login(a_moderator)

    html = page(client, a_post)
    assert "Held: held word: grayling" in html
    assert 'value="approve"' in html
    client.post(f"/comments/{held.pk}/moderate/", {"action": "approve"})

    held.refresh_from_db()
    assert held.status == Comment.Status.PUBLISHED
    assert Decision.objects.get(comment=held).moderator == a_moderator


def test_readers_cannot_use_the_moderators_buttons(a_post, client):
    held = make_comment(post=a_post, body="Held", status=Comment.Status.PENDING)

    response = client.post(f"/comments/{held.pk}/moderate/", {"action": "approve"})

    assert response.status_code == 403
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def test_a_second_moderator_is_told_the_comment_was_already_decided(a_post, client, a_moderator):
    held = make_comment(post=a_post, body="Contested", status=Comment.Status.PENDING)
    decide([held.pk], Decision.Action.APPROVE, moderator=a_moderator)
    client.force_login(a_moderator)

    response = client.post(f"/comments/{held.pk}/moderate/", {"action": "reject"}, follow=True)

    assert "Someone else decided this comment first" in response.content.decode()
    held.refresh_from_db()
    assert held.status == Comment.Status.PUBLISHED
    assert Decision.objects.filter(comment=held).count() == 1


def test_the_report_link_asks_for_a_reason_before_reporting(a_published_comment, client):
    url = f"/comments/{a_published_comment.pk}/report/"

    form = client.get(url).content.decode()
    client.post(url, {"reason": "personal abuse"})

    assert "Report this comment" in form
    assert a_published_comment.reports.get().reason == "personal abuse"
