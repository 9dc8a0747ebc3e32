from django.apps import AppConfig


class DeployChecksConfig(AppConfig):
    """Not an app with models: the place that registers the checks on production settings."""

    name = "config"
    label = "deploy_checks"

    def ready(self):
        from config import checks  # noqa: F401  (registers the checks)
