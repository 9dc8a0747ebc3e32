"""Atom feeds, as the blog had on Blogger: the latest posts, the latest comments, and each
post's comments. Only published comments ever appear in them."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blogarchive.models import Post
from blogarchive.parsing import LONDON
from forum import markup
from forum.identity import pseudonym
from forum.models import Comment

POSTS_IN_FEED = 20
COMMENTS_IN_FEED = 50
PARAGRAPHS_IN_SUMMARY = 2


class AtomWithContent(Atom1Feed):
    """Atom with an entry's full HTML as <content>: Django's own Atom feed writes only <summary>.

    Every text is stripped of what XML cannot carry, whatever is stored: Django refuses some
    control characters with an exception (a 500) and writes others into ill-formed XML.
    """

    def __init__(self, **kwargs):
        super().__init__(**_carriable(kwargs))

    def add_item(self, **kwargs):
        super().add_item(**_carriable(kwargs))

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


def _carriable(fields: dict) -> dict:
    """The fields with each text made safe for XML."""
    return {
        name: markup.xml_safe(value) if isinstance(value, str) else value
        for name, value in fields.items()
    }


def blog_midnight(day) -> datetime:
    """The start of a day of the blog's, in UK time."""
    return datetime.combine(day, time.min, tzinfo=LONDON)


class SiteFeed(Feed):
    feed_type = AtomWithContent
    author_name = _("On Probation")

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # A feed is known by its own address: the default, its page's link, is the home page
        # for two of them.
        feed.feed["id"] = feed.feed["feed_url"]
        return feed


class LatestPosts(SiteFeed):
    title = _("On Probation: posts")
    subtitle = _("News and views about the probation service.")
    link = reverse_lazy("forum:home")

    def items(self):
        return Post.objects.newest_first().only("title", "slug", "published", "paragraphs")[
            :POSTS_IN_FEED
        ]

    def item_title(self, post: Post) -> str:
        return post.title

    def item_description(self, post: Post) -> str:
        """The first paragraphs, escaped, as the entry's HTML summary."""
        paragraphs = post.paragraphs[:PARAGRAPHS_IN_SUMMARY]
        return format_html_join("", "<p>{}</p>", ((p,) for p in paragraphs))

    def item_pubdate(self, post: Post) -> datetime:
        return blog_midnight(post.published)

    item_updateddate = item_pubdate


class LatestComments(SiteFeed):
    title = _("On Probation: comments")
    subtitle = _("The latest published comments on every post.")
    link = reverse_lazy("forum:home")

    def items(self):
        return published_comments(Comment.objects.all())

    def item_title(self, comment: Comment) -> str:
        """Who wrote on which post ("Anonymous ·3f2a on Re-nationalisation?"), as the page
        names them: fifty entries all titled "Comment on …" tell a feed reader nothing."""
        return gettext("%(name)s on %(title)s") % {
            "name": author_label(comment),
            "title": comment.post.title,
        }

    def item_description(self, comment: Comment) -> None:
        return None

    def item_extra_kwargs(self, comment: Comment) -> dict:
        # Sanitised when it was written (forum.markup): the one HTML a reader may send us.
        return {"content": comment.body_html}

    def item_link(self, comment: Comment) -> str:
        return comment.get_absolute_url()

    def item_author_name(self, comment: Comment) -> str:
        return author_label(comment)

    def item_pubdate(self, comment: Comment) -> datetime:
        return comment.created

    item_updateddate = item_pubdate


class PostComments(LatestComments):
    def get_object(self, request, year: int, month: int, slug: str) -> Post:
        post = Post.objects.in_month(year, month).filter(slug=slug).first()
        if post is None:
            raise Http404(gettext("No post at this address."))
        return post

    def title(self, post: Post) -> str:
        return gettext("On Probation: comments on %(title)s") % {"title": post.title}

    def subtitle(self, post: Post) -> str:
        return gettext("The latest published comments on this post.")

    def link(self, post: Post) -> str:
        return f"{post.get_absolute_url()}#comments"

    def items(self, post: Post):
        return published_comments(post.comments.all())


def author_label(comment: Comment) -> str:
    """The name a comment shows on the page: the one given, or Anonymous with its thread tag.
    Names are stored on one line; one stored before that rule may not be."""
    if comment.author_name or not comment.commenter:
        return markup.one_line(comment.display_name)
    return f"{comment.display_name} ·{pseudonym(comment.commenter, comment.post_id)}"


def published_comments(comments):
    """The newest published comments, each with its post, in one query."""
    # Comments imported from captured pages often lost their time: with no time to date them
    # by, they are not news, and a feed entry cannot be dated honestly. The page keeps them.
    return (
        comments.published()
        .filter(created__isnull=False)
        .select_related("post")
        .only(
            "author_name",
            "commenter",
            "body_html",
            "created",
            "post__title",
            "post__slug",
            "post__published",
        )
        .order_by("-created", "-id")[:COMMENTS_IN_FEED]
    )
