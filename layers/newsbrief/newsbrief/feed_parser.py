"""Feeds stage: read RSS 2.0, RSS 1.0 (RDF), Atom and XML sitemaps into one list of entries.

The kind of document is told from its CONTENT (the root element and its namespace), never from
the URL or the Content-Type, because real servers label feeds as text/html, text/plain or
application/octet-stream all the time.

Parsing is safe against hostile XML: entities are never expanded (no "billion laughs"), no DTD
or external entity is loaded, nothing touches the network, and huge trees are refused. A document
that is not a feed raises :class:`~newsbrief.errors.InvalidFeed` with a message a person can act
on, never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.entities import name2codepoint
from typing import Literal
from urllib.parse import urljoin

from lxml import etree

from .dates import to_iso8601
from .errors import InvalidFeed
from .urls import absolute_url, clean_url

FeedKind = Literal["rss", "rdf", "atom", "sitemap", "sitemap_index", "url_list"]

ATOM_NS = "http://www.w3.org/2005/Atom"
RSS1_NS = "http://purl.org/rss/1.0/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
FEEDBURNER_NS = "http://rssnamespace.org/feedburner/ext/1.0"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

# A feed is a list of links, not an article: a summary longer than this is page text that the
# brief will carry anyway, so entries keep only a preview.
SUMMARY_PREVIEW_CHARS = 500
# Sitemaps may hold 50,000 URLs by protocol; news feeds rarely hold more than a few hundred
# items. Beyond this we are parsing an archive, not a feed, and keep only the first ones.
MAX_ENTRIES = 50_000


@dataclass(slots=True)
class FeedEntry:
    """One item of a feed: an article link with what the feed says about it."""

    url: str  # absolute http(s) URL
    title: str | None = None
    published: str | None = None  # ISO 8601 (UTC when the feed gave a zone)
    summary: str | None = None  # plain text preview, HTML removed


@dataclass(slots=True)
class Feed:
    """A parsed feed or sitemap."""

    kind: FeedKind
    title: str | None = None
    link: str | None = None  # the site the feed belongs to
    entries: list[FeedEntry] = field(default_factory=list)
    # A sitemap index lists further sitemaps rather than articles.
    sitemaps: list[str] = field(default_factory=list)


def _parser(recover: bool) -> etree.XMLParser:
    # resolve_entities=False: entity references stay unexpanded (billion laughs, XXE);
    # load_dtd/no_network: never read a DTD or anything else from disk or network;
    # huge_tree=False keeps libxml2's depth and size limits on.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
    )


_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
_BARE_AMPERSAND = re.compile(rb"&(?!#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")
_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote")


def _html_entity(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    codepoint = name2codepoint.get(name.decode("ascii"))
    return b"&#%d;" % codepoint if codepoint else b"&amp;" + name + b";"


def _repair_xml(data: bytes) -> bytes:
    """Fix the two breakages real feeds have most: a bare "&" and HTML-only entities (&nbsp;)."""
    return _NAMED_ENTITY.sub(_html_entity, _BARE_AMPERSAND.sub(b"&amp;", data))


def _local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):  # comments, processing instructions, entity references
        return ""
    return tag.rsplit("}", 1)[-1]


def _ns(el: etree._Element) -> str:
    tag = el.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _children(el: etree._Element, name: str, ns: str | None = None) -> list[etree._Element]:
    return [c for c in el if _local(c) == name and (ns is None or _ns(c) == ns)]


def _child(el: etree._Element, name: str, ns: str | None = None) -> etree._Element | None:
    found = _children(el, name, ns)
    return found[0] if found else None


def _text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    # itertext skips unexpanded entity references, so a hostile entity contributes nothing.
    value = " ".join("".join(el.itertext()).split())
    return value or None


def _html_to_text(markup: str | None) -> str | None:
    """Plain text of an HTML fragment (descriptions often carry escaped or CDATA HTML)."""
    if not markup:
        return None
    if "<" in markup or "&" in markup:
        try:
            import lxml.html

            fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
            for block in fragment.iter(*_BLOCK_TAGS):  # keep paragraphs apart in the text
                block.tail = "\n" + (block.tail or "")
            markup = fragment.text_content()
        except (etree.ParserError, ValueError):
            pass  # not HTML after all: keep the raw text
    text = " ".join(markup.split())
    if len(text) > SUMMARY_PREVIEW_CHARS:
        text = text[: SUMMARY_PREVIEW_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return text or None


def parse_date(value: str | None) -> str | None:
    """An RFC 822 (RSS) or ISO 8601 / W3C (Atom, sitemaps) date as ISO 8601; ``None`` if unreadable.

    Feeds are sloppy with dates; an unreadable one is dropped, not an error. Timestamps are
    converted to UTC, so entries from different feeds compare.
    """
    return to_iso8601(value, utc=True)


def _link(href: str | None, base: str | None) -> str | None:
    """An entry's article link: absolute http(s), without fragment and tracking parameters."""
    url = absolute_url(href, base)
    return clean_url(url) if url else None


