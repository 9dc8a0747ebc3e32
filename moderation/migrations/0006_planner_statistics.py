"""Give SQLite's query planner statistics on the tables as they stand.

PostgreSQL's autovacuum keeps its own; SQLite keeps none until ANALYZE runs. Without them it
reads the queue through the index on (status, created) and sorts every pending comment, 200 ms
at 100,000, instead of reading the first fifty off the queue's own partial index. On a new,
empty database this records nothing: bench.data (and whoever bulk-loads one) analyses again.
"""

from django.db import migrations


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE")


class Migration(migrations.Migration):
    dependencies = [("moderation", "0005_moderators_keep_watched_names")]

    operations = [migrations.RunPython(analyze, migrations.RunPython.noop)]
