"""`manage.py check --deploy` refuses settings that leak a moderator's power or stale pages."""

from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from config.settings import counters_from_url

REPO = Path(__file__).resolve().parents[2]
GOOD_KEY = "k7Qz-3vN_pX9wLr2TmB8yHc4JfDs6GaE1uKo5WiYnZtVbMq0RxCh"
SAFE = {
    "SECRET_KEY": GOOD_KEY,
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache"}},
    "WEB_CONCURRENCY": 5,
    "GUNICORN_CONFIG": REPO / "gunicorn.conf.py",
    "SITE_URL": "https://forum.example.org",
}


@pytest.fixture(autouse=True)
def _as_deployed(monkeypatch):
    """The browser tests allow Django's ORM in Playwright's event loop for the whole session
    (DJANGO_ALLOW_ASYNC_UNSAFE), which Django's own deployment check rightly refuses."""
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


def deploy_errors(**overrides) -> list[str]:
    """The ids of the errors the deployment checks report under the safe settings + overrides."""
    with override_settings(**{**SAFE, **overrides}):
        return sorted({m.id for m in run_checks(include_deployment_checks=True) if m.is_serious()})


def test_the_safe_production_settings_pass_every_deployment_check():
    assert deploy_errors() == []


@pytest.mark.parametrize("backend", ["console", "filebased", "locmem", "dummy"])
def test_check_deploy_fails_while_digests_would_go_to_a_non_smtp_backend(backend):
    backend = f"django.core.mail.backends.{backend}.EmailBackend"
    unsafe = override_settings(**{**SAFE, "EMAIL_BACKEND": backend})
    with unsafe, pytest.raises(SystemCheckError, match=r"deploy\.E001"):
        call_command("check", deploy=True)


def test_the_smtp_backend_passes_the_e_mail_check():
    assert "deploy.E001" not in deploy_errors(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"
    )


def test_a_per_process_store_for_rate_limits_and_generations_is_refused_at_start():
    # Rendered pages may stay in each process (their generations are shared); what must be
    # exact and shared cannot be put in one: CACHE_URL=locmem does not start at all.
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must be db or redis"):
        counters_from_url("locmem")


@pytest.mark.parametrize(
    "key",
    [
        "development-only-key-never-used-in-production-0123456789abcdefghij",
        "short-but-random-Zx81",
        "a" * 60,
        "django-insecure-9s8d7f6g5h4j3k2l1qwertyuiopasdfghjklzxcvbnm12",
        "please-change-me-to-something-long-and-random-before-going-live",
    ],
)
def test_a_short_development_or_placeholder_secret_key_fails_the_check(key):
    assert deploy_errors(SECRET_KEY=key) == ["deploy.E003"]


def test_a_generated_secret_key_passes():
    assert deploy_errors(SECRET_KEY=GOOD_KEY) == []


def write_config(tmp_path, text: str) -> Path:
    path = tmp_path / "gunicorn.conf.py"
    path.write_text(text)
    return path


def test_the_projects_gunicorn_access_log_passes_when_it_is_switched_on(monkeypatch):
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "-")
    assert deploy_errors() == []


@pytest.mark.parametrize(
    "fmt",
    [
        None,  # gunicorn's default: "%(r)s" (with the query string) and "%(f)s" (the referrer)
        '%(t)s "%(r)s" %(s)s',
        "%(U)s?%(q)s",
        "%(U)s %({referer}i)s",
        "%(h)s %(U)s",
        "%(U)s %({raw_uri}e)s",
    ],
)
def test_an_access_log_that_records_queries_referrers_or_addresses_fails(tmp_path, fmt):
    text = 'accesslog = "-"\n' + (f"access_log_format = {fmt!r}\n" if fmt else "")
    assert deploy_errors(GUNICORN_CONFIG=write_config(tmp_path, text)) == ["deploy.E004"]


def test_no_access_log_at_all_passes(tmp_path):
    config = write_config(tmp_path, 'accesslog = None\naccess_log_format = "%(r)s"\n')
    assert deploy_errors(GUNICORN_CONFIG=config) == []


def test_an_access_log_format_given_on_gunicorns_command_line_fails(monkeypatch):
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--access-logformat '%(r)s'")
    assert deploy_errors() == ["deploy.E004"]


@pytest.mark.parametrize("cidr", ["0.0.0.0/0", "::/0", "10.0.0.0/7", "2000::/3"])
def test_trusting_a_vast_network_as_proxies_fails_the_check(cidr):
    assert deploy_errors(TRUSTED_PROXIES=["127.0.0.1", cidr]) == ["deploy.E005"]


def test_trusting_the_local_proxy_or_a_cdns_ranges_passes():
    proxies = ["127.0.0.1/32", "104.16.0.0/13", "2400:cb00::/32", "10.0.0.0/8"]
    assert deploy_errors(TRUSTED_PROXIES=proxies) == []


@pytest.mark.parametrize(
    "url", ["http://forum.example.org", "http://127.0.0.1:8000", "https://localhost", "forum"]
)
def test_a_site_url_that_is_not_https_or_is_this_machine_fails_the_check(url):
    assert deploy_errors(SITE_URL=url) == ["deploy.E006"]
