"""The screening rules against a commenter who tries to slip past them, over HTTP.

Each attempt is posted through the comment form from its own address, as the troll would
(rate limits apart): the rules must judge what readers will see, not what was typed.
"""

import datetime
import itertools

import pytest
from django.utils import timezone

from forum.models import Comment
from moderation.models import ModerationPolicy, WordRule
from tests.factories import make_comment

_addresses = (f"10.20.{n // 250}.{n % 250 + 1}" for n in itertools.count())


@pytest.fixture
def word_rules(open_forum):
    """One banned word and one held word, in a forum where nothing else holds a comment."""
    WordRule.objects.create(phrase="scumbag", action=WordRule.Action.BAN)
    WordRule.objects.create(phrase="grayling", action=WordRule.Action.HOLD)


def post(client, a_post, body, *, address=None, **fields):
    """Post the comment form as a browser would; returns the response."""
    data = {"body": body, **fields}
    return client.post(a_post.get_absolute_url(), data, REMOTE_ADDR=address or next(_addresses))


def stored(body_fragment: str) -> Comment:
    return Comment.objects.get(body__contains=body_fragment)


@pytest.mark.parametrize(
    "disguise",
    [
        "&#115;cumbag",
        "&#x73;cumbag",
        "scum&shy;bag",
        "scum<b></b>bag",
        "<i>scum</i>bag",
        "scum\u00adbag",
        "scum\u200bbag",
        "scum\u2060bag",
        "ＳＣＵＭＢＡＧ",
        "s\u0336c\u0336u\u0336m\u0336b\u0336a\u0336g\u0336",
        "ѕсumbаg",
        "Scumbag",
    ],
)
def test_a_banned_word_disguised_in_the_body_is_still_refused_as_spam(
    a_post, client, word_rules, disguise
):
    post(client, a_post, f"You are a {disguise}, mate.")

    comment = stored("mate.")
    assert (comment.status, comment.hold_reason) == (Comment.Status.SPAM, "banned word: scumbag")


@pytest.mark.parametrize(
    "name", ["Scum\u200bbag", "ＳＣＵＭＢＡＧ", "scum\u00adbag", "The\nScumbag"]
)
def test_a_banned_word_disguised_in_the_name_is_still_refused_as_spam(
    a_post, client, word_rules, name
):
    post(client, a_post, "An innocent remark.", author_name=name)

    comment = stored("innocent remark")
    assert (comment.status, comment.hold_reason) == (Comment.Status.SPAM, "banned word: scumbag")


def test_a_held_word_in_a_links_address_holds_the_comment(a_post, client, word_rules):
    post(client, a_post, 'Read <a href="https://grayling.example.org/">this</a>.')

    comment = stored("this</a>")
    assert (comment.status, comment.hold_reason) == (Comment.Status.PENDING, "held word: grayling")


@pytest.mark.parametrize("innocent", ["Graylings", "the scumbags' club", "scum bag", "Gray ling"])
def test_words_that_only_contain_a_rule_or_split_it_are_published(
    a_post, client, word_rules, innocent
):
    post(client, a_post, f"About {innocent} today.")

    assert stored("today.").status == Comment.Status.PUBLISHED


def test_a_right_to_left_override_cannot_show_readers_a_word_the_rules_did_not_read(
    a_post, client, word_rules
):
    # Drawn right to left, "gabmucs" would read "scumbag" on the page.
    post(client, a_post, "You \u202egabmucs\u202c indeed.")

    comment = stored("indeed.")
    assert "\u202e" not in comment.body_html
    assert "gabmucs" in comment.body_html


def test_one_link_written_as_html_counts_as_one_link(a_post, client, word_rules):
    ModerationPolicy.objects.filter(pk=1).update(max_links=1)

    post(client, a_post, 'See <a href="https://www.example.org/">the report</a> on it.')

    assert stored("the report").status == Comment.Status.PUBLISHED


def test_bare_domains_that_readers_get_as_links_count_as_links(a_post, client, word_rules):
    body = "Cheap: cheap-pills.com pills.net meds.org buy.co.uk now.info"

    post(client, a_post, body)

    comment = stored("Cheap:")
    assert comment.body_html.count("<a ") == 5
    assert (comment.status, comment.hold_reason) == (
        Comment.Status.PENDING,
        "5 links (more than 2)",
    )


def test_addresses_that_readers_do_not_get_as_links_do_not_count(a_post, client, word_rules):
    post(client, a_post, "Typed http://a.example, http://b.invalid and www.c.test for fun.")

    comment = stored("for fun.")
    assert "<a " not in comment.body_html
    assert comment.status == Comment.Status.PUBLISHED


def test_posting_someone_elses_held_text_does_not_reveal_that_it_exists(a_post, client, word_rules):
    ModerationPolicy.objects.filter(pk=1).update(mode=ModerationPolicy.Mode.ALWAYS)
    post(client, a_post, "I know what you wrote.", address="10.30.0.1")

    response = post(client, a_post, "I know what you wrote.", address="10.30.0.2")

    assert response.status_code == 302
    assert Comment.objects.filter(body="I know what you wrote.").count() == 2


@pytest.mark.parametrize(
    "status", [Comment.Status.REJECTED, Comment.Status.SPAM, Comment.Status.REMOVED]
)
def test_someone_elses_unpublished_text_is_no_duplicate(a_post, client, word_rules, status):
    make_comment(post=a_post, body="Hidden text.", status=status, created=timezone.now())

    assert post(client, a_post, "Hidden text.").status_code == 302


def test_a_commenters_own_held_text_posted_again_is_a_duplicate(a_post, client, word_rules):
    ModerationPolicy.objects.filter(pk=1).update(mode=ModerationPolicy.Mode.ALWAYS)
    post(client, a_post, "Did it go through?", address="10.30.0.3")

    response = post(client, a_post, "Did it go through?", address="10.30.0.3")

    assert response.status_code == 400
    assert "already been posted" in response.content.decode()


def test_text_published_by_someone_else_in_the_last_hour_is_a_duplicate(a_post, client, word_rules):
    post(client, a_post, "Well said.", address="10.30.0.4")

    response = post(client, a_post, "Well said.", address="10.30.0.5")

    assert response.status_code == 400
    assert Comment.objects.filter(body="Well said.").count() == 1


def test_text_published_by_someone_else_over_an_hour_ago_may_be_said_again(
    a_post, client, word_rules
):
    make_comment(
        post=a_post, body="Well said.", created=timezone.now() - datetime.timedelta(hours=2)
    )

    assert post(client, a_post, "Well said.").status_code == 302
    assert Comment.objects.filter(body="Well said.").count() == 2
