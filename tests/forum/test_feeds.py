"""The Atom feeds: latest posts, latest comments, and each post's comments."""

import datetime
from xml.etree import ElementTree

import feedparser
import pytest
from django.urls import reverse

from blogarchive.models import Post
from forum.feeds import COMMENTS_IN_FEED
from forum.models import Comment
from tests.factories import make_comment, make_post

ATOM = "{http://www.w3.org/2005/Atom}"
NOT_PUBLIC = [
    Comment.Status.PENDING,
    Comment.Status.REJECTED,
    Comment.Status.SPAM,
    Comment.Status.REMOVED,
]


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def post_feed_url(post) -> str:
    return reverse(
        "forum:post_comments_feed", args=[post.published.year, post.published.month, post.slug]
    )


@pytest.fixture
def comments_in_every_state(a_post):
    """One published comment, and one in each state the public never sees."""
    published = make_comment(post=a_post, body="Published words", author_name="Netnipper")
    for status in NOT_PUBLIC:
        make_comment(post=a_post, body=f"Secret {status} words", status=status)
    return published


def test_the_posts_feed_lists_the_latest_twenty_posts_newest_first_with_a_summary(db, client):
    posts = [
        make_post(
            title=f"Day {day}",
            published=datetime.date(2015, 3, day),
            paragraphs=[f"First of day {day} & more.", "Second.", "Third, left out."],
        )
        for day in range(1, 23)
    ]

    feed = read_feed(client, reverse("forum:posts_feed"))

    assert feed.feed.title == "On Probation: posts"
    assert len(feed.entries) == 20
    assert [entry.title for entry in feed.entries[:2]] == ["Day 22", "Day 21"]
    newest = feed.entries[0]
    assert newest.link == f"http://testserver{posts[-1].get_absolute_url()}"
    assert newest.id == newest.link
    assert newest.summary == "<p>First of day 22 &amp; more.</p><p>Second.</p>"
    assert newest.updated == "2015-03-22T00:00:00+00:00"


def test_a_post_is_dated_at_midnight_uk_time(db, client):
    make_post(title="Summer", published=datetime.date(2014, 7, 1))

    entry = read_feed(client, reverse("forum:posts_feed")).entries[0]

    assert entry.published == "2014-07-01T00:00:00+01:00"
    assert entry.updated == entry.published


def test_the_comments_feed_shows_published_comments_with_their_permalinks(
    comments_in_every_state, client
):
    comment = comments_in_every_state

    feed = read_feed(client, reverse("forum:comments_feed"))

    assert feed.feed.title == "On Probation: comments"
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.title == "Netnipper on The Waiting Game 2"
    assert entry.link == f"http://testserver/comments/{comment.pk}/"
    assert entry.id == entry.link
    assert entry.author == "Netnipper"
    assert entry.content[0].type == "text/html"
    assert entry.content[0].value == "<p>Published words</p>"


@pytest.mark.parametrize("url_name", ["forum:comments_feed", "forum:post_comments_feed"])
def test_no_feed_ever_shows_a_comment_that_is_not_published(
    comments_in_every_state, client, url_name
):
    post = comments_in_every_state.post
    url = post_feed_url(post) if url_name == "forum:post_comments_feed" else reverse(url_name)

    response = client.get(url)

    assert b"Published words" in response.content
    assert b"Secret" not in response.content


def test_a_held_comment_appears_in_the_feeds_once_a_moderator_approves_it(
    a_post, client, a_moderator
):
    held = make_comment(post=a_post, body="Worth the wait", status=Comment.Status.PENDING)
    assert read_feed(client, post_feed_url(a_post)).entries == []

    client.force_login(a_moderator)
    client.post(reverse("moderation:moderate", args=[held.pk]), {"action": "approve"})
    client.logout()

    for url in (post_feed_url(a_post), reverse("forum:comments_feed")):
        entries = read_feed(client, url).entries
        assert [entry.link for entry in entries] == [f"http://testserver/comments/{held.pk}/"]


def test_a_posts_feed_holds_only_its_own_comments_newest_first(a_post, client):
    other = make_post(title="Another post")
    make_comment(post=other, body="Elsewhere")
    older = make_comment(post=a_post, body="Older", created="2014-10-28T09:00:00+00:00")
    newer = make_comment(post=a_post, body="Newer", created="2014-10-29T09:00:00+00:00")

    feed = read_feed(client, post_feed_url(a_post))

    assert feed.feed.title == "On Probation: comments on The Waiting Game 2"
    assert feed.feed.link == f"http://testserver{a_post.get_absolute_url()}#comments"
    assert [entry.id for entry in feed.entries] == [
        f"http://testserver/comments/{newer.pk}/",
        f"http://testserver/comments/{older.pk}/",
    ]


def test_an_imported_comment_without_a_time_stays_out_of_the_feeds_but_not_the_page(a_post, client):
    make_comment(post=a_post, body="From Blogger", created=None)
    dated = make_comment(post=a_post, body="Posted here")

    for url in (post_feed_url(a_post), reverse("forum:comments_feed")):
        entries = read_feed(client, url).entries
        assert [entry.id for entry in entries] == [f"http://testserver/comments/{dated.pk}/"]
        assert "T00:00:00" not in entries[0].updated
    assert "From Blogger" in client.get(a_post.get_absolute_url()).content.decode()


