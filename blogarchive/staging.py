"""Hold a backup's entries on disk while it is read, check its threads, and give them back a
post at a time; no Django.

A backup lists posts and comments in any order, and a post's comments may come anywhere in the
file: they are kept in a throwaway SQLite file (not in memory, which would grow with the file),
checked there with a few queries before anything is written, and read back thread by thread.
"""

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from blogarchive.blogger import Entry, Refused
from blogarchive.bloggerhtml import comment_body

_SCHEMA = """
CREATE TABLE post (
    seq INTEGER PRIMARY KEY, id TEXT UNIQUE, kind TEXT, live INTEGER, path TEXT, line INTEGER,
    data TEXT
);
CREATE TABLE comment (
    seq INTEGER PRIMARY KEY, id TEXT UNIQUE, post_id TEXT, reply_to TEXT, line INTEGER, data TEXT
);
"""
# Blogger itself nests replies one level deep; this leaves room and keeps recursion bounded.
MAX_DEPTH = 200
_INDEXES = """
CREATE INDEX comment_post ON comment (post_id);
CREATE INDEX comment_reply_to ON comment (reply_to);
CREATE INDEX post_path ON post (path);
"""
# Each hostile reference, found by one query: (query, message).
_CHECKS = [
    (
        "SELECT p.line, p.id, p.path FROM post p JOIN post q ON q.path = p.path AND q.seq < p.seq"
        " WHERE p.live AND q.live AND p.path != ''",
        "post {1} has the address {2} of another post",
    ),
    (
        "SELECT line, id FROM comment WHERE reply_to = id",
        "comment {1} answers itself",
    ),
    (
        "SELECT c.line, c.id FROM comment c JOIN comment p ON p.id = c.reply_to"
        " WHERE p.post_id != c.post_id",
        "comment {1} answers a comment on another post",
    ),
    (
        "SELECT c.line, c.id FROM comment c JOIN post p ON p.id = c.reply_to",
        "comment {1} answers a post where a comment belongs",
    ),
    (
        "SELECT c.line, c.id FROM comment c JOIN comment p ON p.id = c.post_id",
        "comment {1} names a comment as its post",
    ),
    (
        # Every comment reachable from a top-level one; those left over answer in a cycle.
        "WITH RECURSIVE reached(id) AS ("
        " SELECT id FROM comment WHERE reply_to = ''"
        " OR reply_to NOT IN (SELECT id FROM comment)"
        " UNION SELECT c.id FROM comment c JOIN reached r ON c.reply_to = r.id)"
        " SELECT line, id FROM comment WHERE id NOT IN (SELECT id FROM reached) ORDER BY seq",
        "comment {1} answers in a cycle (each of its comments answers another of them)",
    ),
    (
        f"WITH RECURSIVE depth(id, level) AS ("
        f" SELECT id, 1 FROM comment WHERE reply_to = ''"
        f" OR reply_to NOT IN (SELECT id FROM comment)"
        f" UNION ALL SELECT c.id, d.level + 1 FROM comment c JOIN depth d ON c.reply_to = d.id"
        f" WHERE d.level <= {MAX_DEPTH})"
        f" SELECT c.line, c.id FROM comment c JOIN depth d ON d.id = c.id"
        f" WHERE d.level > {MAX_DEPTH}",
        f"comment {{1}} is more than {MAX_DEPTH} replies deep",
    ),
]


@dataclass
class Node:
    """A comment as forum.services.import_thread takes it, with its Blogger id."""

    author: str | None
    created: datetime | None
    body: str
    removed: str | None
    blogger_id: str
    replies: list["Node"] = field(default_factory=list)
    key: str | None = None  # its import_key when it matches a comment already stored
    live: bool = True


@dataclass
class Counts:
    posts: int = 0
    drafts: int = 0
    pages: int = 0
    comments: int = 0
    others: int = 0


