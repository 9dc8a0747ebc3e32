"""Who is commenting, without storing who they are: a keyed hash of the client's address.

The client's address is the connection's (REMOTE_ADDR) unless that connection comes from a
proxy listed in TRUSTED_PROXIES; then it is read from X-Forwarded-For, right to left, past every
trusted hop. Without trusted proxies the header is ignored: anyone can send one.
"""

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"
# RFC 6666's discard-only prefix: what axes stores looks like an address and is none.
_HASHED_PREFIX = ipaddress.IPv6Network("100::/64")


def parse_address(text: str) -> Address | None:
    """An address as a proxy or server writes it ("::1", "[::1]:443", "1.2.3.4:80"), or None."""
    text = text.strip()
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _trusted(address: Address | None) -> bool:
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the first untrusted hop behind trusted proxies."""
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return UNKNOWN
    nearest = peer
    if _trusted(peer):
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed(hops):
            address = parse_address(hop)
            # A hop nobody trusted could have written anything: stop at the last real one.
            if address is None:
                break
            nearest = address
            if not _trusted(address):
                break
    return str(nearest)


def _keyed(purpose: str, text: str) -> bytes:
    key = f"{purpose}:{settings.SECRET_KEY}".encode()
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def commenter_id(request) -> str:
    """A stable, unguessable identifier for the client's address; the address is not kept."""
    return _keyed("commenter", client_address(request)).hex()[:32]


def hashed_address(request) -> str:
    """The client's address hashed into an IPv6 address, for django-axes, which wants one."""
    digest = int.from_bytes(_keyed("axes", client_address(request))[:8], "big")
    return str(_HASHED_PREFIX.network_address + digest)


def pseudonym(commenter: str, post_id: int) -> str:
    """A short tag that tells one anonymous commenter from another within one thread only.

    Derived from the (already keyed) commenter hash and the post, so the same person gets a
    different tag on every post and the tag reveals nothing about who they are. Ten hex digits
    (40 bits): among 10,000 commenters on one thread, two share a tag with odds of 1 in 20,000.
    """
    return _keyed("pseudonym", f"{post_id}:{commenter}").hex()[:10]


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
    return _keyed("network", network_of(client_address(request))).hex()[:32]
