"""Write a synthetic archive as captured Blogger pages, in the layout of data/seeds/*.txt.

A page is the date line, the title, one line per paragraph, "N comments:" and the numbered
thread: comments at indentation 2 closed by "ReplyDelete", their replies under "Replies" at 4
closed by "Delete" (Blogger's pages nest one level deep). A named comment opens with the
author's stamp ("Probation Officer21 December 2015 at 10:55"); the others are anonymous.
"""

import hashlib
import random
from pathlib import Path
from zoneinfo import ZoneInfo

from bench import shapes

LONDON = ZoneInfo("Europe/London")
BUSIEST = 600  # comments on the busiest post; every archive has one, so peak memory compares
REMOVED = {
    "author": "This comment has been removed by the author.",
    "admin": "This comment has been removed by a blog administrator.",
}


def fingerprint() -> str:
    """Changes with the code that writes archives, so that a stale written one is not reused."""
    sources = [Path(__file__), Path(shapes.__file__)]
    return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:8]


def comment_counts(posts: int, *, seed: int = 3) -> list[int]:
    """Most posts draw a few dozen comments, some hundreds."""
    rng = random.Random(seed)
    counts = [min(int(rng.lognormvariate(2.7, 1.0)), BUSIEST) for _ in range(posts)]
    counts[min(7, posts - 1)] = BUSIEST
    return counts


def write(directory: Path, posts: int) -> int:
    """Write `posts` pages into directory; the number of comments they hold."""
    directory.mkdir(parents=True, exist_ok=True)
    total = 0
    for i, (post, n) in enumerate(zip(shapes.posts(posts), comment_counts(posts), strict=True)):
        roots = shapes.thread(n, seed=10_000 + i, max_level=1)
        (directory / f"{i:05d}.txt").write_text(page(post, roots), encoding="utf-8")
        total += n
    return total


def page(post: shapes.PostText, roots: list[shapes.Node]) -> str:
    day = post.published
    lines = [f"{day:%A}, {day.day} {day:%B %Y}", "", post.title, ""]
    for paragraph in post.paragraphs:
        lines += [paragraph.replace("\n\n", " "), ""]
    lines += [f"{shapes.count(roots)} comments:", ""]
    for number, root in enumerate(roots, start=1):
        lines += _comment(f"  {number}. ", root, 4, "ReplyDelete")
        if root.replies:
            lines.append("    Replies")
            for reply_number, reply in enumerate(root.replies, start=1):
                lines += _comment(f"    {reply_number}. ", reply, 6, "Delete")
    return "\n".join(lines) + "\n"


def _comment(prefix: str, node: shapes.Node, indent: int, closer: str) -> list[str]:
    text = REMOVED[node.removed] if node.removed else node.body
    body = [line for part in text.split("\n\n") for line in (part, "")][:-1]
    if node.author and not node.removed:
        when = node.created.astimezone(LONDON)
        body = [f"{node.author}{when.day} {when:%B %Y} at {when:%H:%M}", "", *body]
    margin = " " * indent
    return [
        prefix + body[0],
        *(margin + line if line else "" for line in body[1:]),
        "",
        margin + closer,
    ]
