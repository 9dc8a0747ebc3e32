"""Blogger backups in both schemas, built from a hand-written structure of posts and threads."""

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

BLOG = "tag:blogger.com,1999:blog-4242"
OLD_BLOG_URL = "http://onprobation.blogspot.com"


def comment(cid, published, body, *, author=None, status="LIVE", replies=()):
    return {
        "id": cid,
        "published": published,
        "body": body,
        "author": author,
        "status": status,
        "replies": list(replies),
    }


# The UK's clocks went back at 02:00 BST (01:00 UTC) on Sunday 26 October 2014.
STRUCTURE = [
    {
        "id": "1001",
        "title": "The Clocks Go Back",
        # 00:30 BST on the 26th: the post's day is the 26th in the UK, the 25th in UTC.
        "published": "2014-10-25T23:30:00Z",
        "path": "/2014/10/the-clocks-go-back.html",
        "labels": ["Omnishambles", "TR"],
        "status": "LIVE",
        "html": (
            '<div>Read <a href="https://example.org/report">the report</a> first.</div>'
            "<div>Then this &amp; that<br />and a second line.</div>"
        ),
        "paragraphs": [
            "Read the report (https://example.org/report) first.",
            "Then this & that",
            "and a second line.",
        ],
        "comments": [
            comment(
                "2001",
                "2014-10-26T00:59:59Z",
                "Last second of summer time.\nA second line.",
                replies=[
                    comment(
                        "2002",
                        "2014-10-26T01:00:01Z",
                        "First second of winter, <b>bold</b>.",
                        author="Probation Officer",
                        replies=[
                            comment(
                                "2003",
                                "2014-10-26T01:30:00Z",
                                "Third level & deeper.",
                                replies=[
                                    comment("2004", "2014-10-26T02:00:00Z", "Fourth level."),
                                ],
                            ),
                        ],
                    ),
                    comment("2005", "2014-10-26T03:00:00Z", "Another reply.", author="Jo"),
                ],
            ),
            comment(
                "2006",
                "2014-10-26T04:00:00Z",
                "Something the author took back.",
                author="Regretful",
                status="DELETED",
                replies=[comment("2007", "2014-10-26T05:00:00Z", "A reply that stays.")],
            ),
            comment("2008", "2014-10-26T06:00:00Z", "Deleted, no replies.", status="DELETED"),
            comment("2009", "2014-10-27T09:15:42Z", "Plain anonymous comment."),
        ],
    },
    {
        "id": "1002",
        "title": "Unfinished Thoughts",
        "published": "2014-10-28T10:00:00Z",
        "path": "/2014/10/unfinished-thoughts.html",
        "labels": ["Drafts"],
        "status": "DRAFT",
        "html": "<p>Not for readers.</p>",
        "paragraphs": ["Not for readers."],
        "comments": [],
    },
    {
        "id": "1003",
        "title": "Summer Again",
        "published": "2015-03-29T00:30:00Z",  # 00:30 GMT, half an hour before BST began
        "path": "/2015/03/summer-again.html",
        "labels": ["TR"],
        "status": "LIVE",
        "html": "<p>A short one.</p>",
        "paragraphs": ["A short one."],
        "comments": [
            comment("3001", "2015-03-29T01:00:00Z", "On the hour the clocks went forward."),
        ],
    },
]


def walk(comments):
    for node in comments:
        yield node
        yield from walk(node["replies"])


def what_readers_keep(structure):
    """The structure as the archive should hold it: live posts; live comments, and deleted
    ones only where a live reply hangs below."""

    def prune(comments):
        kept = []
        for node in comments:
            replies = prune(node["replies"])
            if node["status"] == "LIVE" or replies:
                kept.append({**node, "replies": replies})
        return kept

    return [
        {**post, "comments": prune(post["comments"])}
        for post in structure
        if post["status"] == "LIVE"
    ]


def without_deleted(structure):
    """The structure with deleted comments and their replies gone (the old schema has no
    word for deleted)."""

    def live(comments):
        return [{**c, "replies": live(c["replies"])} for c in comments if c["status"] == "LIVE"]

    return [{**post, "comments": live(post["comments"])} for post in structure]


def comment_html(body: str) -> str:
    # Bodies are written as the commenter typed them, with the tags Blogger allowed.
    return body.replace("&", "&amp;").replace("\n", "<br />")


