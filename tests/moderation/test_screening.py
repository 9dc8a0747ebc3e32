"""Every screening rule, met the way a reader meets it: by posting the comment form."""

import datetime
import time

import pytest
from django.utils import timezone

from forum import counters
from forum.models import Comment
from moderation.models import BlockedCommenter, ModerationPolicy, WordRule
from moderation.services import decide
from tests.factories import make_comment, make_post


@pytest.fixture
def policy(open_forum):
    """The policy of an open forum, for each test to switch on just its own rule."""
    return ModerationPolicy.current()


def post_comment(client, post, body, *, address="10.0.0.1", follow=False, **fields):
    data = {"body": body, **fields}
    return client.post(post.get_absolute_url(), data, REMOTE_ADDR=address, follow=follow)


def status_of(body: str) -> tuple[str, str]:
    comment = Comment.objects.get(body=body)
    return comment.status, comment.hold_reason


def test_a_new_install_holds_every_comment(a_post, client):
    response = post_comment(client, a_post, "First!", follow=True)

    assert status_of("First!") == (
        Comment.Status.PENDING,
        "moderation is on: Always: hold every comment for a moderator",
    )
    assert "held for moderation" in response.content.decode()


def test_with_moderation_off_a_comment_is_published(a_post, client, policy):
    post_comment(client, a_post, "Published at once")

    assert status_of("Published at once")[0] == Comment.Status.PUBLISHED


def test_moderation_of_old_posts_holds_only_comments_on_old_posts(client, policy):
    policy.mode = ModerationPolicy.Mode.OLDER_THAN
    policy.older_than_days = 14
    policy.save()
    today = timezone.localdate()
    fresh = make_post(title="Fresh", published=today - datetime.timedelta(days=3))
    old = make_post(title="Old", published=today - datetime.timedelta(days=30))

    post_comment(client, fresh, "On a fresh post", address="10.0.0.1")
    post_comment(client, old, "On an old post", address="10.0.0.2")

    assert status_of("On a fresh post")[0] == Comment.Status.PUBLISHED
    status, reason = status_of("On an old post")
    assert status == Comment.Status.PENDING
    assert "older than 14 days" in reason


def test_a_held_word_holds_the_comment_and_a_banned_word_marks_it_spam(a_post, client, policy):
    WordRule.objects.create(phrase="grayling", action=WordRule.Action.HOLD)
    WordRule.objects.create(phrase="casino", action=WordRule.Action.BAN)

    post_comment(client, a_post, "Grayling again!", address="10.0.0.1")
    post_comment(client, a_post, "Cheap casino bonus", address="10.0.0.2")
    post_comment(client, a_post, "Graylingism is not a word we hold", address="10.0.0.3")

    assert status_of("Grayling again!") == (Comment.Status.PENDING, "held word: grayling")
    assert status_of("Cheap casino bonus") == (Comment.Status.SPAM, "banned word: casino")
    assert status_of("Graylingism is not a word we hold")[0] == Comment.Status.PUBLISHED


def test_more_links_than_allowed_holds_the_comment(a_post, client, policy):
    two = "See http://a.example.org and https://b.example.org"
    three = two + " and www.c.example.org"

    post_comment(client, a_post, two, address="10.0.0.1")
    post_comment(client, a_post, three, address="10.0.0.2")

    assert status_of(two)[0] == Comment.Status.PUBLISHED
    assert status_of(three) == (Comment.Status.PENDING, "3 links (more than 2)")


def test_a_blocked_commenter_is_marked_spam(a_post, client, policy):
    post_comment(client, a_post, "Before the block", address="10.6.6.6")
    commenter = Comment.objects.get(body="Before the block").commenter
    BlockedCommenter.objects.create(commenter=commenter, reason="offensive")

    post_comment(client, a_post, "After the block", address="10.6.6.6")

    assert status_of("After the block") == (Comment.Status.SPAM, "blocked commenter")


def test_the_honeypot_marks_a_robot_as_spam_and_thanks_it_all_the_same(a_post, client, policy):
    response = post_comment(client, a_post, "Buy now", website="http://spam.example", follow=True)

    assert status_of("Buy now")[0] == Comment.Status.SPAM
    assert "held for moderation" in response.content.decode()


