"""Full-text search on SQLite, the embedded default: the FTS5 indexes, their triggers, the query
a reader's words become, and the ranking. (tests/forum/test_search.py covers the page on both
databases.)"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum import sqlite_fulltext
from forum.models import Comment, CommentText, PostText
from forum.search import fts5_query, search
from moderation.services import correct_text
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 is SQLite's")


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("burn out", '("burn" AND "out")'),
        ('"white smoke" -prison', '("white smoke") NOT "prison"'),
        ("officer's caseload", '("officer\'s" AND "caseload")'),
        ("burn burn BURN", '("burn" AND "BURN")'),
        ("NEAR(a b) OR c*", '("NEAR" AND "a" AND "b" AND "OR" AND "c")'),
        ('body:"x" ^y', '("body" AND "x" AND "y")'),
        ("-only -unwanted", None),
        ("!!! & | :", None),
        ('"unclosed phrase', '("unclosed phrase")'),
    ],
)
def test_a_readers_words_become_quoted_fts5_terms_never_operators(typed, query):
    assert fts5_query(typed) == query


def test_a_new_comment_is_indexed_and_a_deleted_one_leaves_the_index(a_post):
    comment = make_comment(post=a_post, body="Transforming Rehabilitation again")

    assert CommentText.objects.filter(body__match='"rehabilitation"').count() == 1
    comment.delete()
    assert CommentText.objects.filter(body__match='"rehabilitation"').count() == 0


def test_a_corrected_comment_is_found_by_its_new_words_only(a_published_comment, a_moderator):
    correct_text(a_published_comment, "Workload is the real issue.", moderator=a_moderator)

    assert search("workload").counts["comment"] == 1
    assert search("burn").counts["comment"] == 0


def test_an_edited_post_is_found_by_its_new_title_and_a_deleted_one_is_not(db):
    post = make_post(title="Napo conference", paragraphs=["Delegates met.", "Votes were cast."])
    assert search("votes").counts["post"] == 1

    post.title = "Union conference"
    post.save()
    assert search("napo").counts["post"] == 0
    assert search("union votes").counts["post"] == 1
    post.delete()
    assert search("union").counts["post"] == 0
    assert not PostText.objects.exists()


def test_a_reply_that_renumbers_the_tree_rewrites_no_index_row(a_post):
    top = make_comment(post=a_post, body="Top of the conversation")
    make_comment(post=a_post, parent=top, body="First reply")
    with connection.cursor() as cursor:
        cursor.execute("SELECT total_changes()")
        before = cursor.fetchone()[0]
        # django-mptt moves lft/rght of the rows after the new reply: an UPDATE without body.
        Comment.objects.filter(tree_id=top.tree_id).update(rght=999)
        cursor.execute("SELECT total_changes()")
        changed = cursor.fetchone()[0] - before

    assert changed == 2  # the two comment rows, and no FTS5 row through a trigger


def test_triggers_lost_when_a_migration_rebuilds_a_table_come_back_with_the_index_rebuilt(
    a_post,
):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER forum_comment_fts_insert")
    unindexed = make_comment(post=a_post, body="Written while the trigger was missing")
    assert search("missing").counts["comment"] == 0

    call_command("migrate", verbosity=0)

    assert not sqlite_fulltext.missing_triggers(connection)
    assert search("missing").counts["comment"] == 1
    assert [c.pk for c in search("missing").comments[0:20]] == [unindexed.pk]


def test_searching_reads_the_fts5_indexes_and_never_scans_the_comments(a_published_comment, client):
    make_post(title="Burn-out in the north")
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("forum:search"), {"q": "burn"}).content.decode()
    assert "1 post and 1 comment match" in html

    searching = [q["sql"] for q in captured.captured_queries if "_fts" in q["sql"]]
    assert len(searching) == 5
    with connection.cursor() as cursor:
        for sql in searching:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert "VIRTUAL TABLE INDEX" in plan, plan
            assert "SCAN forum_comment " not in plan + " ", plan


def test_a_comment_about_the_subject_ranks_above_one_that_mentions_it(a_post, client):
    passing = make_comment(
        post=a_post, body="Lots to say about pay, pensions, offices, courts, and caseloads."
    )
    about = make_comment(post=a_post, body="Caseloads, caseloads, caseloads.")

    html = client.get(reverse("forum:search"), {"q": "caseloads"}).content.decode()

    assert html.index(f"/comments/{about.pk}/") < html.index(f"/comments/{passing.pk}/")
