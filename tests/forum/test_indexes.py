"""The comment table's indexes: none that a reply's renumbering would have to rewrite."""

import pytest
from django.db import connection

from forum.models import Comment
from tests.factories import make_comment


def comment_indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Comment._meta.db_table)
    return {name: info["columns"] for name, info in constraints.items() if info["index"]}


@pytest.mark.django_db
def test_no_index_holds_the_tree_numbers_a_reply_renumbers():
    indexed = {column for columns in comment_indexes().values() for column in columns}

    assert not indexed & {"lft", "rght"}
    assert {"tree_id", "post_id", "commenter", "parent_id"} <= indexed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="fillfactor is PostgreSQL's")
@pytest.mark.django_db
def test_comment_pages_keep_room_for_renumbered_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'forum_comment'")
        (options,) = cursor.fetchone()

    assert "fillfactor=80" in options


def test_a_conversation_still_reads_in_tree_order(a_post):
    first = make_comment(post=a_post, body="First")
    make_comment(post=a_post, body="Second")
    reply = make_comment(post=a_post, parent=first, body="Reply to the first")
    make_comment(post=a_post, parent=first, body="Another reply")
    make_comment(post=a_post, parent=reply, body="Deeper")

    order = list(a_post.comments.in_thread_order().values_list("body", flat=True))

    assert order == ["First", "Reply to the first", "Deeper", "Another reply", "Second"]
