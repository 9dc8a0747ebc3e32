"""The framework ceiling: Django with no middleware and no database, one view, fixed bytes.

Settings, URLs and view in one module (it is both DJANGO_SETTINGS_MODULE and ROOT_URLCONF).
The bytes are those of the forum's smallest post page (the file BENCH_CEILING_BODY), so that
both servers send as much; served by the same gunicorn.conf.py as
`django.core.wsgi:get_wsgi_application()`.
"""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import re_path

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1").split(",")
ROOT_URLCONF = __name__
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
USE_TZ = True

BODY = Path(os.environ["BENCH_CEILING_BODY"]).read_bytes()


def page(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [re_path(r"", page)]