def test_raw_addresses_are_never_stored(a_post, client, policy):
    post_comment(client, a_post, "Who am I?", address="192.0.2.77")

    comment = Comment.objects.get(body="Who am I?")
    assert comment.commenter
    assert "192.0.2.77" not in comment.commenter
    assert "192.0.2.77" not in str(Comment.objects.values().get(pk=comment.pk))


def test_a_second_comment_within_fifteen_seconds_gets_a_readable_429(a_post, client, policy):
    policy.min_seconds_between = 15
    policy.save()

    post_comment(client, a_post, "One")
    response = post_comment(client, a_post, "Two")

    assert response.status_code == 429
    assert "Please wait 15 seconds" in response.content.decode()
    assert not Comment.objects.filter(body="Two").exists()


def test_the_hourly_limit_refuses_the_eleventh_comment(a_post, client, policy):
    policy.max_per_hour = 10
    policy.save()

    codes = [post_comment(client, a_post, f"Comment {n}").status_code for n in range(11)]

    assert codes[:10] == [302] * 10
    assert codes[10] == 429
    assert Comment.objects.count() == 10


def test_an_attempt_refused_for_coming_too_soon_counts_towards_the_hour(
    a_post, client, policy, monkeypatch
):
    policy.min_seconds_between = 15
    policy.max_per_hour = 2
    policy.save()
    started = time.time()

    first = post_comment(client, a_post, "One")
    too_soon = post_comment(client, a_post, "Two")
    monkeypatch.setattr(counters, "_now", lambda: started + 16)
    after_the_gap = post_comment(client, a_post, "Three")

    assert [first.status_code, too_soon.status_code, after_the_gap.status_code] == [302, 429, 429]
    assert "You have posted 2 comments in the last hour" in after_the_gap.content.decode()
    assert list(Comment.objects.values_list("body", flat=True)) == ["One"]


def test_rate_limits_count_each_commenter_apart(a_post, client, policy):
    policy.min_seconds_between = 15
    policy.save()

    assert post_comment(client, a_post, "From one", address="10.0.0.1").status_code == 302
    assert post_comment(client, a_post, "From another", address="10.0.0.2").status_code == 302


def test_the_same_text_twice_is_refused_as_a_duplicate(a_post, client, policy):
    post_comment(client, a_post, "Exactly this.")
    response = post_comment(client, a_post, "Exactly this.")

    assert response.status_code == 400
    assert "already been posted" in response.content.decode()
    assert Comment.objects.filter(body="Exactly this.").count() == 1


def test_a_commenter_whose_recent_comments_were_mostly_rejected_is_held(a_post, client, policy):
    post_comment(client, a_post, "probe", address="10.9.9.9")
    troll = Comment.objects.get(body="probe").commenter
    for n, action in enumerate(["reject", "reject", "approve"]):
        old = make_comment(
            post=a_post,
            body=f"old {n}",
            status=Comment.Status.PENDING,
            commenter=troll,
            created=timezone.now(),
        )
        decide([old.pk], action)

    post_comment(client, a_post, "Here I am again", address="10.9.9.9")
    post_comment(client, a_post, "A regular reader", address="10.1.1.1")

    assert status_of("Here I am again") == (
        Comment.Status.PENDING,
        "most of this commenter's recent comments were rejected",
    )
    assert status_of("A regular reader")[0] == Comment.Status.PUBLISHED


def test_comments_turned_off_on_a_post_are_refused(a_post, client, policy):
    a_post.comments_open = False
    a_post.save()

    response = post_comment(client, a_post, "Too late")
    page = client.get(a_post.get_absolute_url()).content.decode()

    assert response.status_code == 400
    assert "Comments are closed" in response.content.decode()
    assert "Comments are closed on this post." in page
    assert 'id="comment-form"' not in page
    assert not Comment.objects.exists()


def test_comments_close_by_themselves_on_old_posts(client, policy):
    policy.close_after_days = 90
    policy.save()
    old = make_post(published=timezone.localdate() - datetime.timedelta(days=91))

    response = post_comment(client, old, "Anyone still here?")

    assert "Comments are closed" in response.content.decode()
    assert not Comment.objects.exists()
