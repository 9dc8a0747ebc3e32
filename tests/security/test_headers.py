"""The headers every answer carries, and the production settings: HTTPS, secure cookies, and a
clean `check --deploy`."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.security.pages import post_comment

PASSWORD = "a long passphrase"
PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "forum.example.org",
    "SITE_URL": "https://forum.example.org",
}


def csp_directives(response) -> dict[str, set[str]]:
    policy = response["Content-Security-Policy"]
    return {name: set(values) for name, *values in (d.split() for d in policy.split(";"))}


def answers(client: Client, a_post) -> dict[str, object]:
    """One answer of each kind a visitor can meet: pages, errors, and the admin's sign-in."""
    return {
        "home": client.get("/"),
        "post page": client.get(a_post.get_absolute_url()),
        "admin sign-in": client.get(reverse("admin:login")),
        "not found": client.get("/no/such/page/"),
        "refused comment": post_comment(client, a_post, ""),
        "wrong method": client.put(a_post.get_absolute_url()),
        "csrf failure": Client(enforce_csrf_checks=True).post(a_post.get_absolute_url()),
    }


def test_every_answer_forbids_inline_script_framing_and_sniffing(a_post, client):
    for name, response in answers(client, a_post).items():
        csp = csp_directives(response)
        assert csp["script-src"] == {"'self'"}, name
        assert csp["default-src"] == {"'self'"}, name
        assert csp["object-src"] == csp["base-uri"] == csp["frame-ancestors"] == {"'none'"}, name
        assert "'unsafe-inline'" not in csp.get("style-src", set()), name
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name


def production_env(tmp_path) -> dict[str, str]:
    """The environment of a production server: no DEBUG, a real key, one host, its own data."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "DJANGO_", "CACHE_", "DATABASE_", "SESSION_"))
    }
    return {
        **inherited,
        **PRODUCTION,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


def test_check_deploy_with_production_settings_prints_no_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_insist_on_https_and_secure_cookies(tmp_path):
    names = [
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
    ]
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert json.loads(result.stdout) == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
    }


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.fixture
def production_cookies(settings):
    """The cookie settings that production has (test_production_settings_… checks them)."""
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


def test_over_https_every_cookie_the_site_sets_is_secure_and_hidden_from_scripts(
    a_post, a_moderator, open_policy, production_cookies
):
    browser = Client()
    browser.get(a_post.get_absolute_url(), secure=True)
    browser.post(a_post.get_absolute_url(), {"body": "Hello over HTTPS."}, secure=True)
    browser.post(reverse("admin:login"), {"username": "mod", "password": PASSWORD}, secure=True)

    cookies = browser.cookies
    assert {"csrftoken", "forum_mine", "messages", "sessionid"} <= set(cookies)
    for name in ("csrftoken", "forum_mine", "messages", "sessionid"):
        assert cookies[name]["secure"] is True, name
        assert cookies[name]["samesite"] == "Lax", name
    for name in ("forum_mine", "messages", "sessionid"):
        assert cookies[name]["httponly"] is True, name
