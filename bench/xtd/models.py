from django.db import models
from django.urls import reverse


class Post(models.Model):
    """The same post as blogarchive.Post, as far as the page shows it."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120)
    published = models.DateField(db_index=True)
    paragraphs = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["published", "slug"], name="xtd_post_date_slug")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        published = self.published
        return reverse("post", args=[published.year, f"{published.month:02d}", self.slug])
