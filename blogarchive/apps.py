from django.apps import AppConfig


class BlogArchiveConfig(AppConfig):
    name = "blogarchive"
    verbose_name = "Blog archive"
