"""Write a synthetic Blogger backup (Takeout's feed.atom, the current schema) of a given size.

The same posts and thread shapes as the text archive (bench.archive, bench.shapes), scaled to
the number of comments asked for, with replies up to three deep, named and anonymous authors,
and Blogger's own deleted comments; written a post at a time, so a big one costs no memory.
"""

import hashlib
from datetime import UTC
from pathlib import Path
from xml.sax.saxutils import escape

from bench import archive, shapes

BLOG = "tag:blogger.com,1999:blog-7000"


def fingerprint() -> str:
    """Changes with the code that writes backups, so that a stale written one is not reused."""
    sources = [Path(__file__), Path(shapes.__file__), Path(archive.__file__)]
    return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:8]


def comment_counts(posts: int, comments: int) -> list[int]:
    """The text archive's spread of comments over posts, scaled to `comments` in all."""
    counts = archive.comment_counts(posts)
    scaled = [n * comments // max(sum(counts), 1) for n in counts]
    for i in range(comments - sum(scaled)):
        scaled[i % posts] += 1
    return scaled


def write(path: Path, posts: int, comments: int) -> int:
    """Write the backup to path; the number of comments it holds."""
    ids = iter(range(10**17, 10**18))
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom' "
            f"xmlns:blogger='http://schemas.google.com/blogger/2018'><id>{BLOG}</id>\n"
        )
        pairs = zip(shapes.posts(posts), comment_counts(posts, comments), strict=True)
        for i, (post, n) in enumerate(pairs):
            post_id = next(ids)
            out.write(_post(post, post_id, i))
            roots = shapes.thread(n, seed=10_000 + i, max_level=3)
            _comments(out, roots, post_id, None, ids)
        out.write("</feed>\n")
    return comments


def _post(post: shapes.PostText, post_id: int, number: int) -> str:
    html = "".join(f"<p>{escape(p)}</p>" for p in post.paragraphs)
    published = f"{post.published:%Y-%m-%d}T10:{number % 60:02d}:00.000Z"
    return (
        f"<entry><id>{BLOG}.post-{post_id}</id><blogger:type>POST</blogger:type>"
        "<blogger:status>LIVE</blogger:status><author><name>On Probation</name>"
        f"<blogger:type>BLOGGER</blogger:type></author><title>{escape(post.title)}</title>"
        f"<content type='html'>{escape(html)}</content><published>{published}</published>"
        f"<category scheme='{BLOG}' term='Label {number % 40}'/>"
        f"<blogger:filename>/{post.published:%Y/%m}/post-{number}.html</blogger:filename>"
        "<blogger:trashed></blogger:trashed></entry>\n"
    )


def _comments(out, nodes: list[shapes.Node], post_id: int, parent: int | None, ids) -> None:
    for node in nodes:
        comment_id = next(ids)
        answered = f"{BLOG}.post-{parent}" if parent else ""
        kind = "BLOGGER" if node.author else "ANONYMOUS"
        html = escape(node.body).replace("\n", "<br />")
        out.write(
            f"<entry><id>{BLOG}.post-{comment_id}</id>"
            f"<blogger:parent>{BLOG}.post-{post_id}</blogger:parent>"
            f"<blogger:inReplyTo>{answered}</blogger:inReplyTo><blogger:type>COMMENT</blogger:type>"
            f"<blogger:status>{'DELETED' if node.removed else 'LIVE'}</blogger:status>"
            f"<author><name>{escape(node.author or 'Anonymous')}</name>"
            f"<blogger:type>{kind}</blogger:type></author>"
            f"<content type='html'>{escape(html)}</content>"
            f"<published>{node.created.astimezone(UTC):%Y-%m-%dT%H:%M:%S}.000Z</published>"
            "<blogger:trashed></blogger:trashed></entry>\n"
        )
        _comments(out, node.replies, post_id, comment_id, ids)
