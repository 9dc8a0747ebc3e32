"""Write the archive as a Blogger backup in the current (2018) schema, a post at a time.

What import_blog reads back, and the shape of Blogger's own Takeout `feed.atom` (see
blogarchive.blogger for the schema's sources): each published comment is LIVE; a removed or
rejected one is DELETED (its replies keep their place; with none, a reader of the backup drops
it); comments still waiting for a moderator are left out, as Blogger's public pages do. A post
or comment that never came from Blogger gets an id of its own, stable from one export to the
next and far above the ids Blogger gives.
"""

import datetime
from collections.abc import Iterator
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone

from blogarchive.bloggerhtml import body_html, paragraphs_html
from blogarchive.models import Post
from forum.models import Comment

BLOG_TITLE = "On Probation"
_OWN_POST_IDS = 10**19
_OWN_COMMENT_IDS = 2 * 10**19
_EXPORTED = {
    Comment.Status.PUBLISHED: "LIVE",
    Comment.Status.REMOVED: "DELETED",
    Comment.Status.REJECTED: "DELETED",
    Comment.Status.SPAM: "DELETED",
}


def write_backup(out, *, blog_id: str = "0") -> None:
    """Write the whole archive to out (a text stream) as one Atom feed."""
    tag = f"tag:blogger.com,1999:blog-{blog_id}"
    out.write(
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<feed xmlns='http://www.w3.org/2005/Atom'"
        " xmlns:blogger='http://schemas.google.com/blogger/2018'>\n"
        f"  <id>{tag}</id>\n  <title>{escape(BLOG_TITLE)}</title>\n"
    )
    posts = Post.objects.order_by("published", "id").prefetch_related("labels")
    for post in posts.iterator(chunk_size=200):
        out.write(_post_entry(post, tag))
        for entry in _comment_entries(post, tag):
            out.write(entry)
    out.write("</feed>\n")


def _post_entry(post: Post, tag: str) -> str:
    published = _time(post.published_at or _midnight(post.published))
    labels = "".join(
        f"    <category scheme={quoteattr(tag)} term={quoteattr(label.name)}/>\n"
        for label in post.labels.all()
    )
    path = post.old_path or f"/{post.published:%Y/%m}/{post.slug}.html"
    return (
        "  <entry>\n"
        f"    <id>{tag}.post-{post.blogger_id or _OWN_POST_IDS + post.pk}</id>\n"
        "    <blogger:type>POST</blogger:type>\n"
        "    <blogger:status>LIVE</blogger:status>\n"
        f"    <author><name>{escape(BLOG_TITLE)}</name><uri></uri>"
        "<blogger:type>BLOGGER</blogger:type></author>\n"
        f"    <title>{escape(post.title)}</title>\n"
        f"    <content type='html'>{escape(paragraphs_html(post.paragraphs))}</content>\n"
        f"    <blogger:created>{published}</blogger:created>\n"
        f"    <published>{published}</published>\n"
        f"    <updated>{published}</updated>\n"
        f"{labels}"
        f"    <blogger:filename>{escape(path)}</blogger:filename>\n"
        "    <blogger:trashed></blogger:trashed>\n"
        "  </entry>\n"
    )


def _comment_entries(post: Post, tag: str) -> Iterator[str]:
    """Each exported comment of the post, in thread order (one query)."""
    post_ref = f"{tag}.post-{post.blogger_id or _OWN_POST_IDS + post.pk}"
    comments = post.comments.filter(status__in=_EXPORTED).in_thread_order()
    ids: dict[int, str] = {}
    fallback = post.published_at or _midnight(post.published)
    for comment in comments.iterator(chunk_size=2000):
        ids[comment.pk] = comment.blogger_id or str(_OWN_COMMENT_IDS + comment.pk)
        answered = ids.get(comment.parent_id, "")
        answered_ref = f"{tag}.post-{answered}" if answered else ""
        created = _time(comment.created or fallback)
        kind = "BLOGGER" if comment.author_name else "ANONYMOUS"
        yield (
            "  <entry>\n"
            f"    <id>{tag}.post-{ids[comment.pk]}</id>\n"
            f"    <blogger:parent>{post_ref}</blogger:parent>\n"
            f"    <blogger:inReplyTo>{answered_ref}</blogger:inReplyTo>\n"
            "    <blogger:type>COMMENT</blogger:type>\n"
            f"    <blogger:status>{_EXPORTED[comment.status]}</blogger:status>\n"
            f"    <author><name>{escape(comment.author_name or 'Anonymous')}</name><uri></uri>"
            f"<blogger:type>{kind}</blogger:type></author>\n"
            "    <title></title>\n"
            f"    <content type='html'>{escape(body_html(comment.body))}</content>\n"
            f"    <blogger:created>{created}</blogger:created>\n"
            f"    <published>{created}</published>\n"
            f"    <updated>{created}</updated>\n"
            "    <blogger:trashed></blogger:trashed>\n"
            "  </entry>\n"
        )


def _midnight(day: datetime.date) -> datetime.datetime:
    """The start of a day in UK time: a post known only by its date keeps that date."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
