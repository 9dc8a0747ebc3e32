"""Which comments this browser wrote: a signed cookie, so readers need no account.

It lets an author see their own held comment (marked pending), learn what became of it, and
delete it, while nobody else can do any of that.
"""

COOKIE = "forum_mine"
SALT = "forum.ownership"
MAX_REMEMBERED = 100
MAX_AGE = 60 * 60 * 24 * 365


def own_ids(request) -> list[int]:
    """The ids of the comments this browser posted, newest last; [] if none or tampered with."""
    raw = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE)
    try:
        return [int(part) for part in raw.split(".") if part][-MAX_REMEMBERED:]
    except ValueError:
        return []


def remember(request, response, comment_id: int) -> None:
    """Add a comment to this browser's list."""
    ids = [i for i in own_ids(request) if i != comment_id] + [comment_id]
    value = ".".join(str(i) for i in ids[-MAX_REMEMBERED:])
    response.set_signed_cookie(
        COOKIE,
        value,
        salt=SALT,
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def owns(request, comment_id: int) -> bool:
    return comment_id in own_ids(request)
