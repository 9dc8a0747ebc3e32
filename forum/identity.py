"""Who is commenting, without storing who they are: a keyed hash of the client's address."""

import hashlib
import hmac
import ipaddress

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


def network_of(address: str) -> str:
    """The network an address belongs to: its /24 for IPv4, its /64 for IPv6."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def network_id(request) -> str:
    """A keyed hash of the client's network: one person with many addresses usually has one."""
    key = f"network:{settings.SECRET_KEY}".encode()
    network = network_of(client_address(request)).encode()
    return hmac.new(key, network, hashlib.sha256).hexdigest()[:32]
