"""Which site a URL belongs to: its registrable domain, from the Public Suffix List.

A page may declare any canonical URL; it speaks for its own site only. Two URLs are on the
same site when their hosts share a registrable domain (``www.example.co.uk`` and
``amp.example.co.uk`` do; ``alice.github.io`` and ``bob.github.io`` do not, since
``github.io`` is a public suffix in the list's private section, where hosting platforms list
the domains they give out to different owners).

The list comes from the ``publicsuffixlist`` package, which ships its own snapshot and is
released as the list changes: nothing is downloaded at run time (Lambda's file system is
read-only outside /tmp), and updating the package updates the list.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from typing import TYPE_CHECKING

from .urls import hostname_of

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList


@cache
def _suffix_list() -> PublicSuffixList:
    # Parsing the bundled list costs ~45 ms: done once per process, and only when two hosts
    # differ (the common canonical URL names the very host that was fetched).
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def registrable_domain(host: str) -> str:
    """The site a host belongs to: its registrable domain (eTLD+1).

    An IP address is its own site, and so is a host that has no registrable part (a public
    suffix itself, or a single label such as ``localhost``).
    """
    host = host.rstrip(".").lower()
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return host
    return _suffix_list().privatesuffix(host) or host


def same_site(url: str | None, other: str | None) -> bool:
    """Whether two absolute URLs are on one site (same registrable domain; any scheme, port)."""
    host, other_host = hostname_of(url), hostname_of(other)
    if host is None or other_host is None:
        return False
    if host == other_host:
        return True
    return registrable_domain(host) == registrable_domain(other_host)
