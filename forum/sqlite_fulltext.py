"""Full-text search on SQLite, the embedded default: two FTS5 indexes kept in step by triggers.

- forum_comment_fts indexes forum_comment.body, which it reads back for its snippets (an FTS5
  "external content" table: the text is stored once, in forum_comment);
- forum_post_fts holds each post's title and its paragraphs joined into one text, since the
  paragraphs are stored as a JSON list.

Both use the Porter stemmer over Unicode words without diacritics, so "officers" finds
"officer" and "cafe" finds "café", as PostgreSQL's English configuration does.

Triggers on forum_comment and blogarchive_post write every insert, change and deletion through.
SQLite drops a table's triggers with the table, and Django's SQLite schema editor changes a
table by building a new one and dropping the old: `ensure()` runs after every migrate (forum's
AppConfig) and puts back whatever is missing, rebuilding the indexes if it had to.
"""

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import RawSQL

from forum.models import Comment

TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"
POST_TEXT = "(SELECT group_concat(value, ' ') FROM json_each({row}.paragraphs))"

TABLES = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS forum_comment_fts USING fts5("
    f"body, content='forum_comment', content_rowid='id', {TOKENIZE})",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS forum_post_fts USING fts5(title, body, {TOKENIZE})",
]

_COMMENT_OUT = (
    "INSERT INTO forum_comment_fts(forum_comment_fts, rowid, body) "
    "VALUES ('delete', old.id, old.body);"
)
_COMMENT_IN = "INSERT INTO forum_comment_fts(rowid, body) VALUES (new.id, new.body);"
_POST_OUT = "DELETE FROM forum_post_fts WHERE rowid = old.id;"
_POST_IN = (
    "INSERT INTO forum_post_fts(rowid, title, body) "
    f"VALUES (new.id, new.title, {POST_TEXT.format(row='new')});"
)

TRIGGERS = {
    "forum_comment_fts_insert": f"AFTER INSERT ON forum_comment BEGIN {_COMMENT_IN} END",
    "forum_comment_fts_delete": f"AFTER DELETE ON forum_comment BEGIN {_COMMENT_OUT} END",
    # Only a changed body: a reply renumbers lft/rght of many rows, which must cost nothing here.
    "forum_comment_fts_update": (
        "AFTER UPDATE OF body ON forum_comment WHEN old.body IS NOT new.body "
        f"BEGIN {_COMMENT_OUT} {_COMMENT_IN} END"
    ),
    "forum_post_fts_insert": f"AFTER INSERT ON blogarchive_post BEGIN {_POST_IN} END",
    "forum_post_fts_delete": f"AFTER DELETE ON blogarchive_post BEGIN {_POST_OUT} END",
    "forum_post_fts_update": (
        f"AFTER UPDATE OF title, paragraphs ON blogarchive_post BEGIN {_POST_OUT} {_POST_IN} END"
    ),
}

REBUILD = [
    "INSERT INTO forum_comment_fts(forum_comment_fts) VALUES ('rebuild')",
    "DELETE FROM forum_post_fts",
    "INSERT INTO forum_post_fts(rowid, title, body) "
    f"SELECT id, title, {POST_TEXT.format(row='blogarchive_post')} FROM blogarchive_post",
]

DROP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    "DROP TABLE IF EXISTS forum_post_fts",
    "DROP TABLE IF EXISTS forum_comment_fts",
]


def missing_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return set(TRIGGERS) - {name for (name,) in cursor.fetchall()}


def ensure(connection: BaseDatabaseWrapper) -> bool:
    """Create what is missing of the indexes and their triggers; True if it had to."""
    if connection.vendor != "sqlite" or not _tables_exist(connection):
        return False
    missing = missing_triggers(connection)
    with connection.cursor() as cursor:
        for statement in TABLES:
            cursor.execute(statement)
        for name in missing:
            cursor.execute(f"CREATE TRIGGER {name} {TRIGGERS[name]}")
        if missing:
            # Whatever was written while a trigger was missing is not indexed: start afresh.
            for statement in REBUILD:
                cursor.execute(statement)
    return bool(missing)


def _tables_exist(connection: BaseDatabaseWrapper) -> bool:
    """Whether the tables the indexes follow are there (they are once forum is migrated)."""
    names = set(connection.introspection.table_names())
    return {"forum_comment", "blogarchive_post"} <= names


class RankedComments:
    """The published comments matching an FTS5 query, best first, as forum.search.Results
    counts and slices them.

    Three statements a page, each driven from the index: the ids of the page's comments by
    bm25; their snippets; the comments with their posts. One statement joining forum_comment
    row by row to every match would read each matching comment's row (tens of thousands for a
    common word), and SQLite computes a snippet for every row it sorts, not just the page's.
    """

    def __init__(self, terms: str, marks: tuple[str, str]):
        self.terms, self.marks = terms, marks

    def _matching_ids(self) -> RawSQL:
        return RawSQL(
            "SELECT rowid FROM forum_comment_fts WHERE forum_comment_fts MATCH %s", [self.terms]
        )

    def count(self) -> int:
        return Comment.objects.published().filter(pk__in=self._matching_ids()).count()

    def __getitem__(self, window: slice) -> list[Comment]:
        ids = self._ranked_ids(window.start or 0, window.stop - (window.start or 0))
        snippets = self._snippets(ids)
        comments = (
            Comment.objects.select_related("post")
            .only("author_name", "created", "post__title", "post__slug", "post__published")
            .in_bulk(ids)
        )
        for pk, comment in comments.items():
            comment.excerpt = snippets.get(pk, "")
        return [comments[pk] for pk in ids if pk in comments]

    def _ranked_ids(self, offset: int, limit: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM forum_comment_fts WHERE forum_comment_fts MATCH %s"
                # "+rowid": a plain rowid IN (...) is handed to FTS5, which then runs the
                # whole query once per published comment (seconds); this way it runs once.
                " AND +rowid IN (SELECT id FROM forum_comment WHERE status = %s)"
                " ORDER BY bm25(forum_comment_fts), rowid DESC LIMIT %s OFFSET %s",
                [self.terms, Comment.Status.PUBLISHED, limit, offset],
            )
            return [pk for (pk,) in cursor.fetchall()]

    def _snippets(self, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, snippet(forum_comment_fts, 0, %s, %s, '…', 45)"
                " FROM forum_comment_fts WHERE forum_comment_fts MATCH %s"
                f" AND rowid IN ({', '.join(['%s'] * len(ids))})",
                [*self.marks, self.terms, *ids],
            )
            return dict(cursor.fetchall())
