"""What the page parser returns: frozen dataclasses, and the error for a broken page."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime


class ParseError(ValueError):
    """A page that breaks the expected layout, with the 1-based line at fault."""

    def __init__(self, line: int, message: str):
        super().__init__(f"{line}: {message}")
        self.line, self.message = line, message

    def __reduce__(self):
        return type(self), (self.line, self.message)


@dataclass(frozen=True)
class Doubt:
    """A line the parser read one way where the page allows another: a curator should check."""

    line: int
    message: str


@dataclass(frozen=True)
class ParsedComment:
    """One comment of a thread, with its replies."""

    line: int
    author: str | None
    created: datetime | None
    body: str
    removed: str | None
    replies: tuple["ParsedComment", ...]


@dataclass(frozen=True)
class ParsedPost:
    """One blog post with its comment thread."""

    line: int
    published: date
    title: str
    paragraphs: tuple[str, ...]
    comments: tuple[ParsedComment, ...]
    declared_comments: int | None

    @property
    def comment_count(self) -> int:
        """All comments of the post, replies included."""
        return count_comments(self.comments)


@dataclass(frozen=True)
class TitleDecision:
    """Whether a title-like line was taken as a post title, and why."""

    line: int
    text: str
    is_title: bool
    reason: str


@dataclass(frozen=True)
class ParsedPage:
    """The posts of a page, the title decisions behind them and the lines left in doubt."""

    posts: tuple[ParsedPost, ...]
    decisions: tuple[TitleDecision, ...]
    doubts: tuple[Doubt, ...] = ()


def count_comments(comments) -> int:
    """Number of comments in a forest, replies included."""
    return sum(1 + count_comments(c.replies) for c in comments)


def walk_comments(comments: Iterable[ParsedComment]) -> Iterator[ParsedComment]:
    """Every comment of a thread in page order, replies after the comment they answer."""
    for comment in comments:
        yield comment
        yield from walk_comments(comment.replies)
