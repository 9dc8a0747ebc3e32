"""Every write to the comment tree: a reader's comment, a reply, an imported thread.

django-mptt leaves locking to its caller. Two inserts that read the same tree numbers would
corrupt the tree, so each write here takes, inside its transaction:
- on PostgreSQL, a transaction-scoped advisory lock: one key per tree for a reply, and one key
  shared by everything that starts a new tree (top-level comments pick the next tree_id);
- on SQLite, nothing more: transactions begin IMMEDIATE (config.settings), so writers queue.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from blogarchive.models import Post
from forum import markup, pages, transitions
from forum.models import Comment
from forum.refusals import Refused
from moderation import screening

logger = logging.getLogger(__name__)

# The first key of every advisory lock this module takes, so it never meets anyone else's.
_LOCK_NAMESPACE = 0x0F0A
_NEW_TREE = 0


def _lock_tree(tree_id: int) -> None:
    """Hold the tree (or, for _NEW_TREE, the right to number a new tree) until commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, tree_id])


# The move in forum.transitions that stores a new comment with each status screening gives.
_SCREENED = {
    Comment.Status.PUBLISHED: "publish",
    Comment.Status.PENDING: "hold",
    Comment.Status.SPAM: "refuse_as_spam",
}


def submit_comment(
    *,
    post: Post,
    parent: Comment | None,
    author_name: str,
    body: str,
    commenter: str,
    browser: str = "",
    honeypot: str = "",
    submission: str = "",
) -> Comment:
    """Screen and store a reader's comment or reply; raises Refused when it is not accepted.

    A submission (forum.submissions) already stored, by an earlier attempt of the same form, is
    returned as it is. Locks: the parent's tree for a reply, the new-tree key for a top-level
    comment.
    """
    if submission and (stored := _submitted(submission)):
        return stored
    body = markup.normalise(body)
    body_html = markup.render(body)
    author_name = markup.one_line(author_name)
    try:
        verdict = screening.screen(
            post=post,
            author_name=author_name,
            body=body,
            body_html=body_html,
            commenter=commenter,
            honeypot=honeypot,
        )
    except Refused:
        # A retry racing its own first attempt is refused as a duplicate of it once that commits.
        if submission and (stored := _submitted(submission)):
            return stored
        raise
    comment = Comment(
        post=post,
        author_name=author_name,
        body=body,
        body_html=body_html,
        created=timezone.now(),
        status=transitions.first_state(_SCREENED[verdict.status], transitions.Actor.SYSTEM),
        hold_reason=verdict.reason,
        commenter=commenter,
        browser=browser,
        submission=submission,
    )
    return _store(comment, parent, verdict.after_commit)


def _submitted(submission: str) -> Comment | None:
    # The condition repeats the unique index's own, so that SQLite uses that partial index.
    return Comment.objects.filter(~Q(submission=""), submission=submission).first()


def _store(comment: Comment, parent: Comment | None, after_commit: Callable | None) -> Comment:
    """Insert the comment in a transaction, then run after_commit; what is stored, even if a
    step after COMMIT fails, or the same submission if another attempt stored it first."""
    committed = []
    try:
        with transaction.atomic():
            # The first hook to run after COMMIT, so that one failing later cannot hide the commit.
            transaction.on_commit(lambda: committed.append(True))
            _insert(comment, parent)
            if after_commit is not None:
                transaction.on_commit(after_commit)
    except Exception as error:
        if not committed:
            # Only the unique submission can clash here: the same form, stored by an attempt
            # that committed while this one waited for the tree's lock.
            clash = isinstance(error, IntegrityError) and comment.submission
            if clash and (stored := _submitted(comment.submission)):
                return stored
            raise
        # Stored: its author must be told so, and given the cookie that lets them see it.
        logger.error("comment %s is stored; a step after its commit failed: %r", comment.pk, error)
    return comment


def _insert(comment: Comment, parent: Comment | None) -> None:
    """Lock, then insert the comment in its tree."""
    _lock_tree(_NEW_TREE if parent is None else parent.tree_id)
    # Under the lock, django-mptt reads the parent's lft/rght again (refresh_target) before it
    # numbers the reply: they may have moved since the form was validated.
    comment.insert_at(parent, position="last-child", save=True, refresh_target=True)
    if comment.status == Comment.Status.PUBLISHED:
        pages.thread_changed(comment.post_id)


class ThreadNode(Protocol):
    """What import_thread needs of a comment: blogarchive.parsing.ParsedComment fits.

    A node may also carry `blogger_id` (its id on Blogger) and `key` (the import_key of the
    stored comment it is known to be, when that is not its place in the thread).
    """

    author: str | None
    created: datetime | None
    body: str
    removed: str | None
    replies: Sequence["ThreadNode"]


@dataclass
class ImportReport:
    created: int = 0
    existing: int = 0
    completed: int = 0


@dataclass(frozen=True)
class _Stored:
    pk: int
    tree_id: int
    blogger_id: str
    created: datetime | None


