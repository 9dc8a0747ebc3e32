"""Kept post pages served before the rest of the middleware; and answers that say what went
wrong: a friendly 503 while the database cannot do its work (instead of a 500), and a 405 that
names the methods an address does take."""

import logging

from csp.constants import HEADER
from csp.utils import build_policy
from django.db import DatabaseError, InterfaceError, InternalError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from forum import pages

logger = logging.getLogger(__name__)

# PostgreSQL's SQLSTATE for a write refused by a read-only server (a standby, or
# default_transaction_read_only): the database works, but cannot take writes for now.
_READ_ONLY = "25006"


class KeptPageMiddleware:
    """Serve a kept post page (forum.pages) without sessions, authentication, messages, axes,
    the content security policy middleware, the URL resolver or the view: a reader who shares
    the page needs none of them.

    Placed after the middleware whose headers (security, framing) and CSRF cookie every page
    carries, so that a kept page gets them as a rendered one does. The policy header is
    django-csp's, built once: no kept page has a nonce or a policy of its own, and building it
    for each response cost as much as the rest of serving the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request):
        try:
            entry = pages.kept(request)
        except DatabaseError:
            # The counters' table cannot be read: the page is rendered, or gets the 503 page.
            entry = None
        if entry is None:
            return self.get_response(request)
        # Refuse a Host header that is not allowed, as CommonMiddleware does for other pages.
        request.get_host()
        response = pages.serve(request, entry)
        response[HEADER] = self.policy
        return response


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
