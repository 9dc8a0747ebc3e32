"""Labels, each post's and comment's place on the old Blogger blog, and slugs unique per month.

Post addresses are /year/month/slug/, but slugs were unique per day: two posts of one month with
the same slug shared an address and one of them could never be reached. Any such clash is fixed
before the new constraint is added: the later post gets the first free "-2", "-3"...
"""

from collections import defaultdict

import django.db.models.functions.datetime
from django.db import migrations, models


def _separate_clashing_slugs(apps, schema_editor):
    Post = apps.get_model("blogarchive", "Post")
    taken: dict[tuple[int, int], set[str]] = defaultdict(set)
    for post in Post.objects.order_by("published", "id").only("published", "slug"):
        month = taken[post.published.year, post.published.month]
        if post.slug in month:
            base, n = post.slug[:110], 2
            while (
                f"{base}-{n}" in month
                or Post.objects.filter(
                    published__year=post.published.year,
                    published__month=post.published.month,
                    slug=f"{base}-{n}",
                ).exists()
            ):
                n += 1
            post.slug = f"{base}-{n}"
            post.save(update_fields=["slug"])
        month.add(post.slug)


class Migration(migrations.Migration):
    dependencies = [
        ("blogarchive", "0002_thread_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="Label",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, unique=True, verbose_name="name")),
                (
                    "slug",
                    models.SlugField(
                        allow_unicode=True, max_length=200, unique=True, verbose_name="slug"
                    ),
                ),
            ],
            options={
                "verbose_name": "label",
                "verbose_name_plural": "labels",
                "ordering": ["name"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="post",
            name="post_unique_date_slug",
        ),
        migrations.AddField(
            model_name="post",
            name="blogger_id",
            field=models.CharField(blank=True, max_length=30, verbose_name="Blogger id"),
        ),
        migrations.AddField(
            model_name="post",
            name="old_path",
            field=models.CharField(blank=True, max_length=255, verbose_name="old address"),
        ),
        migrations.AddField(
            model_name="post",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="published at"),
        ),
        migrations.AddField(
            model_name="post",
            name="labels",
            field=models.ManyToManyField(
                blank=True, related_name="posts", to="blogarchive.label", verbose_name="labels"
            ),
        ),
        migrations.RunPython(_separate_clashing_slugs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.UniqueConstraint(
                django.db.models.functions.datetime.ExtractYear("published"),
                django.db.models.functions.datetime.ExtractMonth("published"),
                models.F("slug"),
                name="post_unique_month_slug",
            ),
        ),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.UniqueConstraint(
                condition=models.Q(("blogger_id", ""), _negated=True),
                fields=("blogger_id",),
                name="post_unique_blogger_id",
            ),
        ),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.UniqueConstraint(
                condition=models.Q(("old_path", ""), _negated=True),
                fields=("old_path",),
                name="post_unique_old_path",
            ),
        ),
    ]
