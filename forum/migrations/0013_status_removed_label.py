"""The "removed" status is labelled "Removed": a Blogger administrator's removals are stored
under it too, beside the author's (Comment.removed_by tells which)."""

from django.db import migrations, models

STATUSES = [
    ("pending", "Pending"),
    ("approved", "Published"),
    ("rejected", "Rejected"),
    ("spam", "Spam"),
    ("removed", "Removed"),
]


class Migration(migrations.Migration):
    dependencies = [("forum", "0012_sqlite_fulltext")]

    operations = [
        migrations.AlterField(
            "comment",
            "status",
            models.CharField("status", max_length=10, choices=STATUSES, default="pending"),
        ),
    ]
