"""Who is commenting, without storing who they are: a keyed hash of the client's address."""

import hashlib
import hmac

from django.conf import settings


def client_address(request) -> str:
    """The client's address as the server saw it (a proxy in front must set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def commenter_id(request) -> str:
    """A stable, unguessable identifier for the client's address; the address is not kept."""
    key = f"commenter:{settings.SECRET_KEY}".encode()
    return hmac.new(key, client_address(request).encode(), hashlib.sha256).hexdigest()[:32]


def pseudonym(commenter: str, post_id: int) -> str:
    """A short tag that tells one anonymous commenter from another within one thread only.

    Derived from the (already keyed) commenter hash and the post, so the same person gets a
    different tag on every post and the tag reveals nothing about who they are.
    """
    key = f"pseudonym:{settings.SECRET_KEY}".encode()
    return hmac.new(key, f"{post_id}:{commenter}".encode(), hashlib.sha256).hexdigest()[:4]
