"""The content security policy header: django-csp's policy on every page, kept pages too."""

from csp.constants import HEADER
from csp.utils import build_policy
from django.test import Client
from django.urls import reverse


def test_a_rendered_page_and_a_kept_post_page_carry_the_policy_django_csp_builds(
    a_published_comment,
):
    address = a_published_comment.post.get_absolute_url()
    rendered, kept = Client().get(address), Client().get(address)

    assert kept.wsgi_request.resolver_match is None  # served from the kept page
    assert rendered[HEADER] == kept[HEADER] == build_policy()
    assert Client().get(reverse("forum:home"))[HEADER] == build_policy()
