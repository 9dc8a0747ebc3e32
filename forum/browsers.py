"""Which browser posted a comment, without knowing whose it is: a random id in a signed cookie.

Only a keyed hash of the id is stored with a comment. Several browsers behind one address are
several people sharing a connection (a library, an office, a mobile network); one browser is
one person. A reader who clears their cookies counts as a new browser: the figure can be
inflated, never hidden.
"""

import hashlib
import hmac
import secrets

from django.conf import settings

COOKIE = "forum_browser"
SALT = "forum.browsers"
MAX_AGE = 60 * 60 * 24 * 365 * 2
_ATTRIBUTE = "_forum_browser_id"


def _raw_id(request) -> str:
    """This browser's random id: from its cookie, or new (and then set on the response)."""
    raw = getattr(request, _ATTRIBUTE, None)
    if raw is None:
        raw = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE)
        if len(raw) != 32:
            raw = secrets.token_hex(16)
        setattr(request, _ATTRIBUTE, raw)
    return raw


def browser_id(request) -> str:
    """The keyed hash of this browser's id, as stored with its comments."""
    key = f"browser:{settings.SECRET_KEY}".encode()
    return hmac.new(key, _raw_id(request).encode(), hashlib.sha256).hexdigest()[:32]


def remember(request, response) -> None:
    """Keep this browser's id in its cookie, so that its next comment carries the same one."""
    response.set_signed_cookie(
        COOKIE,
        _raw_id(request),
        salt=SALT,
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
