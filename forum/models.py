from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey

from blogarchive.models import Post

MAX_INDENT = 8


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Comment.Status.PUBLISHED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def in_thread_order(self):
        return self.order_by("tree_id", "lft")


class AsShown:
    """What a page says about a comment, from its fields alone: shared by the model and by the
    plain rows a thread page is read into (forum.selectors.ThreadComment)."""

    @property
    def indent(self) -> int:
        """How far the page indents this comment: deep threads stop indenting past a point."""
        return min(self.level, MAX_INDENT)

    @property
    def outcome_for_author(self) -> str:
        """One sentence telling the author what became of a comment that was not published."""
        if not self.public_reason:
            return str(_("Not published: a moderator removed your comment."))
        reason = self.public_reason.strip()
        # The reason is quoted as the moderator wrote it; a full stop after one that already
        # ends a sentence would read "…done.”."
        stop = "" if reason[-1:] in ".!?…" else "."
        return (
            str(_("Not published: a moderator removed your comment, saying: “%(reason)s”"))
            % {"reason": reason}
            + stop
        )

    @property
    def placeholder(self) -> str:
        """What stands in for a comment that is no longer shown but still has replies."""
        if self.status == self.Status.PENDING:
            return str(_("This comment is hidden while a moderator looks at it."))
        if self.status == self.Status.REMOVED and self.removed_by == self.RemovedBy.AUTHOR:
            return str(_("This comment has been removed by the author."))
        return str(_("This comment has been removed by a moderator."))


