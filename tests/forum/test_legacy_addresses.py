"""Every address the old blog had answers 301 to the same content here, or an honest 404."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from blogarchive.models import Label, Post
from forum.models import Comment
from tests.blogarchive.blogger_backups import STRUCTURE, current_schema, old_schema
from tests.factories import make_comment, make_post

UTC = datetime.UTC
SAD_FACT = "/2014/09/a-sad-fact-of-life.html"
# Blogger's comment links carry the comment's time in ms since 1970, UTC: 12:51:35.123 here.
SPOKEN_AT = datetime.datetime(2014, 9, 17, 12, 51, 35, tzinfo=UTC)
SPOKEN_MS = int(SPOKEN_AT.timestamp()) * 1000 + 123
HIDDEN = [
    Comment.Status.PENDING,
    Comment.Status.REJECTED,
    Comment.Status.SPAM,
    Comment.Status.REMOVED,
]


@pytest.fixture
def blogger_post(db):
    """A post imported from a Blogger backup, with its old address, id and a label."""
    post = make_post(
        title="A Sad Fact of Life",
        slug="a-sad-fact-of-life",
        published=datetime.date(2014, 9, 17),
        old_path=SAD_FACT,
        blogger_id="4411",
    )
    post.labels.add(Label.objects.create(name="Napo News", slug="napo-news"))
    return post


@pytest.fixture
def captured_post(db):
    """A post imported from a text capture: no old address kept, only its slug."""
    return make_post(
        title="Some Reflections", slug="some-reflections", published=datetime.date(2014, 9, 17)
    )


def get(client, address: str, **params):
    return client.get(address, params, REMOTE_ADDR="198.51.100.7")


def redirects_to(response, target: str) -> bool:
    return response.status_code == 301 and response["Location"] == target


def falls_back_to(response, target: str) -> bool:
    """A comment not found leads to its post for now (302): it may yet be published."""
    return response.status_code == 302 and response["Location"] == target


def shown(post: Post, ms) -> str:
    return f"{post.old_path}?showComment={ms}"


# Posts


def test_an_old_post_address_answers_301_to_the_post_page(client, blogger_post):
    response = get(client, SAD_FACT)
    assert redirects_to(response, "/2014/09/a-sad-fact-of-life/")
    assert get(client, response["Location"]).status_code == 200


def test_a_captured_post_is_found_by_its_month_and_slug(client, captured_post):
    assert redirects_to(get(client, "/2014/09/some-reflections.html"), "/2014/09/some-reflections/")


@pytest.mark.parametrize("mobile", ["1", "0"])
def test_the_mobile_variant_of_an_old_post_address_goes_to_the_same_page(
    client, blogger_post, captured_post, mobile
):
    assert redirects_to(get(client, SAD_FACT, m=mobile), "/2014/09/a-sad-fact-of-life/")
    response = get(client, "/2014/09/some-reflections.html", m=mobile)
    assert redirects_to(response, "/2014/09/some-reflections/")


@pytest.mark.parametrize(
    ("kept", "asked"),
    [
        ("/2014/09/café-society.html", "/2014/09/caf%C3%A9-society.html"),
        ("/2014/09/caf%C3%A9-society.html", "/2014/09/caf%C3%A9-society.html"),
        ("/2014/09/caf%C3%A9-society.html", "/2014/09/café-society.html"),
    ],
)
def test_a_percent_encoded_old_address_finds_its_post_however_the_backup_kept_it(
    client, db, kept, asked
):
    make_post(slug="cafe-society", published=datetime.date(2014, 9, 2), old_path=kept)
    assert redirects_to(get(client, asked), "/2014/09/cafe-society/")


def test_an_address_kept_from_a_backup_wins_over_a_captured_slug_in_that_month(client, db):
    make_post(slug="the-list", published=datetime.date(2014, 9, 1))
    make_post(
        slug="the-list-2", published=datetime.date(2014, 9, 9), old_path="/2014/09/the-list.html"
    )
    assert redirects_to(get(client, "/2014/09/the-list.html"), "/2014/09/the-list-2/")


def test_a_post_with_an_old_address_is_not_found_by_its_slug_at_another_one(client, blogger_post):
    blogger_post.old_path = "/2014/09/sad-fact.html"
    blogger_post.save(update_fields=["old_path"])
    assert get(client, SAD_FACT).status_code == 404


@pytest.mark.parametrize(
    "address",
    [
        "/2014/09/nothing-like-it.html",
        "/2014/08/some-reflections.html",  # the right slug in the wrong month
        "/2013/09/some-reflections.html",
        "/2014/13/some-reflections.html",
        "/2014/00/some-reflections.html",
        "/2014/09/some%2Dreflections%00.html",
        "/p/about.html",
        "/2014/09/.html",
    ],
)
def test_an_unknown_old_address_is_an_honest_404_page(client, captured_post, address):
    response = get(client, address)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# Comments


def test_show_comment_redirects_to_that_comments_permalink(client, blogger_post):
    comment = make_comment(post=blogger_post, created=SPOKEN_AT, blogger_id="9001")
    response = get(client, shown(blogger_post, SPOKEN_MS))
    assert redirects_to(response, f"/comments/{comment.pk}/")
    landing = get(client, response["Location"])
    assert landing["Location"] == f"/2014/09/a-sad-fact-of-life/#c{comment.pk}"


def test_show_comment_with_the_mobile_flag_goes_to_the_same_permalink(client, blogger_post):
    comment = make_comment(post=blogger_post, created=SPOKEN_AT, blogger_id="9001")
    response = get(client, SAD_FACT, showComment=SPOKEN_MS, m="1")
    assert redirects_to(response, f"/comments/{comment.pk}/")


def test_show_comment_picks_the_comment_of_that_second_among_its_neighbours(client, blogger_post):
    one_second = datetime.timedelta(seconds=1)
    before = make_comment(post=blogger_post, created=SPOKEN_AT - one_second, blogger_id="1")
    meant = make_comment(post=blogger_post, created=SPOKEN_AT, blogger_id="2")
    after = make_comment(post=blogger_post, created=SPOKEN_AT + one_second, blogger_id="3")
    for comment, offset in [(before, -1000), (meant, 0), (after, 1000)]:
        response = get(client, shown(blogger_post, SPOKEN_MS + offset))
        assert redirects_to(response, f"/comments/{comment.pk}/")


def test_show_comment_finds_only_comments_of_the_post_in_the_address(
    client, blogger_post, captured_post
):
    make_comment(post=captured_post, created=SPOKEN_AT)
    assert falls_back_to(
        get(client, shown(blogger_post, SPOKEN_MS)), "/2014/09/a-sad-fact-of-life/"
    )


@pytest.mark.parametrize("status", HIDDEN)
def test_show_comment_answers_for_a_hidden_comment_exactly_as_for_no_comment(
    client, blogger_post, status
):
    make_comment(post=blogger_post, created=SPOKEN_AT, blogger_id="9001", status=status)
    hidden = get(client, shown(blogger_post, SPOKEN_MS))
    missing = get(client, shown(blogger_post, SPOKEN_MS + 3_600_000))
    assert falls_back_to(hidden, "/2014/09/a-sad-fact-of-life/")
    assert (hidden.status_code, hidden["Location"]) == (missing.status_code, missing["Location"])


def test_show_comment_finds_a_captured_comment_within_its_minute(client, captured_post):
    comment = make_comment(
        post=captured_post, created=datetime.datetime(2014, 9, 17, 9, 55, tzinfo=UTC)
    )
    ms = int(datetime.datetime(2014, 9, 17, 9, 55, 37, tzinfo=UTC).timestamp() * 1000)
    response = get(client, f"/2014/09/some-reflections.html?showComment={ms}")
    assert redirects_to(response, f"/comments/{comment.pk}/")


def test_show_comment_does_not_guess_between_two_captured_comments_of_one_minute(
    client, captured_post
):
    minute = datetime.datetime(2014, 9, 17, 9, 55, tzinfo=UTC)
    make_comment(post=captured_post, created=minute)
    make_comment(post=captured_post, created=minute)
    ms = int(minute.timestamp() * 1000) + 37_000
    response = get(client, f"/2014/09/some-reflections.html?showComment={ms}")
    assert falls_back_to(response, "/2014/09/some-reflections/")


def test_show_comment_does_not_take_a_backup_comment_of_another_second_in_that_minute(
    client, blogger_post
):
    make_comment(post=blogger_post, created=SPOKEN_AT.replace(second=0), blogger_id="9001")
    assert falls_back_to(
        get(client, shown(blogger_post, SPOKEN_MS)), "/2014/09/a-sad-fact-of-life/"
    )


@pytest.mark.parametrize(
    "value", ["", "abc", "-1410958295123", "1.5", "9" * 40, "\u0661\u0664\u0661\u0660", "1e12"]
)
def test_a_show_comment_value_that_is_no_time_leads_to_the_post(client, blogger_post, value):
    make_comment(post=blogger_post, created=SPOKEN_AT, blogger_id="9001")
    response = get(client, SAD_FACT, showComment=value)
    assert falls_back_to(response, "/2014/09/a-sad-fact-of-life/")


# Labels and feeds


@pytest.mark.parametrize(
    "address",
    [
        "/search/label/Napo%20News",
        "/search/label/Napo News",
        "/search/label/napo%20news",
        "/search/label/Napo%20News?m=1",
        "/search/label/Napo%20News?updated-max=2014-09-17T12:00:00%2B01:00&max-results=20",
    ],
)
def test_an_old_label_address_redirects_to_the_label_page(client, blogger_post, address):
    response = get(client, address)
    assert redirects_to(response, "/label/napo-news/")
    assert "A Sad Fact of Life" in get(client, response["Location"]).content.decode()


def test_a_label_name_with_accents_and_a_slash_is_found_percent_encoded(client, db):
    Label.objects.create(name="Café/Bar", slug="cafe-bar")
    assert redirects_to(get(client, "/search/label/Caf%C3%A9%2FBar"), "/label/cafe-bar/")


def test_of_two_labels_differing_only_in_case_the_exact_one_is_taken(client, db):
    Label.objects.create(name="TR", slug="tr")
    Label.objects.create(name="Tr", slug="tr-2")
    assert redirects_to(get(client, "/search/label/Tr"), "/label/tr-2/")
    assert get(client, "/search/label/tr").status_code == 404


def test_an_unknown_label_is_an_honest_404(client, blogger_post):
    assert get(client, "/search/label/Nothing%20Here").status_code == 404
    assert get(client, "/search/label/").status_code == 404
    assert get(client, "/search/label/Napo%00News").status_code == 404


@pytest.mark.parametrize(
    ("address", "target"),
    [
        ("/feeds/posts/default", "/feeds/posts/"),
        ("/feeds/posts/default?alt=rss", "/feeds/posts/"),
        ("/feeds/posts/default?m=1", "/feeds/posts/"),
        ("/feeds/posts/summary", "/feeds/posts/"),
        ("/atom.xml", "/feeds/posts/"),
        ("/rss.xml?m=1", "/feeds/posts/"),
        ("/feeds/comments/default", "/feeds/comments/"),
        ("/feeds/4411/comments/default", "/feeds/2014/09/a-sad-fact-of-life/comments/"),
        ("/feeds/4411/comments/default?alt=rss&m=1", "/feeds/2014/09/a-sad-fact-of-life/comments/"),
    ],
)
def test_old_feed_addresses_redirect_to_this_sites_feeds(client, blogger_post, address, target):
    response = get(client, address)
    assert redirects_to(response, target)
    assert get(client, target).status_code == 200


def test_the_comments_feed_of_an_unknown_post_is_an_honest_404(client, blogger_post):
    assert get(client, "/feeds/4412/comments/default").status_code == 404


# The addresses the old blog shares with this site


@pytest.mark.parametrize("address", ["/?m=1", "/2014/?m=1", "/2014/09/?m=1", "/2014/09/?m=0"])
def test_the_blogs_home_and_archive_addresses_are_this_sites_own(client, blogger_post, address):
    response = get(client, address)
    assert response.status_code == 200
    assert "A Sad Fact of Life" in response.content.decode()


def test_the_blogs_search_address_reaches_this_sites_search_with_its_words(client, db):
    response = get(client, "/search?q=probation&m=1")
    assert redirects_to(response, "/search/?q=probation&m=1")


# Cost


@pytest.mark.parametrize(
    ("address", "queries"),
    [
        (SAD_FACT, 1),
        (f"{SAD_FACT}?showComment={SPOKEN_MS}&m=1", 2),
        ("/search/label/Napo%20News", 1),
        ("/feeds/posts/default", 0),
        ("/feeds/4411/comments/default", 1),
    ],
)
def test_an_old_address_costs_at_most_two_queries_however_long_the_thread(
    client, blogger_post, django_assert_num_queries, address, queries
):
    for second in range(200):
        created = SPOKEN_AT - datetime.timedelta(seconds=second)
        make_comment(post=blogger_post, created=created, blogger_id=str(9000 + second))
    with django_assert_num_queries(queries):
        response = get(client, address)
    assert response.status_code == 301


def plans_of(client, address: str) -> list[str]:
    """The database's plan for each query the address costs."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        get(client, address)
    explain = "EXPLAIN" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A table of a few rows is read whole; the question is whether an index can serve.
            cursor.execute("SET LOCAL enable_seqscan = off")
        plans = []
        for sql, params in statements:
            cursor.execute(f"{explain} {sql}", params)
            plans.append(str(cursor.fetchall()))
    return plans


