"""Full-text search on SQLite: FTS5 indexes of the comments and the posts (forum.sqlite_fulltext)."""

import django.db.models.deletion
from django.db import migrations, models

import forum.models
from forum import sqlite_fulltext


def create(apps, schema_editor):
    sqlite_fulltext.ensure(schema_editor.connection)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in sqlite_fulltext.DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("blogarchive", "0002_thread_version"),
        ("forum", "0010_comment_blogger_id"),
    ]

    operations = [
        migrations.RunPython(create, drop),
        migrations.CreateModel(
            name="CommentText",
            fields=[
                (
                    "comment",
                    models.OneToOneField(
                        db_column="rowid",
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="fulltext",
                        serialize=False,
                        to="forum.comment",
                    ),
                ),
                ("body", forum.models.FullTextField()),
            ],
            options={
                "verbose_name": "comment text index",
                "verbose_name_plural": "comment text index",
                "db_table": "forum_comment_fts",
                "abstract": False,
                "managed": False,
                "required_db_vendor": "sqlite",
            },
        ),
        migrations.CreateModel(
            name="PostText",
            fields=[
                (
                    "post",
                    models.OneToOneField(
                        db_column="rowid",
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="fulltext",
                        serialize=False,
                        to="blogarchive.post",
                    ),
                ),
                ("title", forum.models.FullTextField()),
                ("body", forum.models.FullTextField()),
            ],
            options={
                "verbose_name": "post text index",
                "verbose_name_plural": "post text index",
                "db_table": "forum_post_fts",
                "abstract": False,
                "managed": False,
                "required_db_vendor": "sqlite",
            },
        ),
    ]
