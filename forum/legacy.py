"""The old blog's addresses, answered with a permanent redirect to the same content here.

Blogger served a post at ``/2014/09/a-sad-fact-of-life.html``; a comment at that address with
``?showComment=<ms>``, the comment's published time in milliseconds since 1970 (UTC), followed
by ``#c<comment id>``, which browsers keep to themselves; a label at ``/search/label/<name>``;
and feeds at ``/feeds/posts/default`` (or ``/atom.xml``, ``/rss.xml``),
``/feeds/comments/default`` and ``/feeds/<post id>/comments/default``. ``?m=1`` asked for the
mobile layout of any of them and is ignored. An address that matches nothing is an honest 404,
never the home page.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from blogarchive.models import Label, Post
from forum.models import Comment

# 13 digits reach the year 2286; longer values are no timestamp Blogger wrote.
_MAX_MS_DIGITS = 13


def old_post(request, year: int, month: int, slug: str):
    """A post's old address, or with ?showComment= one of its comments' permalink."""
    _refuse_nul(request.path)
    post = _post_at(request.path, year, month, slug)
    comment = _shown_comment(post, request.GET.get("showComment", ""))
    if comment is not None:
        return HttpResponsePermanentRedirect(reverse("forum:comment", args=[comment]))
    if "showComment" in request.GET:
        # An unknown, unpublished or ambiguous comment: the post it was on (a 404 would hide
        # the post too, and tell no more), and only for now: the comment may yet be published.
        return HttpResponseRedirect(post.get_absolute_url())
    return HttpResponsePermanentRedirect(post.get_absolute_url())


def old_label(request, name: str):
    """Blogger's page of a label's posts: the label's page here."""
    _refuse_nul(name)
    # Exact name first; a link typed in another case finds the label only if one matches.
    labels = {label.name: label for label in Label.objects.filter(name__iexact=name)[:10]}
    label = labels.get(name) or (next(iter(labels.values())) if len(labels) == 1 else None)
    if label is None:
        raise Http404(_("No label of that name."))
    return HttpResponsePermanentRedirect(label.get_absolute_url())


def old_feed(request, feed: str):
    """Blogger's feed of every post or of every comment: this site's own."""
    return HttpResponsePermanentRedirect(reverse(f"forum:{feed}_feed"))


def old_post_comments_feed(request, blogger_id: str):
    """Blogger's feed of one post's comments, the post known by its Blogger id."""
    # ~Q(blogger_id=""): the words of the index on blogger_id, so that SQLite uses it.
    posts = Post.objects.filter(~Q(blogger_id="")).only("slug", "published")
    post = get_object_or_404(posts, blogger_id=blogger_id)
    args = [post.published.year, post.published.month, post.slug]
    return HttpResponsePermanentRedirect(reverse("forum:post_comments_feed", args=args))


def _refuse_nul(text: str) -> None:
    """No address holds a NUL; PostgreSQL refuses one in a query, so it is a 404 before one."""
    if "\x00" in text:
        raise Http404(_("No post had that address."))


def _post_at(path: str, year: int, month: int, slug: str) -> Post:
    """The post whose old address this is: by the address kept from a backup, else by slug.

    Django hands the path decoded; a backup may have kept it percent-encoded, so both match.
    A captured post has no old address, and Blogger's was its month and slug.
    """
    # The index on old_path leaves out empty ones, and SQLite uses it only when the query
    # says so in the index's own words.
    by_path = Post.objects.filter(~Q(old_path=""), old_path__in={path, quote(path)})
    captured = Post.objects.in_month(year, month).filter(old_path="", slug=slug)
    found = list((by_path | captured).only("slug", "published", "old_path").order_by())
    found.sort(key=lambda post: post.old_path == "")
    if not found:
        raise Http404(_("No post had that address."))
    return found[0]


def _shown_comment(post: Post, value: str) -> int | None:
    """The id of the post's published comment made at that millisecond, if exactly known.

    Times from a backup are kept to the second, so the second must match; a captured comment
    is stamped to the minute only, so it matches within its minute when it is alone there.
    """
    if not (value.isascii() and value.isdigit() and len(value) <= _MAX_MS_DIGITS):
        return None
    moment = datetime.fromtimestamp(int(value) // 1000, tz=UTC)
    minute = moment.replace(second=0)
    rows = list(
        Comment.objects.published()
        .filter(post=post, created__gte=minute, created__lt=minute + timedelta(minutes=1))
        .values_list("pk", "created", "blogger_id")
    )
    exact = [pk for pk, created, _blogger_id in rows if created == moment]
    captured = [pk for pk, created, blogger_id in rows if not blogger_id and created.second == 0]
    if len(exact) == 1:
        return exact[0]
    return captured[0] if not exact and len(rows) == len(captured) == 1 else None