def _base(el: etree._Element, inherited: str | None) -> str | None:
    own: str | None = el.get(XML_BASE)
    if own:
        try:
            return urljoin(inherited, own.strip()) if inherited else own.strip()
        except ValueError:  # a malformed xml:base is ignored, not fatal
            return inherited
    return inherited


def _rss_entry(item: etree._Element, base: str | None) -> FeedEntry | None:
    base = _base(item, base)
    # FeedBurner rewrites <link> to a redirecting tracker; origLink is the article itself.
    link = _text(_child(item, "origLink", FEEDBURNER_NS)) or _text(_child(item, "link", ""))
    if not link:
        link = _text(_child(item, "link", RSS1_NS)) or item.get(f"{{{RDF_NS}}}about")
    if not link:
        guid = _child(item, "guid")
        if guid is not None and guid.get("isPermaLink", "true").lower() != "false":
            link = _text(guid)
    if not link:  # some feeds only give an <atom:link href=...> per item
        atom_link = _child(item, "link", ATOM_NS)
        link = atom_link.get("href") if atom_link is not None else None
    url = _link(link, base)
    if url is None:
        return None
    date = (
        _text(_child(item, "pubDate"))
        or _text(_child(item, "date", DC_NS))
        or _text(_child(item, "published", ATOM_NS))
        or _text(_child(item, "updated", ATOM_NS))
    )
    description = _child(item, "description")
    summary_markup = "".join(description.itertext()) if description is not None else None
    if not summary_markup:
        encoded = _child(item, "encoded", CONTENT_NS)
        summary_markup = "".join(encoded.itertext()) if encoded is not None else None
    title = _child(item, "title")
    return FeedEntry(
        url=url,
        title=_html_to_text("".join(title.itertext())) if title is not None else None,
        published=parse_date(date),
        summary=_html_to_text(summary_markup),
    )


def _atom_link(el: etree._Element, base: str | None) -> str | None:
    links = _children(el, "link", ATOM_NS) or _children(el, "link")
    # rel="alternate" (or no rel) is the page itself; "self"/"edit"/"enclosure" are not.
    preferred = [lk for lk in links if lk.get("rel", "alternate") == "alternate"]
    html = [lk for lk in preferred if "html" in (lk.get("type") or "text/html")]
    for candidate in html + preferred:
        url = _link(candidate.get("href"), _base(candidate, base))
        if url:
            return url
    return None


def _atom_text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    if el.get("type") == "xhtml":
        return _html_to_text(_text(el))
    return _html_to_text("".join(el.itertext()))


def _parse_atom(root: etree._Element, base: str | None) -> Feed:
    base = _base(root, base)
    feed = Feed(kind="atom", title=_atom_text(_child(root, "title")), link=_atom_link(root, base))
    for entry in _children(root, "entry"):
        entry_base = _base(entry, base)
        url = _atom_link(entry, entry_base)
        if url is None:
            continue
        summary = _child(entry, "summary")
        if summary is None:
            summary = _child(entry, "content")
        date = _text(_child(entry, "published")) or _text(_child(entry, "updated"))
        feed.entries.append(
            FeedEntry(
                url=url,
                title=_atom_text(_child(entry, "title")),
                published=parse_date(date),
                summary=_atom_text(summary),
            )
        )
    return feed


def _parse_rss(root: etree._Element, base: str | None) -> Feed:
    base = _base(root, base)
    channel = _child(root, "channel") if _local(root) == "rss" else root
    if channel is None:
        raise InvalidFeed("RSS document has no <channel>")
    base = _base(channel, base)
    # RSS 2.0 nests items in the channel; RSS 1.0 puts them beside it under rdf:RDF.
    items = _children(channel, "item") or _children(root, "item")
    if _local(root) == "RDF":
        rdf_channel = _child(root, "channel")
        channel = rdf_channel if rdf_channel is not None else root
    feed = Feed(
        kind="rss" if _local(root) == "rss" else "rdf",
        title=_html_to_text(_text(_child(channel, "title"))),
        link=_link(_text(_child(channel, "link", "")) or _text(_child(channel, "link")), base),
    )
    for item in items:
        entry = _rss_entry(item, base)
        if entry is not None:
            feed.entries.append(entry)
    return feed