def current_schema(structure) -> bytes:
    """The structure as a Takeout feed.atom (2018 schema)."""
    entries = []
    for post in structure:
        labels = "".join(f"<category scheme='{BLOG}' term={quoteattr(t)}/>" for t in post["labels"])
        entries.append(
            f"<entry><id>{BLOG}.post-{post['id']}</id><blogger:type>POST</blogger:type>"
            f"<blogger:status>{post['status']}</blogger:status>"
            "<author><name>Owner</name><uri></uri><blogger:type>BLOGGER</blogger:type></author>"
            f"<title>{escape(post['title'])}</title>"
            f"<content type='html'>{escape(post['html'])}</content>"
            f"<blogger:created>{post['published']}</blogger:created>"
            f"<published>{post['published']}</published><updated>{post['published']}</updated>"
            f"{labels}<blogger:filename>{post['path']}</blogger:filename>"
            "<blogger:trashed></blogger:trashed></entry>"
        )
        for node, parent in _with_parents(post["comments"], None):
            kind = "BLOGGER" if node["author"] else "ANONYMOUS"
            answered = f"{BLOG}.post-{parent}" if parent else ""
            entries.append(
                f"<entry><id>{BLOG}.post-{node['id']}</id>"
                f"<blogger:parent>{BLOG}.post-{post['id']}</blogger:parent>"
                f"<blogger:inReplyTo>{answered}</blogger:inReplyTo>"
                f"<blogger:type>COMMENT</blogger:type>"
                f"<blogger:status>{node['status']}</blogger:status>"
                f"<author><name>{escape(node['author'] or 'Anonymous')}</name>"
                f"<blogger:type>{kind}</blogger:type></author><title></title>"
                f"<content type='html'>{escape(comment_html(node['body']))}</content>"
                f"<published>{node['published']}</published><blogger:trashed/></entry>"
            )
    # Comments first, as a backup may list them: the importer must not depend on the order.
    entries.sort(key=lambda e: "COMMENT" not in e)
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:blogger='http://schemas.google.com/blogger/2018'>"
        f"<id>{BLOG}</id><title>On Probation</title>\n" + "\n".join(entries) + "\n</feed>\n"
    ).encode()


def old_schema(structure) -> bytes:
    """The structure as Blogger's older Atom export (kind categories, thr:in-reply-to)."""
    kind = "<category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#{}'/>"
    entries = [f"<entry><id>{BLOG}.settings.BLOG_NAME</id>{kind.format('settings')}</entry>"]
    for post in structure:
        labels = "".join(
            f"<category scheme='http://www.blogger.com/atom/ns#' term={quoteattr(t)}/>"
            for t in post["labels"]
        )
        draft = "<app:control><app:draft>yes</app:draft></app:control>"
        address = OLD_BLOG_URL + post["path"]
        entries.append(
            f"<entry><id>{BLOG}.post-{post['id']}</id><published>{post['published']}</published>"
            f"{kind.format('post')}{labels}<title type='text'>{escape(post['title'])}</title>"
            f"<content type='html'>{escape(post['html'])}</content>"
            f"<link rel='alternate' type='text/html' href='{address}'/>"
            f"<author><name>Owner</name></author>{draft if post['status'] == 'DRAFT' else ''}"
            "</entry>"
        )
        for node, parent in _with_parents(post["comments"], None):
            related = (
                f"<link rel='related' type='application/atom+xml' href='http://www.blogger.com"
                f"/feeds/4242/{post['id']}/comments/default/{parent}'/>"
                if parent
                else ""
            )
            entries.append(
                f"<entry><id>{BLOG}.post-{node['id']}</id>"
                f"<published>{node['published']}</published>{kind.format('comment')}"
                f"<content type='html'>{escape(comment_html(node['body']))}</content>{related}"
                f"<author><name>{escape(node['author'] or 'Anonymous')}</name></author>"
                f"<thr:in-reply-to href='{address}' ref='{BLOG}.post-{post['id']}'"
                " type='text/html'/></entry>"
            )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:thr='http://purl.org/syndication/thread/1.0' xmlns:app='http://purl.org/atom/app#'>"
        f"<id>{BLOG}.archive</id>\n" + "\n".join(entries) + "\n</feed>\n"
    ).encode()


def _with_parents(comments, parent):
    for node in comments:
        yield node, parent
        yield from _with_parents(node["replies"], node["id"])


def takeout_zip(feed: bytes, *, name="Takeout/Blogger/Blogs/On Probation/feed.atom") -> bytes:
    """A Takeout archive holding feed, beside the other files Takeout puts there."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Takeout/archive_browser.html", "<html>Takeout</html>")
        archive.writestr(name, feed)
        archive.writestr("Takeout/Blogger/Blogs/On Probation/theme-classic.html", "<html/>")
    return buffer.getvalue()
