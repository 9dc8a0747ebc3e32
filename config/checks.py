"""Production settings that would hand a moderator's power or a reader's address to the logs.

Registered as deployment checks: `manage.py check --deploy` fails (errors, not warnings) while
any of them holds, so a deploy script that runs it stops there.
"""

import ipaddress
import os
import re
import runpy
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

# Backends that keep messages somewhere other than a mail server (or drop them): the digest's
# one-click links, which act as a moderator for days, would land in a log, a file or nowhere.
UNSAFE_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "writes every message to the server log",
    "django.core.mail.backends.filebased.EmailBackend": "writes every message to a file",
    "django.core.mail.backends.locmem.EmailBackend": "keeps messages in one process's memory",
    "django.core.mail.backends.dummy.EmailBackend": "throws every message away",
}
DEVELOPMENT_KEY_PREFIX = "development-only-key"
# Words that betray a placeholder copied from an example rather than a generated key.
PLACEHOLDER_WORDS = ("insecure", "change", "replace", "example", "default", "secret-key", "xxxx")
MIN_KEY_LENGTH = 50
# gunicorn access-log fields that cannot carry a query string, a referrer or an address.
SAFE_GUNICORN_ATOMS = set("tmUHsbBTDMLplu")
GUNICORN_ATOM = re.compile(r"%\((\{[^}]*\}[ieo]|[a-zA-Z])\)s")


@register(Tags.security, deploy=True)
def check_email_backend(app_configs=None, **kwargs) -> list[Error]:
    """The moderators' digests must go to a mail server and nowhere else."""
    backend = settings.EMAIL_BACKEND
    if backend not in UNSAFE_EMAIL_BACKENDS:
        return []
    return [
        Error(
            f"EMAIL_BACKEND {backend} {UNSAFE_EMAIL_BACKENDS[backend]}, while moderators get "
            "digests whose one-click links approve and reject comments in their name.",
            hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST.",
            id="deploy.E001",
        )
    ]


@register(Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs) -> list[Error]:
    """The key signs moderators' links and keys every commenter hash: it must be unguessable."""
    key = str(settings.SECRET_KEY)
    lowered = key.lower()
    problem = None
    if lowered.startswith(DEVELOPMENT_KEY_PREFIX):
        problem = "is the development key"
    elif len(key) < MIN_KEY_LENGTH:
        problem = f"has {len(key)} characters, fewer than {MIN_KEY_LENGTH}"
    elif len(set(key)) < 10:
        problem = f"uses only {len(set(key))} different characters"
    elif word := next((w for w in PLACEHOLDER_WORDS if w in lowered), None):
        problem = f"looks like a placeholder (it contains {word!r})"
    if problem is None:
        return []
    return [
        Error(
            f"SECRET_KEY {problem}.",
            hint="Generate one: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
            id="deploy.E003",
        )
    ]


@register(Tags.security, deploy=True)
def check_access_log(app_configs=None, **kwargs) -> list[Error]:
    """gunicorn's access log may record only fields that carry no link secret and no address."""
    if "access-logformat" in os.environ.get("GUNICORN_CMD_ARGS", ""):
        return [_log_error("GUNICORN_CMD_ARGS sets an access-log format that cannot be checked")]
    path = Path(settings.GUNICORN_CONFIG)
    config = runpy.run_path(str(path)) if path.is_file() else {}
    if not config.get("accesslog"):
        return []
    fmt = config.get("access_log_format") or ""
    unsafe = sorted(
        {atom for atom in GUNICORN_ATOM.findall(fmt) if atom not in SAFE_GUNICORN_ATOMS}
    )
    if not fmt or unsafe:
        fields = ", ".join(f"%({atom})s" for atom in unsafe) or "gunicorn's default format"
        return [_log_error(f"gunicorn's access log records {fields}")]
    return []


def _log_error(what: str) -> Error:
    return Error(
        f"{what}: a query string or referrer carries one-click moderation links, and the "
        "client's address is not to be kept.",
        hint='Log the path only: %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s (see gunicorn.conf.py).',
        id="deploy.E004",
    )


@register(Tags.security, deploy=True)
def check_trusted_proxies(app_configs=None, **kwargs) -> list[Error]:
    """Trusting a vast network lets any client there name itself in X-Forwarded-For."""
    widest = {4: 8, 6: 16}  # a CDN's ranges are /13 or /32; nobody's proxies are a /7
    vast = [
        cidr
        for cidr in settings.TRUSTED_PROXIES
        if (network := ipaddress.ip_network(cidr, strict=False)).prefixlen < widest[network.version]
    ]
    if not vast:
        return []
    return [
        Error(
            f"TRUSTED_PROXIES trusts {', '.join(vast)}: any client in it could pick the address "
            "its rate limits, commenter hash and lockout are counted under.",
            hint="List only the reverse proxies in front of the site (nginx: 127.0.0.1).",
            id="deploy.E005",
        )
    ]


@register(Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs) -> list[Error]:
    """The digest's links are built on SITE_URL: over plain HTTP their secret crosses the wire."""
    url = urlsplit(settings.SITE_URL)
    if url.scheme == "https" and url.hostname not in (None, "localhost", "127.0.0.1", "::1"):
        return []
    return [
        Error(
            f"SITE_URL is {settings.SITE_URL!r}: the one-click links in moderators' digests "
            "must point at the site itself, over HTTPS.",
            hint="Set SITE_URL=https://your.forum.example",
            id="deploy.E006",
        )
    ]
