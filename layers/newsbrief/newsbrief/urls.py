"""URLs in one place: which ones can be followed, how links are resolved, what identifies a URL.

Every module that accepts, resolves, compares or groups URLs goes through these functions, so
"is this a URL we fetch", "is this the same article" and "which site is this" have one answer
each. Whether a URL may be *connected to* (addresses, ports, credentials) is the network guard's
question (:mod:`newsbrief.netguard`); which part of a host name is the registrable domain is
another concept again.
"""

from __future__ import annotations

from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

HTTP_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that only say how a reader arrived (campaign tracking): dropping them lets one
# article reached from two feeds or two campaigns count as one URL.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ocid", "cmpid"}
)
TRACKING_PREFIXES = ("utm_",)


def split_http_url(url: str) -> SplitResult | None:
    """The parts of ``url`` when it is an absolute http(s) URL with a host; else ``None``.

    A port that is not a number in range ("http://host:99999", "http://host:title/") and
    broken brackets ("http://[broken") make a URL unusable, not an error.
    """
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number in range
    except ValueError:
        return None
    if parts.scheme.lower() not in HTTP_SCHEMES or not parts.hostname:
        return None  # javascript:, mailto:, data:, tag: URIs, or a relative link
    return parts


def absolute_url(href: str | None, base: str | None) -> str | None:
    """``href`` resolved against ``base`` when that gives an absolute http(s) URL, else ``None``."""
    if not href or not href.strip():
        return None
    href = href.strip()
    try:
        url = urljoin(base, href) if base else href
    except ValueError:  # a malformed base or link ("http://[broken")
        return None
    return url if split_http_url(url) else None


def clean_url(url: str) -> str:
    """``url`` without its fragment and campaign-tracking query parameters (utm_*, fbclid...)."""
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def normalize_url(url: str) -> str:
    """A URL's identity: lower-case scheme and host, no fragment, no default port, path ``/``."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # broken brackets or port: keep the string itself as its identity
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = f"{host}:{port}" if port and port != DEFAULT_PORTS.get(scheme) else host
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def host_of(url: str) -> str:
    """The host (and non-default port) a URL's requests are paced and robots-checked by."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 address keeps its brackets, as in a URL
        host = f"[{host}]"
    return f"{host}:{parts.port}" if parts.port else host


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL: what robots.txt rules and pacing apply to."""
    return f"{urlsplit(url).scheme.lower()}://{host_of(url)}"


def hostname_of(url: str | None) -> str | None:
    """The lower-case host of an absolute URL, without a trailing dot; ``None`` if it has none."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    host = (host or "").rstrip(".").lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return host or None


def site_domain(host: str) -> str:
    """A host name as briefs name their source: lower case, without a leading ``www.``."""
    return host.strip().lower().removeprefix("www.")


def source_of(url: str | None) -> str | None:
    """The site's domain for a URL (see :func:`site_domain`), or ``None`` when it has none."""
    host = hostname_of(url)
    return (site_domain(host) or None) if host else None