class Staging:
    """A backup's entries in a SQLite file in folder."""

    def __init__(self, folder: Path, *, create: bool = True):
        self.path = folder / "staging.sqlite3"
        self.db = sqlite3.connect(self.path, isolation_level=None)
        if create:
            self.db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
        self.counts = Counts()

    def close(self) -> None:
        self.db.close()

    def load(self, entries: Iterable[Entry]) -> None:
        """Store every entry; refuse the file on an id seen twice or a hostile reference."""
        db = self.db
        db.execute("BEGIN")
        for entry in entries:
            try:
                self._store(entry)
            except sqlite3.IntegrityError:
                raise Refused(entry.line, f"the id {entry.id} appears twice") from None
        db.execute("COMMIT")
        db.executescript(_INDEXES)
        for query, message in _CHECKS:
            if row := db.execute(query + " LIMIT 1").fetchone():
                raise Refused(row[0], message.format(*row))

    def _store(self, entry: Entry) -> None:
        counts = self.counts
        if entry.kind == "comment":
            counts.comments += 1
            data = [entry.line, _iso(entry.published), entry.author, entry.status, entry.html]
            self.db.execute(
                "INSERT INTO comment (id, post_id, reply_to, line, data) VALUES (?, ?, ?, ?, ?)",
                (entry.id, entry.post_id, entry.reply_to, entry.line, json.dumps(data)),
            )
        elif entry.kind in {"post", "page"}:
            live = entry.kind == "post" and entry.status == "live"
            counts.posts += live
            counts.drafts += entry.kind == "post" and not live
            counts.pages += entry.kind == "page"
            data = [entry.line, _iso(entry.published), entry.title, entry.html, entry.labels]
            self.db.execute(
                "INSERT INTO post (id, kind, live, path, line, data) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    entry.id,
                    entry.kind,
                    live,
                    entry.path,
                    entry.line,
                    json.dumps([*data, entry.path]),
                ),
            )
        else:
            counts.others += 1

    def post_ids(self) -> list[str]:
        """The ids of the live posts, in file order."""
        return [row[0] for row in self.db.execute("SELECT id FROM post WHERE live ORDER BY seq")]

    def posts(self) -> Iterator["StagedPost"]:
        """Each live post, in file order."""
        rows = self.db.execute("SELECT id, data FROM post WHERE live ORDER BY seq")
        for post_id, data in rows:
            line, published, title, _html, labels, path = json.loads(data)
            yield StagedPost(post_id, line, _time(published), title, labels, path)

    def post_html(self, post_id: str) -> str:
        """The post's text as the backup gives it, HTML."""
        (data,) = self.db.execute("SELECT data FROM post WHERE id = ?", (post_id,)).fetchone()
        return json.loads(data)[3]

    def thread(self, post_id: str) -> list[Node]:
        """The post's comments as trees, oldest first at each level; only what readers see.

        A live comment is shown; one deleted, trashed or never published is kept, as a
        placeholder, only while a reply below it is shown. A reply to a comment the backup
        lacks (Blogger drops some deleted ones) starts a conversation of its own.
        """
        rows = self.db.execute(
            "SELECT id, reply_to, data FROM comment WHERE post_id = ? ORDER BY seq", (post_id,)
        ).fetchall()
        nodes: dict[str, Node] = {}
        order: dict[str, tuple] = {}
        for comment_id, _reply_to, data in rows:
            line, published, author, status, html = json.loads(data)
            live = status == "live"
            nodes[comment_id] = Node(
                author=author or None,
                created=_time(published),
                body=comment_body(html),
                removed=None if live else "administrator",
                blogger_id=comment_id,
                live=live,
            )
            order[comment_id] = (published or "", line)
        roots: list[Node] = []
        for comment_id, reply_to, _data in rows:
            parent = nodes.get(reply_to)
            (parent.replies if parent else roots).append(nodes[comment_id])
        return _shown(sorted(roots, key=lambda n: order[n.blogger_id]), order)


def _shown(nodes: list[Node], order: dict[str, tuple]) -> list[Node]:
    """The nodes readers see, in order: live ones, and others with a live reply below."""
    kept = []
    for node in nodes:
        node.replies = _shown(sorted(node.replies, key=lambda n: order[n.blogger_id]), order)
        if node.live or node.replies:
            kept.append(node)
    return kept


@dataclass(frozen=True)
class StagedPost:
    id: str
    line: int
    published: datetime | None
    title: str
    labels: list[str]
    path: str


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
