"""`manage.py check --deploy` refuses settings that leak a moderator's power or stale pages."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from forum.models import Comment
from moderation import email_links
from moderation.notifications import notify_held
from tests.factories import make_comment

REPO = Path(__file__).resolve().parents[2]
GOOD_KEY = "k7Qz-3vN_pX9wLr2TmB8yHc4JfDs6GaE1uKo5WiYnZtVbMq0RxCh"
SAFE = {
    "SECRET_KEY": GOOD_KEY,
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache"}},
    "WEB_CONCURRENCY": 5,
    "GUNICORN_CONFIG": REPO / "gunicorn.conf.py",
}


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


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_a_per_process_cache_with_several_workers_fails_the_check():
    assert deploy_errors(CACHES=LOCMEM, WEB_CONCURRENCY=3) == ["deploy.E002"]


def test_a_per_process_cache_with_one_worker_passes():
    assert deploy_errors(CACHES=LOCMEM, WEB_CONCURRENCY=1) == []


def test_a_shared_cache_with_several_workers_passes():
    redis = {"default": {"BACKEND": "config.redis_cache.RedisCache", "LOCATION": "redis://x/0"}}
    assert deploy_errors(CACHES=redis, WEB_CONCURRENCY=9) == []


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


@pytest.fixture
def a_held_comment(a_post):
    return make_comment(post=a_post, body="Hold me, please.", status=Comment.Status.PENDING)


def token_of(link: str) -> str:
    return urlsplit(link).query.removeprefix(f"{email_links.TOKEN}=")


def test_a_one_click_link_keeps_its_secret_out_of_the_path(a_held_comment, a_moderator):
    link = email_links.make_link(a_held_comment, "approve", a_moderator)

    assert token_of(link) not in urlsplit(link).path
    assert email_links.read(token_of(link)).comment == a_held_comment


def test_opening_a_link_logs_nothing_of_its_secret_and_sends_no_referrer(
    client, a_held_comment, a_moderator, caplog
):
    link = email_links.make_link(a_held_comment, "approve", a_moderator)
    a_moderator.is_staff = False  # refused (403): Django logs the refusal with its address
    a_moderator.save()
    caplog.set_level(logging.DEBUG)

    refused = client.get(link.removeprefix("http://testserver"), REMOTE_ADDR="10.0.0.1")

    assert refused.status_code == 403
    assert "Forbidden: /moderation/link/" in caplog.text
    assert token_of(link) not in caplog.text
    assert refused["Referrer-Policy"] == "no-referrer"


def test_the_confirmation_page_sends_no_referrer_to_what_it_loads(
    client, a_held_comment, a_moderator
):
    link = email_links.make_link(a_held_comment, "approve", a_moderator)

    page = client.get(urlsplit(link).path, {email_links.TOKEN: token_of(link)})

    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"


def test_sending_a_digest_logs_neither_its_links_nor_the_comment(
    a_held_comment, a_moderator, mailoutbox, caplog
):
    caplog.set_level(logging.DEBUG)

    assert notify_held() == 1

    tokens = re.findall(r"\?t=(\S+)", mailoutbox[0].body)
    assert len(tokens) == 2
    assert not [token for token in tokens if token in caplog.text]
    assert "Hold me, please." not in caplog.text


def without_settings_env() -> dict:
    """The environment of a fresh shell: no DEBUG, no SECRET_KEY, no settings module chosen."""
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS"}
    return {name: value for name, value in os.environ.items() if name not in unset}


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=REPO, env=without_settings_env(), capture_output=True, text=True, timeout=120
    )


def test_manage_py_without_debug_or_a_key_says_in_one_line_what_to_set():
    done = run(sys.executable, "manage.py", "check")

    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "manage.py: Set SECRET_KEY in the environment (or DEBUG=1 to develop)."
    ]


def test_a_plain_pytest_runs_without_debug_or_a_key_in_the_environment():
    done = run(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/forum/test_markup.py"
    )

    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert " passed" in done.stdout


@pytest.mark.parametrize("cidr", ["0.0.0.0/0", "::/0", "10.0.0.0/7", "2000::/3"])
def test_trusting_a_vast_network_as_proxies_fails_the_check(cidr):
    assert deploy_errors(TRUSTED_PROXIES=["127.0.0.1", cidr]) == ["deploy.E005"]


def test_trusting_the_local_proxy_or_a_cdns_ranges_passes():
    proxies = ["127.0.0.1/32", "104.16.0.0/13", "2400:cb00::/32", "10.0.0.0/8"]
    assert deploy_errors(TRUSTED_PROXIES=proxies) == []


NGINX_CONF = REPO / "deploy" / "nginx.conf"
# nginx variables that carry neither a query string, a referrer nor the client's address.
SAFE_NGINX_VARIABLES = {
    "time_iso8601", "time_local", "request_method", "uri", "server_protocol", "status",
    "body_bytes_sent", "bytes_sent", "request_time", "upstream_response_time",
}  # fmt: skip


def test_the_documented_nginx_log_format_records_no_query_referrer_or_address():
    text = NGINX_CONF.read_text()
    [fmt] = re.findall(r"^log_format forum_private ((?:'[^']*'\s*)+);", text, re.M)

    assert set(re.findall(r"\$(\w+)", fmt)) <= SAFE_NGINX_VARIABLES
    assert "$uri" in fmt


def test_every_server_in_the_documented_nginx_config_logs_with_that_format_only():
    text = NGINX_CONF.read_text()
    servers = text.count("\nserver {")
    logs = re.findall(r"^\s*access_log (\S+)(?: (\S+))?;", text, re.M)

    assert servers == 2
    assert logs == [("/var/log/nginx/forum.access.log", "forum_private")] * servers
