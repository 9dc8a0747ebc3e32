"""Answers that say what went wrong: a friendly 503 while the database is out of reach
(instead of a 500), and a 405 that names the methods an address does take."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Database errors that mean "cannot reach the server right now", as opposed to a bug.
_UNREACHABLE = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, _UNREACHABLE) or _is_lock_timeout(exception):
            return None
        logger.warning("database unavailable: %s", exception)
        # Drop the broken connections so that the next request dials again and the site
        # recovers by itself once the database is back.
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
        # Rendered without the request: its context processors would query the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response


def _is_lock_timeout(exception: DatabaseError) -> bool:
    return "locked" in str(exception).lower()


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
