import calendar
import datetime

from django.db import models
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
        last = first.replace(day=calendar.monthrange(year, month)[1])
        # A range rather than published__month: the index on published finds the month, where
        # EXTRACT(MONTH ...) reads the whole year (on SQLite, a Python call per row).
        return self.filter(published__range=(first, last))


class Post(models.Model):
    """One post of the blog, with its body kept paragraph by paragraph as published."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120)
    published = models.DateField(_("published"), db_index=True)
    paragraphs = models.JSONField(_("paragraphs"), default=list)
    source_file = models.CharField(_("imported from"), max_length=255, blank=True)
    source_line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    comments_open = models.BooleanField(
        _("comments open"),
        default=True,
        help_text=_("Turn off to stop new comments on this post."),
    )

    # Bumped by forum's and moderation's services whenever what readers see of the thread may
    # have changed: it keys the cached thread HTML and the page's ETag.
    thread_version = models.PositiveIntegerField(default=0, editable=False)
    thread_changed = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published", "-id"]
        constraints = [
            # The importer's natural key: re-importing a page finds the same rows.
            models.UniqueConstraint(fields=["published", "title"], name="post_unique_date_title"),
            models.UniqueConstraint(fields=["published", "slug"], name="post_unique_date_slug"),
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
