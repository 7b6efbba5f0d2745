"""Which address a request came from, behind a known number of trusted proxies.

Each proxy appends the address it received the request from to ``X-Forwarded-For`` and
connects to the next one, so with ``proxy_count`` proxies in front of the app the client is
the ``proxy_count``-th entry from the right. Everything left of it was written by the
client and may say anything; it is never read. With ``proxy_count`` 0 the header is not
read at all, and when it is missing, too short or not an address there, the address the
server saw (``REMOTE_ADDR``) is used: never a spoofable entry, never an error.

A dozen lines rather than django-ipware: ipware reads a list of headers by precedence
(``X-Real-IP``, ``CF-Connecting-IP``...) that a client can send too, takes the leftmost
entry unless told otherwise and counts proxies as entries inside the header; the rule
here is the one of Werkzeug's ``ProxyFix(x_for=N)`` and of nginx's ``real_ip_recursive``
with N trusted hops, which operators already know.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping


def parse_address(value: str) -> str:
    """The address in ``value`` in its canonical form, or ``""`` when it is not one.

    Accepts what proxies write: ``203.0.113.9``, ``203.0.113.9:51234``, ``2001:db8::1``,
    ``[2001:db8::1]:443``; an IPv4 address mapped into IPv6 becomes the IPv4 address.
    """
    value = (value or "").strip().strip('"')
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # IPv4 with a port; IPv6 has at least two colons
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def client_address(meta: Mapping[str, str], proxy_count: int) -> str:
    """The client's address from a request's ``META``, trusting ``proxy_count`` proxies."""
    remote = parse_address(meta.get("REMOTE_ADDR", ""))
    if proxy_count <= 0:
        return remote
    header = meta.get("HTTP_X_FORWARDED_FOR", "")
    # Several X-Forwarded-For lines reach Django joined by commas, in order.
    entries = header.split(",") if header.strip() else []
    if len(entries) < proxy_count:
        return remote
    return parse_address(entries[-proxy_count]) or remote
