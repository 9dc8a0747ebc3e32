"""Shared copies of rendered pages, and claims to render them (forum.renders, without Redis)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0013_status_removed_label"),
    ]

    operations = [
        migrations.CreateModel(
            name="RenderedPage",
            fields=[
                ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("content", models.BinaryField(null=True)),
                ("expires", models.FloatField(db_index=True)),
            ],
            options={
                "verbose_name": "rendered page",
                "verbose_name_plural": "rendered pages",
            },
        ),
    ]