@pytest.mark.parametrize(
    ("address", "index"),
    [
        (SAD_FACT, "post_unique_old_path"),
        ("/feeds/4411/comments/default", "post_unique_blogger_id"),
    ],
)
def test_an_old_post_is_found_through_its_index_on_either_database(
    client, blogger_post, captured_post, address, index
):
    (plan,) = plans_of(client, address)
    assert index in plan


# From a real backup


def import_backup(tmp_path, feed: bytes) -> None:
    backup = tmp_path / "feed.atom"
    backup.write_bytes(feed)
    call_command("import_blog", str(backup), stdout=StringIO(), stderr=StringIO())


def ms(stamp: str) -> int:
    """A Blogger showComment value for a comment published at stamp (milliseconds added)."""
    return int(datetime.datetime.fromisoformat(stamp).timestamp() * 1000) + 456


@pytest.mark.parametrize("schema", [current_schema, old_schema])
def test_old_links_into_an_imported_backup_reach_the_same_posts_and_comments(
    client, db, tmp_path, schema
):
    import_backup(tmp_path, schema(STRUCTURE))
    reply = Comment.objects.get(blogger_id="2002")
    address = f"/2014/10/the-clocks-go-back.html?showComment={ms('2014-10-26T01:00:01Z')}&m=1"
    assert redirects_to(get(client, address), reverse("forum:comment", args=[reply.pk]))
    assert get(client, "/2014/10/unfinished-thoughts.html").status_code == 404
    assert redirects_to(get(client, "/search/label/Omnishambles?m=1"), "/label/omnishambles/")
    response = get(client, "/feeds/1003/comments/default")
    assert redirects_to(response, "/feeds/2015/03/summer-again/comments/")


def test_an_old_link_to_a_comment_deleted_on_blogger_leads_to_its_post(client, db, tmp_path):
    import_backup(tmp_path, current_schema(STRUCTURE))
    post = Post.objects.get(blogger_id="1001")
    # Deleted with a reply that stays: kept as a placeholder, which no link points to.
    address = f"{post.old_path}?showComment={ms('2014-10-26T04:00:00Z')}"
    assert falls_back_to(get(client, address), "/2014/10/the-clocks-go-back/")
    address = f"{post.old_path}?showComment={ms('2014-10-26T06:00:00Z')}"
    assert falls_back_to(get(client, address), "/2014/10/the-clocks-go-back/")