def import_thread(
    *,
    post: Post,
    roots: Sequence[ThreadNode],
    new_post: bool = False,
    render: Callable[[str], str] = markup.render,
) -> ImportReport:
    """Store a captured thread as published comments; those already imported are left alone.

    Keys: "12" for the twelfth top-level comment, "12.3" for its third reply, unless a node
    brings its own. New threads go in with one bulk insert per depth, their tree numbers
    computed here; a new reply under an already-imported comment goes through the ordinary tree
    insert. A stored comment that a node with a Blogger id matches is completed: it takes that
    id and the node's exact time. new_post says the post was created in this transaction: it
    has no comments to look for and no cached thread to expire. render makes a body's HTML
    (the importer passes what it rendered ahead, in another process).
    """
    report = ImportReport()
    existing: dict[str, _Stored] = {}
    if not new_post:
        rows = Comment.objects.filter(post=post).exclude(import_key="")
        existing = {
            row[0]: _Stored(*row[1:])
            for row in rows.values_list("import_key", "pk", "tree_id", "blogger_id", "created")
        }
    new_roots, completed = [], []
    for position, root in enumerate(roots, start=1):
        key = getattr(root, "key", None) or str(position)
        if key in existing:
            _import_missing_replies(post, root, key, existing, report, render, completed)
        else:
            new_roots.append((key, root))
    if new_roots:
        report.created += _bulk_insert_trees(post, new_roots, render)
    if completed:
        Comment.objects.bulk_update(completed, ["blogger_id", "created"], batch_size=500)
        report.completed += len(completed)
    if (report.created or completed) and not new_post:
        pages.thread_changed(post.pk)
    return report


def _import_missing_replies(post, node, key, existing, report, render, completed) -> None:
    """Walk an already-imported comment, complete it, and insert any reply the database lacks."""
    report.existing += 1
    _complete(existing[key], node, completed)
    for position, reply in enumerate(node.replies, start=1):
        reply_key = getattr(reply, "key", None) or f"{key}.{position}"
        if reply_key in existing:
            _import_missing_replies(post, reply, reply_key, existing, report, render, completed)
            continue
        _lock_tree(existing[key].tree_id)
        comment = _imported_comment(post, reply, reply_key, render)
        # Read the parent under the lock: its lft/rght may have moved since it was listed.
        comment.insert_at(
            Comment.objects.get(pk=existing[key].pk), position="last-child", save=True
        )
        existing[reply_key] = _Stored(comment.pk, comment.tree_id, comment.blogger_id, None)
        report.created += 1
        _import_missing_replies(post, reply, reply_key, existing, report, render, completed)


def _complete(stored: _Stored, node, completed: list[Comment]) -> None:
    """Give a stored comment the Blogger id and exact time a node brings, if it lacks them."""
    blogger_id = getattr(node, "blogger_id", "")
    if not blogger_id or (stored.blogger_id == blogger_id and stored.created == node.created):
        return
    completed.append(
        Comment(pk=stored.pk, blogger_id=blogger_id, created=node.created or stored.created)
    )


def _imported_comment(post: Post, node: ThreadNode, key: str, render) -> Comment:
    removed, move = Comment.RemovedBy.NOBODY, "publish"
    if node.removed:
        removed = (
            Comment.RemovedBy.AUTHOR if node.removed == "author" else Comment.RemovedBy.MODERATOR
        )
        move = "import_removed"
    # Cleaned as a reader's comment is; render() cleans the body it is given the same way.
    return Comment(
        post=post,
        author_name=markup.one_line(node.author or ""),
        body=markup.normalise(node.body),
        body_html=render(node.body),
        created=node.created,
        status=transitions.first_state(move, transitions.Actor.IMPORTER),
        removed_by=removed,
        import_key=key,
        blogger_id=getattr(node, "blogger_id", ""),
    )


def _bulk_insert_trees(post: Post, roots: Iterable[tuple[str, ThreadNode]], render) -> int:
    """Insert whole new trees, numbering lft/rght by a walk instead of per-row updates."""
    next_tree = _lock_new_trees()
    by_depth: list[list[tuple[Comment, Comment | None]]] = []
    for offset, (key, root) in enumerate(roots):
        _number_tree(post, root, key, next_tree + offset, by_depth, render)
    for level in by_depth:
        for comment, parent in level:
            comment.parent_id = parent.pk if parent else None
        Comment.objects.bulk_create([comment for comment, _ in level], batch_size=500)
    return sum(len(level) for level in by_depth)


def _lock_new_trees() -> int:
    """Hold the right to number new trees until commit; the first tree_id free."""
    if connection.vendor != "postgresql":
        return (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
    # The lock and the read in one round trip, one per imported page. The MAX is a statement
    # of its own, so (READ COMMITTED) its snapshot is taken once the lock is held and sees
    # every tree committed before. Two statements in one execute need client-side binding,
    # which psycopg2 always does.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s); SELECT MAX(tree_id) FROM forum_comment",
            [_LOCK_NAMESPACE, _NEW_TREE],
        )
        return (cursor.fetchone()[0] or 0) + 1


def _number_tree(post, root, key, tree_id, by_depth, render) -> None:
    """Give every comment of one tree its MPTT numbers, depth first, as the page lists them."""
    counter = 0
    stack: list[tuple[ThreadNode, str, Comment | None, int, bool]] = [(root, key, None, 0, False)]
    made: dict[int, Comment] = {}
    while stack:
        node, node_key, parent, depth, closing = stack.pop()
        counter += 1
        if closing:
            made[id(node)].rght = counter
            continue
        comment = _imported_comment(post, node, node_key, render)
        comment.tree_id, comment.level, comment.lft = tree_id, depth, counter
        made[id(node)] = comment
        while len(by_depth) <= depth:
            by_depth.append([])
        by_depth[depth].append((comment, parent))
        stack.append((node, node_key, parent, depth, True))
        for position in range(len(node.replies), 0, -1):
            child = node.replies[position - 1]
            child_key = getattr(child, "key", None) or f"{node_key}.{position}"
            stack.append((child, child_key, comment, depth + 1, False))
