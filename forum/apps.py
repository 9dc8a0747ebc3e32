from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = "Forum"

    def ready(self) -> None:
        from forum import conversations, pages

        pages.connect_signals()
        conversations.connect_signals()
        post_migrate.connect(_keep_fulltext, sender=self, dispatch_uid="forum-sqlite-fulltext")


def _keep_fulltext(sender, using, **kwargs) -> None:
    """A later migration may have rebuilt a table and lost its search triggers: put them back."""
    from django.db import connections

    from forum import sqlite_fulltext

    sqlite_fulltext.ensure(connections[using])
