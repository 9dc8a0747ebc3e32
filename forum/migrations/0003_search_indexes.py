"""Full-text indexes for search on PostgreSQL: without them every search reads every post and
every comment. SQLite has no such index (its search is a plain LIKE), so there this does nothing.

Each indexed expression is exactly the one forum.search queries with; if either changes, change
both (tests/forum/test_search.py checks on PostgreSQL that the planner can use them).
"""

from django.db import migrations

from forum.migrations._postgresql import PostgreSQLOnly

POST_DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(jsonb_to_tsvector('english'::regconfig, paragraphs, '[\"string\"]'), 'B'))"
)
COMMENT_DOCUMENT = "to_tsvector('english'::regconfig, COALESCE(body, ''))"


class Migration(migrations.Migration):
    dependencies = [
        ("blogarchive", "0002_thread_version"),
        ("forum", "0002_cache_table"),
    ]

    operations = [
        PostgreSQLOnly(
            f"CREATE INDEX post_search ON blogarchive_post USING gin ({POST_DOCUMENT})",
            "DROP INDEX IF EXISTS post_search",
        ),
        # Only published comments are ever searched.
        PostgreSQLOnly(
            f"CREATE INDEX comment_search ON forum_comment USING gin ({COMMENT_DOCUMENT})"
            " WHERE status = 'approved'",
            "DROP INDEX IF EXISTS comment_search",
        ),
    ]
