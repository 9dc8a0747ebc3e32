"""Every change of a comment's state, in one table: from which states, to which, and who may.

Each service that changes a status (screening a new comment, importing, a moderator's
decision or undo, readers' reports, the author's Delete) names a move from MOVES and calls
`change()`, which makes the move only if the comment is still in a state the move starts from
and the actor is one the move allows: a conditional UPDATE, so two racing writers make it once.
"""

import enum
from dataclasses import dataclass

from forum.models import Comment

# The state of a comment that is not stored yet: where screening and the importer start.
NEW = ""


class Actor(enum.StrEnum):
    MODERATOR = "moderator"
    READERS = "readers"
    AUTHOR = "author"
    IMPORTER = "importer"
    SYSTEM = "system"


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    # None: the status stays as it is (a correction of the text).
    target: str | None
    actors: frozenset[Actor]


def _move(sources, target, *actors) -> Move:
    return Move(frozenset(sources), target, frozenset(actors))


_DECIDED = {Comment.Status.PUBLISHED, Comment.Status.REJECTED, Comment.Status.SPAM}
_MODERATOR, _SYSTEM = Actor.MODERATOR, Actor.SYSTEM
MOVES: dict[str, Move] = {
    # A new comment, as screening decides it or as a capture of the blog holds it.
    "publish": _move({NEW}, Comment.Status.PUBLISHED, _SYSTEM, Actor.IMPORTER),
    "hold": _move({NEW}, Comment.Status.PENDING, _SYSTEM),
    "refuse_as_spam": _move({NEW}, Comment.Status.SPAM, _SYSTEM),
    "import_removed": _move({NEW}, Comment.Status.REMOVED, Actor.IMPORTER),
    # A moderator's decisions. Rejecting or marking as spam a published comment is a take-down.
    "approve": _move({Comment.Status.PENDING}, Comment.Status.PUBLISHED, _MODERATOR),
    "reject": _move(
        {Comment.Status.PENDING, Comment.Status.PUBLISHED}, Comment.Status.REJECTED, _MODERATOR
    ),
    "spam": _move(
        {Comment.Status.PENDING, Comment.Status.PUBLISHED}, Comment.Status.SPAM, _MODERATOR
    ),
    "keep": _move(
        {Comment.Status.PENDING, Comment.Status.PUBLISHED}, Comment.Status.PUBLISHED, _MODERATOR
    ),
    "correct": _move(set(Comment.Status.values), None, _MODERATOR),
    # Undoing a moderator's decision is a moderator's move too.
    "reopen": _move(_DECIDED, Comment.Status.PENDING, _MODERATOR),
    "reinstate": _move(
        {Comment.Status.REJECTED, Comment.Status.SPAM}, Comment.Status.PUBLISHED, _MODERATOR
    ),
    # Readers' reports may only send a published comment back to the queue.
    "hide": _move({Comment.Status.PUBLISHED}, Comment.Status.PENDING, Actor.READERS),
    # The author's Delete never reaches what a moderator has decided against.
    "delete_own": _move(
        {Comment.Status.PENDING, Comment.Status.PUBLISHED}, Comment.Status.REMOVED, Actor.AUTHOR
    ),
}


class NotAllowed(Exception):
    """The move does not start from this state, or this actor may not make it."""


def permits(name: str, actor: Actor, source: str) -> bool:
    move = MOVES[name]
    return actor in move.actors and source in move.sources


def first_state(name: str, actor: Actor) -> str:
    """The status a new comment is stored with by this move; raises NotAllowed if it can't be."""
    if not permits(name, actor, NEW):
        raise NotAllowed(f"{actor} may not {name} a new comment")
    return MOVES[name].target


def move_between(source: str, target: str, actor: Actor) -> str | None:
    """The name of a move the actor may make from one state to another, if there is one."""
    for name, move in MOVES.items():
        if move.target == target and permits(name, actor, source):
            return name
    return None


@dataclass(frozen=True)
class Change:
    # The status read before the move (None: no such comment); whether the move was made.
    before: str | None
    made: bool
    post_id: int | None = None


def change(pk: int, name: str, *, actor: Actor, sources=None, **fields) -> Change:
    """Make a move on one comment if the table (and `sources`, if given) allow it from its state.

    Call inside a transaction: the caller writes its audit row in the same one.
    """
    move = MOVES[name]
    before, post_id = Comment.objects.filter(pk=pk).values_list("status", "post_id").first() or (
        None,
        None,
    )
    allowed = before is not None and permits(name, actor, before)
    if not allowed or (sources is not None and before not in sources):
        return Change(before, False, post_id)
    if move.target is not None:
        fields["status"] = move.target
    # The conditional update: only if nobody changed the comment's status since we read it.
    made = Comment.objects.filter(pk=pk, status=before).update(**fields)
    return Change(before, bool(made), post_id)
