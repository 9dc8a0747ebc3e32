"""Searching the posts and the published comments, on PostgreSQL or SQLite."""

import datetime
import operator
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blogarchive.models import Post
from blogarchive.parsing import ParsedComment
from forum.models import Comment, CommentSearch
from forum.search import search
from forum.services import import_thread
from tests.factories import make_comment, make_post

ON_POSTGRESQL = connection.vendor == "postgresql"
needs_postgresql = pytest.mark.skipif(not ON_POSTGRESQL, reason="full-text search is PostgreSQL's")


def search_page(client, query, **params) -> str:
    response = client.get(reverse("forum:search"), {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def hits(html: str) -> list[str]:
    """The links of the results, in order."""
    return re.findall(r'<li class="search-hit">\s*<h3><a href="([^"]+)"', html)


def test_a_post_is_found_by_a_word_of_its_title(db, client):
    post = make_post(title="Caseloads in the North", paragraphs=["Nothing to see."])
    make_post(title="Something else")

    html = search_page(client, "caseloads")

    assert hits(html) == [post.get_absolute_url()]
    assert "<mark>Caseloads</mark> in the North" in html
    assert "1 post and 0 comments match “caseloads”." in html


def test_a_post_is_found_by_a_word_of_its_body(db, client):
    post = make_post(
        title="TR Week Fifteen",
        paragraphs=["The first paragraph.", "Morale among officers is at rock bottom."],
    )

    html = search_page(client, "morale")

    assert hits(html) == [post.get_absolute_url()]
    assert "<mark>Morale</mark> among officers" in html
    assert '<time datetime="2014-10-28">28 October 2014</time>' in html


def test_a_published_comment_is_found_marked_and_linked_to_its_permalink(
    a_published_comment, client
):
    comment = a_published_comment

    html = search_page(client, "burn")

    assert hits(html) == [f"/comments/{comment.pk}/"]
    assert "Anonymous on The Waiting Game 2" in html
    assert "said about <mark>burn</mark>" in html
    permalink = client.get(hits(html)[0])
    assert permalink.url == f"{comment.post.get_absolute_url()}#c{comment.pk}"


@pytest.mark.parametrize(
    "status",
    [Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM, Comment.Status.REMOVED],
)
def test_a_comment_that_is_not_published_is_never_found(a_post, client, status):
    make_comment(post=a_post, body="Grayling is to blame for everything.", status=status)

    html = search_page(client, "grayling")

    assert hits(html) == []
    assert "Grayling is to blame" not in html
    assert "Nothing in the posts or the published comments matches “grayling”." in html


def test_html_in_a_comment_is_found_but_shown_as_text(a_post, client):
    make_comment(
        post=a_post, body='Caseloads <b>doubled</b> & <script>alert("x")</script> since 2014 < 2015'
    )

    html = search_page(client, "caseloads")

    assert "<mark>Caseloads</mark>" in html
    assert "<b>doubled" not in html
    assert "<script>alert" not in html
    assert "2014 &lt; 2015" in html


def test_marking_a_match_never_breaks_the_escaping_around_it(a_post, client):
    make_comment(post=a_post, body="Fish & chips, said the amp.")

    html = search_page(client, "amp")

    assert "Fish &amp; chips, said the <mark>amp</mark>" in html


def test_posts_come_before_comments_in_two_sections(a_post, client):
    comment = make_comment(post=a_post, body="Napo says no.")
    post = make_post(title="Napo speaks")

    html = search_page(client, "napo")

    assert hits(html) == [post.get_absolute_url(), f"/comments/{comment.pk}/"]
    assert html.index('<h2 id="results-post">Posts</h2>') < html.index(
        '<h2 id="results-comment">Comments</h2>'
    )


def test_a_title_match_ranks_above_a_newer_body_only_match(db, client):
    in_body = make_post(
        title="Spring news",
        published=datetime.date(2016, 4, 1),
        paragraphs=["The unions met today."],
    )
    in_title = make_post(
        title="The unions", published=datetime.date(2015, 1, 1), paragraphs=["A meeting."]
    )

    html = search_page(client, "unions")

    assert hits(html) == [in_title.get_absolute_url(), in_body.get_absolute_url()]


def test_results_come_twenty_to_a_page_and_the_pages_keep_the_query(a_post, client):
    for number in range(25):
        make_comment(post=a_post, body=f"Officer number {number}")

    first = search_page(client, "officer number")
    second = search_page(client, "officer number", page=2)

    assert len(hits(first)) == 20
    assert len(hits(second)) == 5
    assert not set(hits(first)) & set(hits(second))
    assert 'href="?q=officer%20number&amp;page=2">More results</a>' in first
    assert "Page 2 of 2" in second


def test_the_number_of_queries_does_not_grow_with_the_results(a_post, client):
    make_post(title="Officers of the past")
    make_comment(post=a_post, body="An officer wrote")
    with CaptureQueriesContext(connection) as few:
        search_page(client, "officer")
    for number in range(10):
        make_post(title=f"Officer {number}")
    for number in range(30):
        make_comment(post=a_post, body=f"Officer {number}")

    with CaptureQueriesContext(connection) as many:
        html = search_page(client, "officer")

    assert len(hits(html)) == 20
    assert "11 posts and 31 comments" in html
    # Counts of posts and of comments, a page of posts, and a page of comments: on PostgreSQL
    # two statements each (the page's ids, then their headlines: forum.search.HeadlinedPage),
    # on SQLite three for the comments (forum.sqlite_fulltext.RankedComments says why).
    assert len(many) == len(few) <= 6


def test_an_empty_search_shows_the_form_and_a_hint(db, client):
    with CaptureQueriesContext(connection) as queries:
        html = search_page(client, "  ")

    assert '<input type="search" id="search-q" name="q" value=""' in html
    assert "Type a word or two above" in html
    assert len(queries) == 0


def test_a_search_over_200_characters_is_shortened_and_says_so(a_published_comment, client):
    html = search_page(client, "burn " * 60)

    assert "only the first 200 were used" in html
    assert f'value="{("burn " * 40).strip()}"' in html
    assert hits(html) == [f"/comments/{a_published_comment.pk}/"]


def test_a_search_with_no_results_says_so_kindly(a_published_comment, client):
    html = search_page(client, "zebras")

    assert "Nothing in the posts or the published comments matches “zebras”." in html
    assert "Try fewer words" in html


@pytest.mark.parametrize("query", ["!!!", '"', "-", "&|!:*", "!!! \x07"])
def test_a_search_of_punctuation_or_control_characters_finds_nothing_and_does_not_fail(
    a_published_comment, client, query
):
    html = search_page(client, query)

    assert hits(html) == []
    assert "Nothing in the posts or the published comments matches" in html


def test_a_search_of_control_characters_alone_is_an_empty_search(a_published_comment, client):
    html = search_page(client, "\x00\x02")

    assert hits(html) == []
    assert "Type a word or two above" in html


def test_control_characters_around_a_word_are_dropped_and_the_word_is_found(
    a_published_comment, client
):
    html = search_page(client, "\x00burn\x02")

    assert hits(html) == [a_published_comment.get_absolute_url()]
    assert "match “burn”." in html


def test_a_word_with_an_accent_is_found_in_a_posts_body(db, client):
    post = make_post(title="Coffee", paragraphs=["We met in the café by the court."])

    html = search_page(client, "café")

    assert hits(html) == [post.get_absolute_url()]
    assert "<mark>café</mark>" in html


def test_every_page_has_a_labelled_search_form_that_needs_no_javascript(a_post, client):
    html = client.get(a_post.get_absolute_url()).content.decode()

    assert '<form class="site-search" role="search" action="/search/" method="get">' in html
    assert '<label class="visually-hidden" for="site-search-q">' in html
    assert '<input type="search" id="site-search-q" name="q"' in html


def test_search_is_only_read(db, client):
    assert client.post(reverse("forum:search"), {"q": "burn"}).status_code == 405


def test_every_word_must_appear_in_any_case(a_post, client):
    both = make_comment(post=a_post, body="Burn-out and caseloads")
    make_comment(post=a_post, body="Burn-out only")

    html = search_page(client, "CASELOADS burn")

    assert hits(html) == [f"/comments/{both.pk}/"]
    assert "<mark>Burn</mark>-out and <mark>caseloads</mark>" in html
    assert 'Put a phrase in "quotes"' in html


@pytest.mark.parametrize("query", ["officers", "officer"])
def test_a_word_is_found_in_its_other_forms(a_post, client, query):
    comment = make_comment(post=a_post, body="Probation officers met the minister.")

    html = search_page(client, query)

    assert hits(html) == [f"/comments/{comment.pk}/"]
    assert "<mark>officers</mark>" in html


def test_a_phrase_and_a_left_out_word_are_understood(a_post, client):
    phrase = make_comment(post=a_post, body="The white smoke rose.")
    make_comment(post=a_post, body="White walls and black smoke.")
    make_comment(post=a_post, body="White smoke from the prison.")

    html = search_page(client, '"white smoke" -prison')

    assert hits(html) == [f"/comments/{phrase.pk}/"]


@pytest.mark.postgres
@needs_postgresql
def test_on_postgresql_searches_use_the_full_text_indexes(a_published_comment):
    # Enough rows that reading them all costs more than asking the indexes, as in production.
    Post.objects.bulk_create(
        Post(title=f"Filler {n}", slug=f"filler-{n}", published=datetime.date(2013, 1, 1))
        for n in range(300)
    )
    Comment.objects.bulk_create(
        Comment(
            post=a_published_comment.post,
            body=f"Filler {n}",
            body_html="",
            status=Comment.Status.PUBLISHED,
            tree_id=1000 + n,
            lft=1,
            rght=2,
            level=0,
        )
        for n in range(300)
    )
    with connection.cursor() as cursor:
        # Earlier tests' comments, rolled back, wait in the GIN index's pending list until a
        # vacuum; the planner prices that list in, so file it away as autovacuum would.
        cursor.execute("SELECT gin_clean_pending_list('comment_search_document')")
        cursor.execute("ANALYZE blogarchive_post, forum_comment, forum_commentsearch")
        # The planner's choice between a scan and an index varies with its statistics; with
        # scans priced out, it picks an index only if the query's expression matches it.
        cursor.execute("SET LOCAL enable_seqscan = off")
    results = search("burn")
    # The ranked rows the page's headlines are then made for (forum.search.HeadlinedPage).
    results.posts, results.comments = results.posts.ranked, results.comments.ranked

    assert "post_search" in results.posts.explain()
    assert "comment_search_document" in results.comments.explain()
    assert results.comments.count() == 1


# The comments' search documents, which PostgreSQL keeps in a table of their own.


def stored_document(comment: Comment) -> str:
    return CommentSearch.objects.get(comment=comment).document


def document_of(text: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('english', %s)::text", [text])
        return cursor.fetchone()[0]


def search_table_writes() -> tuple[int, int, int]:
    """Rows inserted, updated and deleted in the search table by this test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE relname = 'forum_commentsearch'"
        )
        return cursor.fetchone()


def captured(body: str, *replies: ParsedComment) -> ParsedComment:
    return ParsedComment(
        line=1, author=None, created=None, body=body, removed=None, replies=replies
    )


@pytest.mark.postgres
@needs_postgresql
def test_on_postgresql_a_new_comment_gets_its_search_document(a_post):
    comment = make_comment(post=a_post, body="Probation officers met the minister.")

    assert stored_document(comment) == document_of("Probation officers met the minister.")


@pytest.mark.postgres
@needs_postgresql
def test_on_postgresql_an_imported_thread_gets_its_documents_in_one_statement(a_post):
    roots = [
        captured("Caseloads doubled.", captured("Burn-out followed.")),
        captured("Napo says no."),
    ]
    inserted_before = search_table_writes()[0]

    with CaptureQueriesContext(connection) as queries:
        import_thread(post=a_post, roots=roots)

    documents = dict(
        CommentSearch.objects.filter(comment__post=a_post).values_list("comment__body", "document")
    )
    assert documents == {
        body: document_of(body)
        for body in ["Caseloads doubled.", "Burn-out followed.", "Napo says no."]
    }
    assert search_table_writes()[0] - inserted_before == 3
    assert not any("forum_commentsearch" in query["sql"] for query in queries)


@pytest.mark.postgres
@needs_postgresql
def test_on_postgresql_correcting_a_comments_text_corrects_its_document(a_published_comment):
    comment = a_published_comment
    comment.body = "I think more needs to be said about caseloads."
    comment.save(update_fields=["body"])

    assert stored_document(comment) == document_of(comment.body)
    assert search("burn").count() == 0
    assert search("caseloads").count() == 1


@pytest.mark.postgres
@needs_postgresql
def test_on_postgresql_saving_a_comment_with_the_same_text_leaves_its_document_alone(
    a_published_comment,
):
    updated_before = search_table_writes()[1]

    a_published_comment.status = Comment.Status.REMOVED
    a_published_comment.save()

    assert search_table_writes()[1] == updated_before


@pytest.mark.postgres
@needs_postgresql
def test_on_postgresql_deleting_a_comment_deletes_its_document_and_its_replies(a_post):
    parent = make_comment(post=a_post, body="Grayling is to blame.")
    reply = make_comment(post=a_post, parent=parent, body="For everything.")
    kept = make_comment(post=a_post, body="Not this one.")

    parent.delete()

    assert list(CommentSearch.objects.values_list("comment", flat=True)) == [kept.pk]
    assert not Comment.objects.filter(pk__in=[parent.pk, reply.pk]).exists()


@pytest.mark.postgres
@needs_postgresql
def test_on_postgresql_a_reply_that_moves_the_tree_does_not_rewrite_the_search_table(a_post):
    first = make_comment(post=a_post, body="The first word.")
    for number in range(20):
        make_comment(post=a_post, parent=first, body=f"Reply {number}")
    writes_before = search_table_writes()

    # A reply to the first comment renumbers the twenty after it.
    make_comment(post=a_post, parent=first.children.first(), body="A late reply.")

    inserted, updated, deleted = map(operator.sub, search_table_writes(), writes_before)
    assert (inserted, updated, deleted) == (1, 0, 0)
    assert search("late reply").count() == 1
