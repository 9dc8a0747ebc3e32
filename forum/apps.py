from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = "Forum"

    def ready(self) -> None:
        from forum import pagecache

        pagecache.connect_signals()
