"""Move the comments' full-text search document out of forum_comment, on PostgreSQL.

A reply makes django-mptt renumber lft/rght of every later row in its tree. Those columns are
indexed, so each such UPDATE is a non-HOT update that adds an entry to every index of the row,
and the GIN index of migration 0003 computed to_tsvector(body) again for each of them: most of the
time a reply into a big conversation took. The document now sits in forum_commentsearch, which a
tree move never touches, and the database keeps it in step with triggers:

- after each INSERT statement, one INSERT…SELECT over the statement's new rows (a transition
  table), so the importer's bulk inserts cost one statement each, not a function call per row;
- after an UPDATE that changes a body, the row's document again (rare: a moderator's correction);
- ON DELETE CASCADE removes the document with its comment.

The table holds every comment, whatever its status: a comment is published or hidden by an UPDATE
of status, which then needs no trigger, and forum.search joins to the published ones. SQLite has
no full-text search, hence no table (forum.models.CommentSearch.Meta.required_db_vendor).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

from forum.migrations._postgresql import PostgreSQLOnly

# Exactly the document 0003's comment_search indexed; forum.search ranks by it.
DOCUMENT = "to_tsvector('english'::regconfig, COALESCE({body}, ''))"

CREATE_TABLE = """
CREATE TABLE forum_commentsearch (
    comment_id bigint PRIMARY KEY REFERENCES forum_comment (id) ON DELETE CASCADE,
    document tsvector NOT NULL
)
"""

# Before the table is filled: creating a trigger locks out writers to forum_comment until this
# migration commits, so a comment written meanwhile waits and is then caught by the trigger.
CREATE_TRIGGERS = f"""
CREATE FUNCTION forum_comment_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO forum_commentsearch (comment_id, document)
    SELECT id, {DOCUMENT.format(body="body")} FROM inserted;
    RETURN NULL;
END
$$;
CREATE TRIGGER comment_search_insert
    AFTER INSERT ON forum_comment
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION forum_comment_search_insert();

CREATE FUNCTION forum_comment_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE forum_commentsearch SET document = {DOCUMENT.format(body="NEW.body")}
    WHERE comment_id = NEW.id;
    RETURN NULL;
END
$$;
-- Django's save() without update_fields lists every column: only a changed body counts.
CREATE TRIGGER comment_search_update
    AFTER UPDATE OF body ON forum_comment
    FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body)
    EXECUTE FUNCTION forum_comment_search_update();
"""

DROP_TRIGGERS = """
DROP TRIGGER comment_search_update ON forum_comment;
DROP FUNCTION forum_comment_search_update();
DROP TRIGGER comment_search_insert ON forum_comment;
DROP FUNCTION forum_comment_search_insert();
"""

FILL = (
    "INSERT INTO forum_commentsearch (comment_id, document)"
    f" SELECT id, {DOCUMENT.format(body='body')} FROM forum_comment"
)

# After filling: building a GIN index once is much faster than growing it row by row.
CREATE_INDEX = "CREATE INDEX comment_search_document ON forum_commentsearch USING gin (document)"

OLD_INDEX = (
    f"CREATE INDEX comment_search ON forum_comment USING gin ({DOCUMENT.format(body='body')})"
    " WHERE status = 'approved'"
)


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0004_moderation_queue_indexes"),
    ]

    operations = [
        # Django's own DDL could not say ON DELETE CASCADE: the table is written out by hand,
        # and the model state below describes it.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                PostgreSQLOnly(CREATE_TABLE, "DROP TABLE forum_commentsearch"),
                PostgreSQLOnly(CREATE_TRIGGERS, DROP_TRIGGERS),
                PostgreSQLOnly(FILL, migrations.RunSQL.noop),
                PostgreSQLOnly(CREATE_INDEX, "DROP INDEX comment_search_document"),
                PostgreSQLOnly("DROP INDEX comment_search", OLD_INDEX),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="CommentSearch",
                    fields=[
                        (
                            "comment",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                primary_key=True,
                                related_name="search",
                                serialize=False,
                                to="forum.comment",
                            ),
                        ),
                        ("document", django.contrib.postgres.search.SearchVectorField()),
                    ],
                    options={
                        "verbose_name": "comment search document",
                        "verbose_name_plural": "comment search documents",
                        "required_db_vendor": "postgresql",
                        "indexes": [
                            django.contrib.postgres.indexes.GinIndex(
                                fields=["document"], name="comment_search_document"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
