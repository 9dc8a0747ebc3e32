"""Let a reply renumber its conversation in place.

No index holds lft or rght any more (see forum.models.TREE_INDEX), two indexes that others
already served are gone (post_id alone, commenter's LIKE copy), and on PostgreSQL a fifth of
each of forum_comment's pages is left free, so that a renumbered row's new version fits beside
the old one and no index is written for it. The fillfactor applies to pages written from now
on; `VACUUM FULL forum_comment` applies it to the rows already there.
"""

import django.db.models.deletion
from django.db import migrations, models

from forum.migrations._postgresql import PostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [
        ("blogarchive", "0002_thread_version"),
        ("forum", "0005_comment_search_table"),
    ]

    operations = [
        PostgreSQLOnly(
            "ALTER TABLE forum_comment SET (fillfactor = 80)",
            "ALTER TABLE forum_comment RESET (fillfactor)",
        ),
        migrations.RemoveIndex(
            model_name="comment",
            name="comment_thread_order",
        ),
        migrations.RemoveIndex(
            model_name="comment",
            name="forum_comment_tree_id_lft_idx",
        ),
        migrations.AlterField(
            model_name="comment",
            name="commenter",
            field=models.CharField(blank=True, max_length=64, verbose_name="commenter"),
        ),
        migrations.AlterField(
            model_name="comment",
            name="post",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="comments",
                to="blogarchive.post",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["post", "tree_id"], name="comment_thread_order"),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["commenter"], name="comment_commenter"),
        ),
    ]
