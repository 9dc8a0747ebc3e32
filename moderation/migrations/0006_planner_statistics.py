"""Give SQLite's query planner statistics on the tables as they stand.

PostgreSQL's autovacuum keeps its own; SQLite keeps none until ANALYZE runs. Without them it
reads the queue through the index on (status, created) and sorts every pending comment, 200 ms
at 100,000, instead of reading the first fifty off the queue's own partial index. A new, empty
database is left without: statistics of empty tables misled the planner for as long as the first
import filled them (it took half as long again). import_blog analyses once it has written.
"""

from django.db import migrations


def analyze(apps, schema_editor):
    comments = apps.get_model("forum", "Comment")
    if schema_editor.connection.vendor == "sqlite" and comments.objects.exists():
        schema_editor.execute("ANALYZE")


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0005_moderators_keep_watched_names"),
        ("forum", "0013_status_removed_label"),
    ]

    operations = [migrations.RunPython(analyze, migrations.RunPython.noop)]
