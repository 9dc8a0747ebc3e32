"""Match a backup's thread to the comments a post already has, so that nothing is stored twice.

A comment first imported from a text capture has no Blogger id: it is found among the stored
replies of the same comment (or the post), in order, by its author and its words or its time
(a capture gives the minute, a backup the second). A removal stub matches a removed comment at
the same place. What matches takes the stored comment's key; what does not gets the next free
key under its parent, and forum.services.import_thread adds it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from blogarchive.bloggerhtml import fingerprint
from blogarchive.models import Post
from blogarchive.staging import Node
from forum.models import Comment


@dataclass(frozen=True)
class _Stored:
    pk: int
    parent_id: int | None
    import_key: str
    blogger_id: str
    author: str
    body: str
    created: datetime | None
    removed: bool


def assign_keys(post: Post, roots: list[Node]) -> None:
    """Set each node's key: the stored comment's it matches, or a free one."""
    rows = (
        Comment.objects.filter(post=post)
        .exclude(import_key="")
        .order_by("tree_id", "lft")
        .values_list(
            "pk",
            "parent_id",
            "import_key",
            "blogger_id",
            "author_name",
            "body",
            "created",
            "status",
        )
    )
    children: dict[int | None, list[_Stored]] = defaultdict(list)
    for *fields, status in rows:
        stored = _Stored(*fields, removed=status == Comment.Status.REMOVED)
        children[stored.parent_id].append(stored)
    _align(roots, children[None], children, "")


def _align(nodes: list[Node], stored: list[_Stored], children, prefix: str) -> None:
    by_id = {s.blogger_id: s for s in stored if s.blogger_id}
    used: set[int] = set()
    cursor = 0
    free = max((_position(s.import_key) for s in stored), default=0) + 1
    for node in nodes:
        match = by_id.get(node.blogger_id)
        if match is None:
            # In order from the last match first; then anywhere, should the orders differ.
            for index in [*range(cursor, len(stored)), *range(cursor)]:
                candidate = stored[index]
                if candidate.pk not in used and not candidate.blogger_id and _same(node, candidate):
                    match, cursor = candidate, index + 1
                    break
        if match is None:
            node.key = f"{prefix}.{free}" if prefix else str(free)
            free += 1
            continue
        used.add(match.pk)
        node.key = match.import_key
        _align(node.replies, children[match.pk], children, match.import_key)


def _same(node: Node, stored: _Stored) -> bool:
    if node.removed and stored.removed:
        return True
    if (node.author or "").casefold() != stored.author.casefold():
        return False
    if fingerprint(node.body) == fingerprint(stored.body):
        return True
    return _same_minute(node.created, stored.created)


def _same_minute(one: datetime | None, other: datetime | None) -> bool:
    """Whether two times fall in one minute: a capture's is the backup's, seconds dropped."""
    if one is None or other is None:
        return False
    return _minute(one) == _minute(other)


def _minute(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _position(key: str) -> int:
    last = key.rsplit(".", 1)[-1]
    return int(last) if last.isdigit() else 0
