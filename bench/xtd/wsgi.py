"""WSGI entry point of the django-comments-xtd comparison, served by the same gunicorn.conf.py."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.xtd.settings")

application = get_wsgi_application()
