"""The content security policy header, built once: the same header as django-csp's, and
django-csp's own handling for a response that asks for something of its own."""

from csp.constants import HEADER
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory

from forum.middleware import ContentSecurityPolicyMiddleware


def served(response: HttpResponse, request=None) -> HttpResponse:
    request = request or RequestFactory().get("/")
    middleware = ContentSecurityPolicyMiddleware(lambda _request: response)
    return middleware(request)


def test_a_plain_response_gets_the_policy_django_csp_would_build():
    assert served(HttpResponse("hi"))[HEADER] == build_policy()


def test_a_response_that_changes_the_policy_still_gets_its_change():
    response = HttpResponse("hi")
    response._csp_update = {"img-src": ["https://images.example.org"]}

    assert "https://images.example.org" in served(response)[HEADER]