def test_an_anonymous_comment_is_titled_with_its_thread_tag_as_on_the_page(a_post, client):
    comment = make_comment(post=a_post, body="Tagged", commenter="c" * 32)

    entry = read_feed(client, post_feed_url(a_post)).entries[0]
    page = client.get(a_post.get_absolute_url()).content.decode()

    tag = entry.title.removesuffix(" on The Waiting Game 2")
    assert tag.startswith("Anonymous ·")
    assert f'id="c{comment.pk}-by">{tag}<' in page
    assert entry.author == tag


def test_each_feed_has_its_own_id_and_says_where_it_lives(a_published_comment, client):
    urls = [
        reverse("forum:posts_feed"),
        reverse("forum:comments_feed"),
        post_feed_url(a_published_comment.post),
    ]

    feeds = [read_feed(client, url).feed for url in urls]

    assert [feed.id for feed in feeds] == [f"http://testserver{url}" for url in urls]
    assert all(feed.links[1].rel == "self" for feed in feeds)


def test_an_empty_feed_is_still_a_valid_feed(a_post, client):
    assert read_feed(client, post_feed_url(a_post)).entries == []


def test_a_feed_for_a_post_that_does_not_exist_is_not_found(db, client):
    assert client.get("/feeds/2014/10/no-such-post/comments/").status_code == 404


@pytest.mark.parametrize("comments", [1, COMMENTS_IN_FEED + 10])
def test_the_comments_feed_makes_one_query_however_many_comments(
    db, client, django_assert_num_queries, comments
):
    for number in range(comments):
        make_comment(post=make_post(), body=f"Comment {number}")

    with django_assert_num_queries(1):
        feed = read_feed(client, reverse("forum:comments_feed"))

    assert len(feed.entries) == min(comments, COMMENTS_IN_FEED)
    assert feed.entries[0].title == f"Anonymous on {Post.objects.first().title}"


def test_pages_link_the_site_feeds_and_the_post_page_its_comments_feed(a_post, client):
    home = client.get(reverse("forum:home")).content.decode()
    post_page = client.get(a_post.get_absolute_url()).content.decode()

    for html in (home, post_page):
        assert (
            '<link rel="alternate" type="application/atom+xml" title="On Probation: posts" '
            'href="/feeds/posts/">' in html
        )
        assert 'type="application/atom+xml" href="/feeds/comments/">new comments</a>' in html
    assert f'href="{post_feed_url(a_post)}"' in post_page
    assert f'href="{post_feed_url(a_post)}"' not in home


def test_the_post_page_links_its_comment_feed_for_readers_to_see(a_published_comment, client):
    post = a_published_comment.post
    feed = reverse(
        "forum:post_comments_feed", args=[post.published.year, post.published.month, post.slug]
    )

    html = client.get(post.get_absolute_url()).content.decode()

    assert f'<a type="application/atom+xml" href="{feed}">' in html


FEED_URLS = ["forum:posts_feed", "forum:comments_feed", "forum:post_comments_feed"]
HOSTILE_NAMES = ["Eve\x07\nApprove: x", "\x0b\x1b", "Bob\ufffe\uffff", "\u202eevE"]
HOSTILE_BODY = "Ill\x01 formed\ufffe \uffff\x0c\x1f text \x7f\x9b <b>bold</b>"


def strictly_parsed(client, url_name: str, post) -> ElementTree.Element:
    """The feed parsed by a strict XML parser (expat), after feedparser found no fault."""
    url = post_feed_url(post) if url_name == "forum:post_comments_feed" else reverse(url_name)
    response = client.get(url)
    read_feed(client, url)
    return ElementTree.fromstring(response.content)


def entry_authors(root: ElementTree.Element) -> list[str]:
    return [name.text or "" for name in root.iterfind(f"{ATOM}entry/{ATOM}author/{ATOM}name")]


@pytest.mark.parametrize("url_name", FEED_URLS)
def test_every_feed_stays_well_formed_after_readers_post_hostile_names_and_bodies(
    a_post, client, moderation_off, url_name
):
    for number, name in enumerate(HOSTILE_NAMES):
        data = {"author_name": name, "body": f"{number}: {HOSTILE_BODY}"}
        client.post(a_post.get_absolute_url(), data, REMOTE_ADDR=f"10.50.0.{number + 1}")
    assert Comment.objects.published().count() == len(HOSTILE_NAMES)

    root = strictly_parsed(client, url_name, a_post)

    if url_name != "forum:posts_feed":
        authors = sorted(entry_authors(root))
        # The name that cleaned away to nothing is Anonymous, with its thread tag as on the page.
        assert authors[0].startswith("Anonymous ·")
        assert authors[1:] == ["Bob", "Eve Approve: x", "evE"]


@pytest.mark.parametrize("url_name", FEED_URLS)
def test_every_feed_stays_well_formed_whatever_was_stored_before_names_were_cleaned(
    a_post, client, url_name
):
    Post.objects.filter(pk=a_post.pk).update(
        title="The\x0b Waiting\ufffe Game", paragraphs=["\x01"]
    )
    stored = make_comment(post=a_post)
    Comment.objects.filter(pk=stored.pk).update(
        author_name="Eve\x07\nBob\uffff", body_html="<p>Ill\x01 formed\ufffe</p>"
    )

    root = strictly_parsed(client, url_name, a_post)

    if url_name != "forum:posts_feed":
        assert entry_authors(root) == ["Eve Bob"]
        content = root.find(f"{ATOM}entry/{ATOM}content")
        assert content.text == "<p>Ill formed</p>"
