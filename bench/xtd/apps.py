from django.apps import AppConfig


class XtdBlogConfig(AppConfig):
    name = "bench.xtd"
    label = "xtdblog"
    default_auto_field = "django.db.models.BigAutoField"
