"""Answers that say what went wrong: a friendly 503 while the database cannot do its work
(instead of a 500), and a 405 that names the methods an address does take; and the content
security policy header, built once."""

import logging

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.db import InterfaceError, InternalError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# PostgreSQL's SQLSTATE for a write refused by a read-only server (a standby, or
# default_transaction_read_only): the database works, but cannot take writes for now.
_READ_ONLY = "25006"


class DatabaseUnavailableMiddleware:
    """A 503 page whatever keeps the database from its work for now: down, hung, locked past
    the busy timeout, out of disk space, read-only; a bug (bad SQL, a broken constraint) stays
    a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _unavailable(exception):
            return None
        logger.warning("database unavailable: %s", str(exception).strip().splitlines()[0])
        # Drop the broken connections so that the next request dials again and the site
        # recovers by itself once the database is back.
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
        # Rendered without the request: its context processors would query the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response


def _unavailable(exception: Exception) -> bool:
    # OperationalError covers what the server or the file system did (connection lost, timeout,
    # disk full, SQLite's "database is locked" and "readonly database"); InterfaceError, a
    # connection already closed.
    if isinstance(exception, OperationalError | InterfaceError):
        return True
    cause = exception.__cause__
    return isinstance(exception, InternalError) and getattr(cause, "pgcode", "") == _READ_ONLY


class MethodNotAllowedMiddleware:
    """Put words in Django's 405, which otherwise arrives as an empty page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            message = _(
                "This address does not accept %(method)s requests; it accepts %(allowed)s."
            ) % {"method": request.method, "allowed": response.get("Allow", "")}
            response.content = message.encode()
            response["Content-Type"] = "text/plain; charset=utf-8"
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's header, built once instead of for every response.

    This site's policy has no nonces, and no view changes it, so the header is the same on
    every response; building it took about a tenth of the time of serving a kept post page.
    A response that does ask for something of its own (a nonce, a per-view change, a
    report-only policy or excluded paths) goes through django-csp as before.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        settled = not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) and not (
            (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("EXCLUDE_URL_PREFIXES")
        )
        self.header = build_policy() if settled else None

    def process_response(self, request, response):
        if self.header is None or not _plain(request, response):
            return super().process_response(request, response)
        if not (settings.DEBUG and response.status_code in (500, 404)):
            response.headers.setdefault(HEADER, self.header)
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


def _plain(request, response) -> bool:
    """Neither the request nor the response asked django-csp for anything of its own."""
    if getattr(request, "_csp_nonce", None) is not None:
        return False
    return not any(name.startswith("_csp") for name in vars(response))