def _parse_sitemap(root: etree._Element, base: str | None) -> Feed:
    if _local(root) == "sitemapindex":
        feed = Feed(kind="sitemap_index")
        for sitemap in _children(root, "sitemap"):
            url = _link(_text(_child(sitemap, "loc")), base)
            if url:
                feed.sitemaps.append(url)
                feed.entries.append(
                    FeedEntry(url=url, published=parse_date(_text(_child(sitemap, "lastmod"))))
                )
        return feed
    feed = Feed(kind="sitemap")
    for node in _children(root, "url"):
        url = _link(_text(_child(node, "loc")), base)
        if url is None:
            continue
        news = _child(node, "news", NEWS_NS)
        title = date = None
        if news is not None:
            title = _text(_child(news, "title", NEWS_NS))
            date = _text(_child(news, "publication_date", NEWS_NS))
        date = date or _text(_child(node, "lastmod"))
        feed.entries.append(FeedEntry(url=url, title=title, published=parse_date(date)))
    return feed


def _parse_url_list(data: bytes, base: str | None) -> Feed | None:
    """A plain-text sitemap: one absolute URL per line (allowed by the sitemaps protocol)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or not all(line.lower().startswith(("http://", "https://")) for line in lines):
        return None
    entries = [FeedEntry(url=u) for u in (_link(line, base) for line in lines) if u]
    return Feed(kind="url_list", entries=entries) if entries else None


_PARSERS = {
    "rss": _parse_rss,
    "RDF": _parse_rss,
    "feed": _parse_atom,
    "urlset": _parse_sitemap,
    "sitemapindex": _parse_sitemap,
}


def _dedupe(feed: Feed) -> Feed:
    # Feeds repeat items (re-published stories, paging overlap): one URL, one entry, first wins.
    seen: set[str] = set()
    unique: list[FeedEntry] = []
    for entry in feed.entries:
        key = entry.url.lower().rstrip("/")
        if key not in seen:
            seen.add(key)
            unique.append(entry)
    feed.entries = unique[:MAX_ENTRIES]
    return feed


def _describe(data: bytes) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "an HTML page, not a feed (give the feed's own URL: RSS, Atom or sitemap)"
    if head.startswith((b"{", b"[")):
        return "JSON, not a feed (JSON Feed is not supported: give an RSS, Atom or sitemap URL)"
    return "not an RSS, Atom or sitemap document"


def parse_feed(data: bytes, base_url: str | None = None) -> Feed:
    """Parse feed bytes (RSS 2.0, RSS 1.0/RDF, Atom, sitemap, sitemap index, URL list).

    ``base_url`` (where the document was fetched from) resolves relative links; ``xml:base``
    inside the document takes precedence where present. Entries are deduplicated by URL and
    carry absolute http(s) URLs with tracking parameters removed. Raises ``InvalidFeed``.
    """
    if not data or not data.strip():
        raise InvalidFeed("the feed is empty")
    root: etree._Element | None = None
    error: str | None = None
    try:
        root = etree.fromstring(data, _parser(recover=False))
    except etree.XMLSyntaxError as exc:
        error = str(exc)
        # Real feeds break XML in small ways (a bare "&", an HTML entity such as &nbsp;): repair
        # those, then fall back to libxml2's recovery mode for the rest. A repaired document is
        # accepted only if it turns out to be a feed with entries.
        repaired = _repair_xml(data)
        for recover in (False, True):
            try:
                root = etree.fromstring(repaired, _parser(recover=recover))
                break
            except etree.XMLSyntaxError:
                root = None
    if root is None:
        text_list = _parse_url_list(data, base_url)
        if text_list is not None:
            return _dedupe(text_list)
        if error and not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise InvalidFeed(f"malformed feed: {_describe(data)}")
        raise InvalidFeed(f"malformed feed: {error or _describe(data)}")
    name = _local(root)
    parse = _PARSERS.get(name)
    if parse is None or (name == "feed" and _ns(root) not in (ATOM_NS, "")):
        raise InvalidFeed(f"malformed feed: {_describe(data)} (root element <{name}>)")
    feed = _dedupe(parse(root, base_url))
    if error is not None and not feed.entries:
        raise InvalidFeed(f"malformed feed: {error}")
    return feed


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


def discover_feeds(data: bytes, base_url: str | None = None) -> list[str]:
    """Feed URLs an HTML page advertises with ``<link rel="alternate" type="...rss+xml">``.

    Lets a user register a site's home page instead of hunting for its feed URL.
    """
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError):
        return []
    found: list[str] = []
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in _FEED_TYPES:
            url = _link(link.get("href"), base_url)
            if url and url not in found:
                found.append(url)
    return found
