"""Helping readers follow who said what: times as links, and per-thread pseudonyms."""

import re
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import RequestFactory

from blogarchive.models import Post
from forum.identity import commenter_id, pseudonym
from forum.models import Comment
from forum.references import TimeIndex, link_times
from tests.factories import make_comment, make_post

AUTHOR_TAG = re.compile(r'class="comment-author" id="c\d+-by">Anonymous ·([0-9a-f]{10})<')
SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"


def comment_at(pk: int, hour: int, minute: int, *, day: int = 16) -> Comment:
    created = datetime(2016, 6, day, hour, minute, tzinfo=UTC)
    return Comment(pk=pk, created=created, status=Comment.Status.PUBLISHED, body_html="")


def linked(body: str, comments: list[Comment], writer: Comment) -> str:
    return link_times(body, TimeIndex(comments), writer, lambda pk: f"#c{pk}")


def test_a_time_in_a_reply_links_to_the_comment_posted_at_that_minute():
    earlier = comment_at(1, 11, 51)  # 12:51 in the UK in June
    writer = comment_at(2, 13, 5)

    for text in (
        "Dear Anon 12:51 I agree",
        "@12:51 yes",
        "12.51 is right",
        "Probation Officer 12:51",
    ):
        html = linked(f"<p>{text}</p>", [earlier, writer], writer)
        assert '<a class="time-ref" href="#c1">12' in html


def test_a_time_no_comment_was_posted_at_stays_plain_text():
    writer = comment_at(2, 13, 5)

    assert linked("<p>Meet at 16:00 on Friday</p>", [comment_at(1, 11, 51), writer], writer) == (
        "<p>Meet at 16:00 on Friday</p>"
    )


def test_prices_dates_and_longer_numbers_are_not_times():
    target = comment_at(1, 4, 50)  # 05:50 in the UK
    writer = comment_at(2, 13, 5)

    html = linked("<p>£5.50 a day, 105.50 miles, 2015.50</p>", [target, writer], writer)

    assert "time-ref" not in html


def test_a_reference_points_back_in_time_to_the_latest_match():
    yesterday = comment_at(1, 9, 0, day=15)
    today = comment_at(2, 9, 0, day=16)
    writer = comment_at(3, 12, 0, day=16)
    early_writer = comment_at(4, 12, 0, day=15)

    assert 'href="#c2"' in linked("<p>@10:00</p>", [yesterday, today, writer], writer)
    assert 'href="#c1"' in linked("<p>@10:00</p>", [yesterday, today, early_writer], early_writer)


def test_times_inside_links_and_tags_are_left_alone():
    target = comment_at(1, 11, 51)
    writer = comment_at(2, 13, 5)
    body = '<p><a href="http://x.example/12:51" rel="nofollow ugc">at 12:51</a> and 12:51</p>'

    html = linked(body, [target, writer], writer)

    assert html.count("time-ref") == 1
    assert 'href="http://x.example/12:51"' in html


def test_the_seed_thread_links_a_reply_to_the_0847_comment(db, client):
    call_command("import_blog", str(SEEDS / "003_cc3877ba95a5ea30.txt"), stdout=StringIO())
    post = Post.objects.get(title="Probation System Review")
    target = Comment.objects.get(created__isnull=False, body__startswith="And they need to stop")

    html = client.get(post.get_absolute_url()).content.decode()

    assert f'<a class="time-ref" href="#c{target.pk}">08.47</a>' in html


def test_anonymous_commenters_get_a_stable_tag_per_thread(db, client, moderation_off):
    first, second = make_post(title="One"), make_post(title="Two")
    make_comment(post=first, body="a", commenter="reader-a")
    make_comment(post=first, body="b", commenter="reader-a")
    make_comment(post=first, body="c", commenter="reader-b")
    make_comment(post=second, body="d", commenter="reader-a")

    one = client.get(first.get_absolute_url()).content.decode()
    two = client.get(second.get_absolute_url()).content.decode()

    tags = AUTHOR_TAG.findall(one)
    assert len(tags) == 3
    assert tags[0] == tags[1] != tags[2]
    assert AUTHOR_TAG.findall(two)[0] != tags[0]
    assert "reader-a" not in one


def test_five_thousand_commenters_on_one_thread_all_get_different_tags():
    commenters = [
        commenter_id(RequestFactory().get("/", REMOTE_ADDR=f"10.0.{n // 250}.{n % 250}"))
        for n in range(5000)
    ]

    tags = {pseudonym(commenter, 1) for commenter in commenters}

    assert len(tags) == 5000
