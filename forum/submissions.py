"""One-use form tokens, which make posting a comment idempotent.

Each rendered comment form carries a fresh random token. A submission is known by a keyed hash
of that token, the browser's CSRF secret and what the form says; the comment stores it, so a
retried form (after a timeout, a 503, a lost answer) finds the comment its first attempt stored.

The browser's secret is part of it so that whoever learns a token (from a screenshot, a shared
page, a log) cannot claim the comment it made: they would need that browser's cookie as well.
What the form says is part of it so that a token used again for other words (the Back button, a
form kept open) posts them instead of answering with the earlier comment.
"""

import hashlib
import hmac
import json
import re
import secrets

from django.conf import settings

FIELD = "form_token"
_WELL_FORMED = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_token() -> str:
    """A token for one rendered form."""
    return secrets.token_urlsafe(16)


def well_formed(token: str) -> bool:
    return bool(_WELL_FORMED.fullmatch(token or ""))


def key(request, token: str, *, post_id: int, parent_id: int | None, author_name: str, body: str):
    """What this submission is known by; "" (not idempotent) without a token or a CSRF secret."""
    secret = request.META.get("CSRF_COOKIE", "")
    if not (well_formed(token) and secret):
        return ""
    message = json.dumps([token, secret, post_id, parent_id, author_name, body]).encode()
    salt = f"forum.submissions:{settings.SECRET_KEY}".encode()
    return hmac.new(salt, message, hashlib.sha256).hexdigest()[:32]
