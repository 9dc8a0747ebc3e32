import calendar
import datetime

from django.db import connection, models
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PostQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-published", "-id")

    def in_month(self, year: int, month: int):
        try:
            first = datetime.date(year, month, 1)
        except ValueError:
            return self.none()
        return self.filter(published__range=month_of(first))

    def with_labels(self):
        """Each post with its labels read in the same query, for Post.listed_labels()."""
        return self.annotate(label_rows=LabelRows("pk"))


class LabelRows(models.Func):
    """The labels of the post whose id this is, as a JSON array of their ids, names and slugs.

    A subquery written out, as the ORM's own (an aggregate over the m2m table) took longer to
    build and compile than the query it saves. PostgreSQL orders the array by name; SQLite
    cannot order an aggregate's input before 3.44 (see Post.listed_labels()).
    """

    output_field = models.JSONField()
    aggregates = {
        "postgresql": "JSONB_AGG(JSONB_BUILD_OBJECT('id', l.id, 'name', l.name, 'slug', l.slug)"
        " ORDER BY l.name)",
        "sqlite": "JSON_GROUP_ARRAY(JSON_OBJECT('id', l.id, 'name', l.name, 'slug', l.slug))",
    }

    def as_sql(self, compiler, connection, **extra_context):
        filed = Post.labels.through._meta.db_table
        template = (
            f"(SELECT {self.aggregates[connection.vendor]} FROM {Label._meta.db_table} l"
            f" JOIN {filed} f ON f.label_id = l.id WHERE f.post_id = %(expressions)s)"
        )
        return super().as_sql(compiler, connection, template=template, **extra_context)


def month_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last days of day's month, to filter on published by its index.

    A range rather than published__month: the index on published finds the month, where
    EXTRACT(MONTH ...) reads the whole year (on SQLite, a Python call per row).
    """
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(day.year, day.month)[1])


class Label(models.Model):
    """A label (Blogger's word for a tag) that posts are filed under."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:label", kwargs={"slug": self.slug})


class Post(models.Model):
    """One post of the blog, with its body kept paragraph by paragraph as published."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120)
    published = models.DateField(_("published"), db_index=True)
    # The exact time, when the source gave one (a Blogger backup does, a text capture does not).
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    paragraphs = models.JSONField(_("paragraphs"), default=list)
    source_file = models.CharField(_("imported from"), max_length=255, blank=True)
    source_line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    comments_open = models.BooleanField(
        _("comments open"),
        default=True,
        help_text=_("Turn off to stop new comments on this post."),
    )
    labels = models.ManyToManyField(
        Label, related_name="posts", blank=True, verbose_name=_("labels")
    )
    # From a Blogger backup: the trailing number of the entry's id
    # (tag:blogger.com,1999:blog-<blog>.post-<id>), and the post's address on the old blog
    # ("/2014/09/a-sad-fact-of-life.html"). Both empty for a post that came from elsewhere.
    blogger_id = models.CharField(_("Blogger id"), max_length=30, blank=True)
    old_path = models.CharField(_("old address"), max_length=255, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published", "-id"]
        constraints = [
            # The importer's natural key: re-importing a page finds the same rows.
            models.UniqueConstraint(fields=["published", "title"], name="post_unique_date_title"),
            # URLs are /year/month/slug/: a slug is unique within its month.
            models.UniqueConstraint(
                ExtractYear("published"),
                ExtractMonth("published"),
                "slug",
                name="post_unique_month_slug",
            ),
            models.UniqueConstraint(
                fields=["blogger_id"],
                condition=~models.Q(blogger_id=""),
                name="post_unique_blogger_id",
            ),
            models.UniqueConstraint(
                fields=["old_path"], condition=~models.Q(old_path=""), name="post_unique_old_path"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "forum:post_detail",
            kwargs={
                "year": self.published.year,
                "month": self.published.month,
                "slug": self.slug,
            },
        )

    def listed_labels(self) -> list[Label]:
        """The post's labels in their order (by name), as with_labels() read them."""
        labels = [Label(**fields) for fields in self.label_rows or ()]
        if connection.vendor != "postgresql":
            # SQLite orders an aggregate's input only from 3.44 (Debian 12 has 3.40). Sorted
            # here they are in its own order all the same: it compares text by its UTF-8 bytes
            # (the BINARY collation), as Python compares str.
            labels.sort(key=lambda label: label.name)
        return labels
