"""The moderator's desk, used as a moderator uses it: the queue read in context, one button per
decision (with and without JavaScript), undo, the comment's own page, the post page, the
lockdown switch, personal information held, and the digest."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forum.models import Comment
from moderation import notifications
from moderation.models import Decision, ModerationPolicy, PolicyChange, WatchedName
from tests.factories import make_comment, make_moderator, make_post
from tests.moderation.test_admin import (
    POLICY,
    QUEUE,
    cells,
    held,
    html_of,
    listed_ids,
    reported,
)
from tests.moderation.test_screening import post_comment, status_of

DECIDE = reverse("admin:moderation_pendingcomment_decide")
JSON = {"HTTP_ACCEPT": "application/json"}


def press(client, action: str, comment: Comment, *, reason: str = "", next_url="", **headers):
    """Press one row's button in the queue, as the browser posts the queue's form."""
    data = {"decide": f"{action}:{comment.pk}", f"reason-{comment.pk}": reason, "next": next_url}
    return client.post(DECIDE, data, **headers)


def test_the_queue_shows_a_long_comment_and_the_comment_it_answers_in_full(
    a_post, moderator_client
):
    parent = make_comment(
        post=a_post,
        body="Parent " + "p" * 1500,
        author_name="Old Lag",
        created=datetime(2015, 3, 1, 9, 5, tzinfo=UTC),
    )
    long = held(a_post, body="Reply " + "x" * 1500, parent=parent)

    page = html_of(moderator_client.get(QUEUE))

    assert long.body in page and parent.body in page
    assert "Old Lag · 1 March 2015 at 09:05" in cells(page, "comment_in_context")[0]


def test_comments_hidden_by_readers_reports_come_first_with_how_many_reported_and_why(
    a_post, moderator_client
):
    older = held(a_post, body="Held a long time ago.", created=datetime(2014, 1, 1, tzinfo=UTC))
    hidden = reported(a_post, "Readers did not like this.")

    page = html_of(moderator_client.get(QUEUE))

    assert page.index(hidden.body) < page.index(older.body)
    assert cells(page, "why_held")[0].startswith("Reported by 3 readers rude rude rude")


def test_on_a_queue_longer_than_a_page_the_reported_come_first_and_the_rest_follow_on_page_two(
    a_post, moderator_client
):
    waiting = [held(a_post, body=f"Waiting {n}.", created=at_minute(n)) for n in range(55)]
    hidden = reported(a_post, "Readers did not like this.")

    first, second = (listed_in_order(moderator_client.get(QUEUE, {"p": p})) for p in (1, 2))

    assert first == [hidden.pk] + [c.pk for c in waiting[:49]]
    assert second == [c.pk for c in waiting[49:]]


def at_minute(n: int) -> datetime:
    return datetime(2015, 1, 1, tzinfo=UTC) + timedelta(minutes=n)


def listed_in_order(response) -> list[int]:
    return [
        int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', html_of(response))
    ]


def test_published_comments_that_answer_a_reported_comment_by_its_time_are_shown_with_it(
    a_post, moderator_client
):
    at_1251 = datetime(2015, 12, 21, 12, 51, tzinfo=UTC)
    hidden = reported(a_post, "Said at 12:51.")
    Comment.objects.filter(pk=hidden.pk).update(created=at_1251)
    make_comment(
        post=a_post, body="Anon 12.51 is quite wrong.", created=at_1251 + timedelta(minutes=5)
    )
    make_comment(
        post=a_post, body="Anon 2:51 is someone else.", created=at_1251 + timedelta(minutes=6)
    )
    make_comment(post=a_post, body="At 12:51 earlier.", created=at_1251 - timedelta(minutes=1))

    card = cells(html_of(moderator_client.get(QUEUE)), "comment_in_context")[0]

    assert (
        "Answered by its time in 1 published comment: "
        "Anonymous · 21 December 2015 at 12:56 Anon 12.51 is quite wrong." in card
    )
    assert "someone else" not in card and "earlier" not in card


def test_the_held_word_and_personal_information_are_marked_in_the_text(a_post, moderator_client):
    WatchedName.objects.create(name="Jane Doe")
    held(a_post, body="Jane Doe at X123456 is a muppet", hold_reason="held word: muppet")

    page = html_of(moderator_client.get(QUEUE))

    assert '<mark title="name on the watch list">Jane Doe</mark>' in page
    assert '<mark title="case reference">X123456</mark>' in page
    assert '<mark title="held word">muppet</mark>' in page
    assert "Marked in the text: name on the watch list, case reference, held word" in page


def test_a_row_button_without_javascript_decides_and_returns_to_the_same_place_with_undo(
    a_post, a_moderator, moderator_client
):
    comment = held(a_post)
    back = f"{QUEUE}?state=held&p=0"

    response = press(moderator_client, "approve", comment, reason="fine", next_url=back)

    assert response.status_code == 302 and response.url == back
    decision = Decision.objects.get(comment=comment)
    assert (decision.action, decision.moderator, decision.reason) == (
        "approve",
        a_moderator,
        "fine",
    )
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PUBLISHED
    page = html_of(moderator_client.get(back))
    undo = reverse("admin:moderation_decision_undo") + f"?ids={decision.pk}"
    assert f'Approved · <a href="{undo}">Undo</a>' in page


def test_a_row_button_asked_for_json_answers_with_an_undo_that_puts_the_comment_back(
    a_post, moderator_client
):
    comment = held(a_post)

    answer = press(moderator_client, "spam", comment, **JSON).json()

    assert (answer["decided"], answer["message"]) == (True, "Marked as spam")
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.SPAM
    undone = moderator_client.post(answer["undo"], **JSON).json()
    assert undone == {"undone": True, "message": "Undone."}
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def test_a_second_moderator_pressing_the_same_row_is_told_it_was_decided_first(
    a_post, moderator_client
):
    comment = held(a_post)
    press(moderator_client, "approve", comment)
    bob = signed_in(make_moderator("bob"))

    answer = press(bob, "reject", comment, **JSON).json()

    assert answer == {
        "decided": False,
        "message": "Someone else decided this comment first: it is approved.",
    }
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PUBLISHED


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_without_the_moderate_permission_cannot_press_a_row_button(a_post):
    comment = held(a_post)
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)

    response = press(signed_in(clerk), "approve", comment)

    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def test_a_row_button_cannot_be_used_to_redirect_to_another_site(a_post, moderator_client):
    response = press(moderator_client, "approve", held(a_post), next_url="https://evil.example/")

    assert response.url == QUEUE


def test_the_queue_cannot_take_down_a_published_comment_by_a_forged_button(
    a_post, moderator_client
):
    published = make_comment(post=a_post, body="Already out.")

    answer = press(moderator_client, "reject", published, **JSON).json()

    assert answer["decided"] is False
    assert Comment.objects.get(pk=published.pk).status == Comment.Status.PUBLISHED


def test_the_comments_own_page_has_the_context_and_the_buttons_and_goes_back_to_the_queue(
    a_post, moderator_client
):
    parent = make_comment(post=a_post, body="What the reply answers.")
    comment = held(a_post, body="The reply itself.", parent=parent)
    page = html_of(
        moderator_client.get(reverse("admin:moderation_pendingcomment_change", args=[comment.pk]))
    )

    assert 'id="desk-panel"' in page and "What the reply answers." in page
    assert f'value="reject:{comment.pk}"' in page
    assert f'<input type="hidden" name="next" value="{QUEUE}">' in page


def test_the_full_comment_list_page_offers_a_take_down_for_a_published_comment(
    a_post, moderator_client
):
    published = make_comment(post=a_post, body="Already out.")
    url = reverse("admin:forum_comment_change", args=[published.pk])

    page = html_of(moderator_client.get(url))
    response = moderator_client.post(
        reverse("admin:forum_comment_decide"), {"decide": f"reject:{published.pk}", "next": url}
    )

    assert (
        f'value="reject:{published.pk}"' in page and f'value="approve:{published.pk}"' not in page
    )
    assert response.url == url
    assert Comment.objects.get(pk=published.pk).status == Comment.Status.REJECTED


@pytest.mark.parametrize("size", [55, 110])
def test_the_queue_costs_the_same_number_of_queries_however_many_comments_wait(
    a_post, moderator_client, size
):
    WatchedName.objects.create(name="Nobody Here")
    parent = make_comment(post=a_post, body="At 10:49 a point.")
    for n in range(size):
        other = make_post(title=f"Post {n}")
        held(other, body=f"Held {n}", parent=make_comment(post=other, body=f"Parent {n}"))
        if n % 3 == 0:
            reported(a_post, f"Reported {n}", readers=1)
    held(a_post, body="Held under a parent.", parent=parent)

    with CaptureQueriesContext(connection) as queries:
        response = moderator_client.get(QUEUE)

    assert len(listed_ids(response)) == 50
    assert len(queries) == 16


def switch_lockdown(client, hours: int | str):
    """Save the policy form with the lockdown's hours, as the admin's form posts it."""
    policy = ModerationPolicy.current()
    data = {
        "mode": policy.mode,
        "older_than_days": policy.older_than_days,
        "max_links": policy.max_links,
        "close_after_days": "",
        "min_seconds_between": policy.min_seconds_between,
        "max_per_hour": policy.max_per_hour,
        "report_threshold": policy.report_threshold,
        "report_hides_per_hour": policy.report_hides_per_hour,
        "troll_rejected_share": policy.troll_rejected_share,
        "troll_window_days": policy.troll_window_days,
        "troll_min_decisions": policy.troll_min_decisions,
        "lockdown_hours": hours,
    }
    return client.post(POLICY, data)


def test_a_lockdown_holds_every_comment_shows_a_banner_and_is_written_to_the_history(
    a_post, client, open_forum, a_moderator
):
    moderator = signed_in(a_moderator)

    assert switch_lockdown(moderator, 3).status_code == 302
    post_comment(client, a_post, "In the middle of a row")

    status, reason = status_of("In the middle of a row")
    assert status == Comment.Status.PENDING and reason.startswith("moderation is on: Lockdown")
    assert 'id="lockdown-banner"' in html_of(moderator.get(QUEUE))
    change = PolicyChange.objects.first()
    assert (change.field, change.old_value, change.changed_by) == (
        "lockdown: every comment held until",
        "—",
        a_moderator,
    )


def test_a_lockdown_ends_by_itself_when_its_time_is_up_and_says_so_in_the_history(
    a_post, client, open_forum, a_moderator
):
    moderator = signed_in(a_moderator)
    switch_lockdown(moderator, 1)
    # Its hour has passed: nothing runs at that moment, the next read of the policy ends it.
    ModerationPolicy.objects.update(lockdown_until=timezone.now() - timedelta(seconds=1))

    post_comment(client, a_post, "After the storm")

    assert status_of("After the storm")[0] == Comment.Status.PUBLISHED
    assert 'id="lockdown-banner"' not in html_of(moderator.get(QUEUE))
    ended = PolicyChange.objects.first()
    assert ended.new_value == "ended: back to “Never: publish comments at once”"
    assert ended.changed_by is None
    assert PolicyChange.objects.filter(field="lockdown: every comment held until").count() == 2


def test_a_lockdown_can_be_ended_early_with_zero_hours(a_post, client, open_forum, a_moderator):
    moderator = signed_in(a_moderator)
    switch_lockdown(moderator, 5)

    switch_lockdown(moderator, 0)
    post_comment(client, a_post, "Calm again")

    assert status_of("Calm again")[0] == Comment.Status.PUBLISHED
    assert ModerationPolicy.current().lockdown_until is None


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Email her at jo.bloggs@justice.gov.uk now", "e-mail address"),
        ("Ring 07700 900123 for the SPO", "phone number"),
        ("His NI is JH 12 34 56 C", "National Insurance number"),
        ("Look up case X123456", "case reference"),
        ("The office at M1 1AE is closing", "postcode"),
        ("Ask Jane Doe, she knows", "name on the watch list"),
    ],
)
def test_each_kind_of_personal_information_is_held_and_the_queue_names_it(
    a_post, client, open_forum, moderator_client, body, kind
):
    WatchedName.objects.create(name="Jane Doe")

    post_comment(client, a_post, body)

    assert status_of(body) == (Comment.Status.PENDING, f"personal information: {kind}")
    why = cells(html_of(moderator_client.get(QUEUE)), "why_held")
    assert why == [f"personal information: {kind} Marked in the text: {kind}"]


def test_ordinary_talk_of_times_money_and_sections_is_published(a_post, client, open_forum):
    body = "Anon 08.47: since 2014 a section 8 costs £1,500 at 10:49 on a Band 4 wage."

    post_comment(client, a_post, body)

    assert status_of(body) == (Comment.Status.PUBLISHED, "")


def test_the_post_page_lets_a_moderator_spam_a_held_comment_and_take_down_a_published_one(
    a_post, moderator_client
):
    comment = held(a_post, body="Held spam.")
    published = make_comment(post=a_post, body="Out there.")
    url = lambda c: reverse("moderation:moderate", args=[c.pk])  # noqa: E731

    page = html_of(moderator_client.get(a_post.get_absolute_url()))
    moderator_client.post(url(comment), {"action": "spam"})
    moderator_client.post(url(published), {"action": "take_down", "public_reason": "Names a PO."})

    assert 'value="spam"' in page and 'value="take_down"' in page
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.SPAM
    taken = Comment.objects.get(pk=published.pk)
    assert (taken.status, taken.public_reason) == (Comment.Status.REJECTED, "Names a PO.")


def test_a_reject_from_the_post_page_never_takes_down_a_comment_someone_approved_meanwhile(
    a_post, moderator_client
):
    comment = make_comment(post=a_post, body="Approved a moment ago.")

    moderator_client.post(reverse("moderation:moderate", args=[comment.pk]), {"action": "reject"})

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PUBLISHED


def test_the_digest_carries_each_comments_full_text_and_the_comment_it_answers(a_post, a_moderator):
    a_moderator.email = "alice@example.org"
    a_moderator.save()
    parent = make_comment(post=a_post, body="First line of the parent.\nSecond line.")
    held(a_post, body="A reply " + "y" * 1000, parent=parent)

    notifications.notify_held()

    body = mail.outbox[0].body
    assert "A reply " + "y" * 1000 in body
    assert "> First line of the parent.\n> Second line.\n" in body


def test_only_a_reported_comment_has_a_keep_button_and_keep_puts_it_back_up_for_good(
    a_post, moderator_client
):
    plain = held(a_post, body="Held by the rules.")
    hidden = reported(a_post, "Readers reported this one.")

    page = html_of(moderator_client.get(QUEUE))
    answer = press(moderator_client, "keep", hidden, reason="Fair comment", **JSON).json()

    assert f'value="keep:{hidden.pk}"' in page and f'value="keep:{plain.pk}"' not in page
    assert (answer["decided"], answer["message"]) == (True, "Kept up")
    kept = Comment.objects.get(pk=hidden.pk)
    assert (kept.status, kept.hidden_by_readers) == (Comment.Status.PUBLISHED, False)
    assert Decision.objects.filter(comment=kept, action="keep", reason="Fair comment").exists()


def test_a_forged_keep_on_a_comment_held_by_the_rules_is_refused_by_the_queue(
    a_post, moderator_client
):
    plain = held(a_post, body="Held by the rules.")

    answer = press(moderator_client, "keep", plain, **JSON).json()

    assert answer == {"decided": False, "message": "Only a comment readers reported can be kept."}
    assert Comment.objects.get(pk=plain.pk).status == Comment.Status.PENDING
    assert not Decision.objects.filter(comment=plain).exists()
