"""Keep rate-limit windows and page generations in a table no cache culling can reach.

Django's database cache held them before, with the rendered pages; nothing uses it now, so its
table goes (a fresh install never makes it: createcachetable skips caches kept in memory).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0007_comment_browser_hidden_by_readers"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS forum_cache", migrations.RunSQL.noop),
        migrations.CreateModel(
            name="Counter",
            fields=[
                ("name", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("value", models.BigIntegerField()),
                ("expires", models.FloatField(db_index=True, null=True)),
            ],
            options={
                "verbose_name": "counter",
                "verbose_name_plural": "counters",
            },
        ),
    ]