class Comment(AsShown, MPTTModel):
    """A comment on a post, or a reply to another comment, to any depth.

    Each top-level comment is the root of its own MPTT tree (`tree_id`), so a new conversation
    never renumbers an old one. `body` is kept exactly as typed; `body_html` is the sanitised
    HTML made from it once, on write (forum.markup).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        # Stored as "approved", as it has been from the start (the admin's filter links,
        # exports): the state itself is called published everywhere else.
        PUBLISHED = "approved", _("Published")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")
        # By its author, or by an administrator in a Blogger backup: removed_by tells which.
        REMOVED = "removed", _("Removed")

    class RemovedBy(models.TextChoices):
        NOBODY = "", _("Not removed")
        AUTHOR = "author", _("The author")
        MODERATOR = "moderator", _("A moderator")

    # Indexed as the first column of comment_thread_order, which serves every lookup by post.
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    parent = TreeForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    author_name = models.CharField(_("name"), max_length=80, blank=True)
    body = models.TextField(_("comment"))
    body_html = models.TextField(_("comment as HTML"))
    created = models.DateTimeField(_("posted"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    removed_by = models.CharField(
        _("removed by"), max_length=10, choices=RemovedBy.choices, blank=True, default=""
    )
    hold_reason = models.CharField(_("why it was held"), max_length=200, blank=True)
    public_reason = models.CharField(_("reason shown to the author"), max_length=200, blank=True)
    # A keyed hash of the commenter's IP address (forum.identity); never the address.
    commenter = models.CharField(_("commenter"), max_length=64, blank=True)
    # A keyed hash of the random id in the posting browser's cookie (forum.browsers): it tells
    # a moderator whether one address is one person or many behind a shared connection.
    browser = models.CharField(_("browser"), max_length=32, blank=True, editable=False)
    # Sent back to the queue by readers' reports, until a moderator decides: the queue lists
    # these first, for they were public a moment ago.
    hidden_by_readers = models.BooleanField(_("hidden after reports"), default=False)
    # Where an imported comment sat in its page's thread ("12" or "12.3"): the importer's
    # natural key, so that a second import finds what the first one wrote.
    import_key = models.CharField(max_length=40, blank=True, editable=False)
    # What a reader's form submission is known by (forum.submissions): a retry of the same form
    # finds the comment its first attempt stored, instead of storing it again.
    submission = models.CharField(max_length=32, blank=True, editable=False)
    # From a Blogger backup: the trailing number of the comment's id
    # (tag:blogger.com,1999:blog-<blog>.post-<id>); empty for a comment that came from elsewhere.
    blogger_id = models.CharField(_("Blogger id"), max_length=30, blank=True, editable=False)
    updated = models.DateTimeField(auto_now=True)

    objects = CommentQuerySet.as_manager()

    class MPTTMeta:
        # Never order_insertion_by: it would renumber every later thread on each insert.
        order_insertion_by = None

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        # No index holds lft or rght (see TREE_INDEX below), and each index here is one that
        # some query needs: every index is written again for each row a reply renumbers.
        indexes = [
            # The thread read: one post's conversations (sorted by lft in memory).
            models.Index(fields=["post", "tree_id"], name="comment_thread_order"),
            # A commenter's comments, by equality only (the troll rule, blocking, rejecting all).
            models.Index(fields=["commenter"], name="comment_commenter"),
            models.Index(fields=["status", "created"], name="comment_status_created"),
            # The moderation queue: pending comments, those readers hid first, then oldest first;
            # and the posts they are on.
            models.Index(
                fields=["-hidden_by_readers", "created", "id"],
                condition=models.Q(status="pending"),
                name="comment_queue_order",
            ),
            models.Index(
                fields=["post"], condition=models.Q(status="pending"), name="comment_queue_post"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "import_key"],
                condition=~models.Q(import_key=""),
                name="comment_unique_import_key",
            ),
            # Two attempts of one form racing each other: the second insert fails, never stores.
            models.UniqueConstraint(
                fields=["submission"],
                condition=~models.Q(submission=""),
                name="comment_unique_submission",
            ),
            models.UniqueConstraint(
                fields=["blogger_id"],
                condition=~models.Q(blogger_id=""),
                name="comment_unique_blogger_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name}: {self.body[:60]}"

    @property
    def display_name(self) -> str:
        return self.author_name or str(_("Anonymous"))

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def get_absolute_url(self) -> str:
        """The permalink, which finds the page of a long thread the comment is on."""
        return reverse("forum:comment", args=[self.pk])


class CommentSearch(models.Model):
    """A comment's full-text search document, on PostgreSQL only, kept by the database itself.

    It lives apart from forum_comment because django-mptt renumbers lft/rght of every later row
    in a tree on each reply: in forum_comment, each such UPDATE would write a new entry for every
    row into a GIN index of to_tsvector(body) and compute it again. Triggers on forum_comment
    (forum migration 0005) insert a row with each comment and rewrite it when the body changes;
    the database deletes it with its comment (ON DELETE CASCADE, hence DO_NOTHING here). The
    table is created by that migration's SQL, not from this model: change both together.
    """

    comment = models.OneToOneField(
        Comment, on_delete=models.DO_NOTHING, primary_key=True, related_name="search"
    )
    # to_tsvector('english', body): the document forum.search matches, ranks and indexes.
    document = SearchVectorField()

    class Meta:
        # Elsewhere (SQLite) there is no full-text search, and no table: Django neither creates,
        # flushes nor serialises it there.
        required_db_vendor = "postgresql"
        verbose_name = _("comment search document")
        verbose_name_plural = _("comment search documents")
        indexes = [GinIndex(fields=["document"], name="comment_search_document")]

    def __str__(self) -> str:
        return str(self.comment_id)


# django-mptt gives every tree model an index on (tree_id, lft). Here it would cost more than it
# saves: a reply renumbers the lft and rght of every later comment in its conversation, and
# while no index holds those columns PostgreSQL rewrites each such row in place (a "HOT"
# update, which touches no index at all, given room on the page: forum migration 0006 leaves
# a fifth of each page free) instead of adding a new entry to every index for it. tree_id has
# its own index, and a conversation's few hundred rows are ordered by lft in memory.
TREE_INDEX = ("tree_id", "lft")
Comment._meta.indexes = [i for i in Comment._meta.indexes if tuple(i.fields) != TREE_INDEX]


class FullTextField(models.TextField):
    """A column of an FTS5 table: `field__match` asks its whole table (FTS5's MATCH)."""


@FullTextField.register_lookup
class Match(models.Lookup):
    """`<table> MATCH <query>`: the query is FTS5's syntax (forum.search writes it)."""

    lookup_name = "match"

    def as_sql(self, compiler, connection):
        params = self.process_rhs(compiler, connection)[1]
        return f"{compiler.quote_name_unless_alias(self.lhs.alias)} MATCH %s", params


class _SQLiteText(models.Model):
    """A row of an FTS5 table on SQLite: the rowid is the id of the row it indexes.

    The tables and the triggers that keep them in step are forum migration 0012's SQL; Django
    only reads them (forum.search), so these models are unmanaged, and exist on SQLite alone.
    """

    class Meta:
        abstract = True
        managed = False
        required_db_vendor = "sqlite"


class CommentText(_SQLiteText):
    """A comment's text in the FTS5 index forum_comment_fts (its content is forum_comment)."""

    comment = models.OneToOneField(
        Comment,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        related_name="fulltext",
    )
    body = FullTextField()

    class Meta(_SQLiteText.Meta):
        db_table = "forum_comment_fts"
        verbose_name = _("comment text index")
        verbose_name_plural = _("comment text index")

    def __str__(self) -> str:
        return str(self.comment_id)


class PostText(_SQLiteText):
    """A post's title and paragraphs in the FTS5 index forum_post_fts."""

    post = models.OneToOneField(
        Post,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        related_name="fulltext",
    )
    title = FullTextField()
    body = FullTextField()

    class Meta(_SQLiteText.Meta):
        db_table = "forum_post_fts"
        verbose_name = _("post text index")
        verbose_name_plural = _("post text index")

    def __str__(self) -> str:
        return str(self.post_id)


class Counter(models.Model):
    """A number no cache may evict: a rate-limit window's count, or a kept page's generation.

    Written only by `forum.counters`, one atomic statement at a time.
    """

    name = models.CharField(primary_key=True, max_length=200)
    value = models.BigIntegerField()
    # Seconds since the epoch when a window closes; none for a generation, kept until renewed.
    expires = models.FloatField(null=True, db_index=True)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return self.name
