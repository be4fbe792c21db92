"""Article metadata: title, authors, dates, language, canonical URL, site name, image, summary line.

The extract stage collects raw signals in its single walk over the page (``<meta>``, ``<link>``,
``<title>``, ``<time>``, the first ``<h1>``, bylines, JSON-LD objects) into :class:`Signals`;
this module turns them into clean values. Nothing here parses HTML, so it stays cheap and is
easy to test with hand-built signals.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from html import unescape as html_unescape
from typing import Any
from urllib.parse import urlsplit

from .urls import absolute_url

# JSON-LD types that describe the article itself (schema.org Article and its subtypes).
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "scholarlyarticle",
        "techarticle",
        "report",
        "posting",
    }
)
# JSON-LD nests (graphs, lists, mainEntity...); real pages never need more than a few levels
# and a hostile page must not make us recurse without bound.
MAX_JSONLD_DEPTH = 8
MAX_JSONLD_NODES = 2000

_SPACE_RE = re.compile(r"\s+")
# Title separators sites put between the headline and their own name ("Headline | Site").
_TITLE_SPLIT_RE = re.compile(r"\s+(?:\||–|—|-|::|·|•|»|/)\s+|\s*\|\s*")
# A date in a URL path: /2024/05/03/ or /2024-05-03/ (also 20240503 between separators).
_URL_DATE_RE = re.compile(
    r"(?<!\d)(20\d{2}|19\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?!\d)"
)
_URL_COMPACT_DATE_RE = re.compile(r"[/_-](20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[/_.-]")
# Words that make a byline an organisation or a role, not a person.
_ORG_WORDS = frozenset(
    """news staff desk team editors editorial newsroom agency agencies press wire reuters afp ap
    associated bloomberg reporters correspondent correspondents media group inc ltd llc corp
    company online magazine times post daily journal herald tribune network service services
    bureau contributors contributor admin administrator redaktion redacción redação
    international global world channel tv radio broadcasting foundation institute university
    association council ministry department office society insider""".split()
)
_BYLINE_NOISE_RE = re.compile(
    r"^(?:(?:written|posted|published|reported|story|text|words|photos?)\s+)?"
    r"(?:by|from|por|von|di|par|oleh|de)\s*[:\-]?\s+",
    re.IGNORECASE,
)
# Separators between names: punctuation, or a conjunction between spaces (lower-case one-letter
# conjunctions only, so the initial in "Sarah E. Needleman" is not an "and"), or the full stop
# after a surname that starts an affiliation ("Jane Doe. Example News").
_AUTHOR_SPLIT_RE = re.compile(
    r"\s*(?:,|;|&|\|)\s*|\s+(?:[Aa]nd|AND|und|y|e|et|dan|with)\s+|(?<=[a-z]{2})\.\s+"
)
_HAS_DIGIT_RE = re.compile(r"\d")
# Publication dates before this are CMS placeholders (0001-01-01, 1970-01-01), not news.
MIN_YEAR = 1990
_MONTHS = {
    m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)
}
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_TEXT_DATE_RE = re.compile(
    rf"\b(?P<m1>{_MONTH}) (?P<d1>\d{{1,2}}),? (?P<y1>\d{{4}})\b|"
    rf"\b(?P<d2>\d{{1,2}})\.? (?P<m2>{_MONTH}) (?P<y2>\d{{4}})\b",
    re.IGNORECASE,
)
_NUMERIC_DATE_RE = re.compile(
    r"\b(?P<iso>\d{4}-\d{2}-\d{2})\b|\b(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})\b"
)
_LANG_RE = re.compile(r"^([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*$")
# Dates in prose ("March 5, 2024", "5 March 2024") that meta tags sometimes carry.
_TEXT_DATE_FORMATS = (
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%Y.%m.%d",
    "%d.%m.%Y",
    "%Y%m%d",
    "%B %d, %Y %I:%M %p",
    "%b %d, %Y %I:%M %p",
)


@dataclass(slots=True)
class Signals:
    """Raw metadata signals collected while walking the page once."""

    meta: dict[str, str] = field(default_factory=dict)  # lower-cased name/property -> content
    links: dict[str, str] = field(default_factory=dict)  # lower-cased rel -> href
    title: str | None = None
    html_lang: str | None = None
    h1: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)  # <time datetime> values, document order
    bylines: list[str] = field(default_factory=list)  # texts of author/byline elements
    text_dates: list[str] = field(default_factory=list)  # datelines found in the text
    jsonld: list[dict[str, Any]] = field(default_factory=list)  # article objects only

    def add_meta(self, key: str, value: str) -> None:
        """Keep the first non-empty value of each meta key (later duplicates are usually junk)."""
        key = key.strip().lower()
        value = value.strip()
        if key and value and key not in self.meta:
            self.meta[key] = value


def clean_space(text: str) -> str:
    """Collapse whitespace and decode leftover entities ("&#8220;" in double-escaped meta)."""
    if "&" in text:
        text = html_unescape(text)
    return _SPACE_RE.sub(" ", text).strip()


# --- JSON-LD -------------------------------------------------------------------------------


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def parse_jsonld(raw: str) -> list[dict[str, Any]]:
    """The article objects of one JSON-LD script; malformed JSON yields nothing."""
    try:
        data = json.loads(raw.strip().removeprefix("<!--").removesuffix("-->"), strict=False)
    except (ValueError, RecursionError):
        return []
    found: list[dict[str, Any]] = []
    stack: list[tuple[Any, int]] = [(data, 0)]
    seen = 0
    while stack and seen < MAX_JSONLD_NODES:
        node, depth = stack.pop()
        seen += 1
        if depth > MAX_JSONLD_DEPTH:
            continue
        if isinstance(node, list):
            stack.extend((item, depth + 1) for item in reversed(node))
        elif isinstance(node, dict):
            if _types(node) & ARTICLE_TYPES:
                found.append(node)
            for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
                child = node.get(key)
                if isinstance(child, dict | list):
                    stack.append((child, depth + 1))
    return found


def _ld_first(objects: list[dict[str, Any]], key: str) -> Any:
    for obj in objects:
        value = obj.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _ld_text(value: Any) -> str | None:
    """A plain string out of a JSON-LD value that may be a string, list or object."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("url") or value.get("@id")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = clean_space(str(value))
        return text or None
    return None


def article_body(signals: Signals) -> str | None:
    """The JSON-LD ``articleBody`` (longest one when the page has several), if any."""
    bodies = [o.get("articleBody") for o in signals.jsonld]
    texts = [b for b in bodies if isinstance(b, str) and b.strip()]
    return max(texts, key=len) if texts else None


# --- title ---------------------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """Text reduced to lower-case word characters, for comparing headlines and names."""
    return re.sub(r"\W+", "", text).lower()


_norm = normalize_text


def _strip_site(title: str, site_name: str | None) -> str:
    """Drop a site name put before or after the headline ("Headline | Site")."""
    parts = [p for p in _TITLE_SPLIT_RE.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    site = _norm(site_name or "")
    if site:
        kept = [
            p for p in parts if _norm(p) != site and not (len(_norm(p)) > 2 and _norm(p) in site)
        ]
        if kept and len(kept) < len(parts):
            return _join_kept(title, kept)
    # No known site name: a short last (or first) segment is the site, the long one the headline.
    longest = max(parts, key=len)
    if len(longest.split()) >= 4 and all(len(p.split()) <= 4 for p in parts if p is not longest):
        return longest.strip()
    return title


def _join_kept(title: str, kept: list[str]) -> str:
    if len(kept) == 1:
        return kept[0].strip()
    # Keep the original text between the first and last kept parts (it may contain " - ").
    start = title.find(kept[0])
    end = title.rfind(kept[-1]) + len(kept[-1])
    return title[start:end].strip() if 0 <= start < end else " ".join(kept)


def find_title(signals: Signals, site_name: str | None) -> str | None:
    """The headline, without the site name sites append to ``<title>``."""
    h1 = signals.h1[0] if signals.h1 else None
    candidates = [
        _ld_text(_ld_first(signals.jsonld, "headline")),
        signals.meta.get("og:title"),
        signals.meta.get("twitter:title"),
        signals.meta.get("headline"),
        signals.title,
        h1,
    ]
    for raw in candidates:
        if not raw:
            continue
        title = clean_space(raw)
        if h1 and _norm(h1) and _norm(h1) in _norm(title):
            # The visible headline is the cleanest form when the title merely wraps it.
            return clean_space(h1)
        stripped = _strip_site(title, site_name)
        if stripped:
            return stripped
    return None


# --- authors -------------------------------------------------------------------------------


def _person_name(raw: str, site_name: str | None) -> str | None:
    """``raw`` as a person's name, or ``None`` when it is a date, an org, a URL or a role."""
    name = clean_space(raw).strip(" ,;:|-–—·")
    name = _BYLINE_NOISE_RE.sub("", name).strip(" ,;:|-–—·")
    if not name or "@" in name or "://" in name or name.startswith("www."):
        return None
    if _HAS_DIGIT_RE.search(name) or len(name) > 60:
        return None
    words = name.split()
    if not 1 < len(words) <= 5:
        return None
    lowered = {w.strip(".,").lower() for w in words}
    if lowered & _ORG_WORDS:
        return None
    if words[0].lower() == "the":
        return None  # "The Water Coolest", "The Associated Press": publications, not people
    site = _norm(site_name or "")
    if site and (_norm(name) in site or site in _norm(name)):
        return None
    # People's names are capitalised words (particles such as "de", "van", "bin" aside).
    capitalised = sum(1 for w in words if w[:1].isupper())
    if capitalised < 2 and not any(not w[:1].isalpha() for w in words):
        return None
    return name


def _split_authors(raw: str, site_name: str | None) -> list[str]:
    raw = _BYLINE_NOISE_RE.sub("", clean_space(raw))
    names = []
    for part in _AUTHOR_SPLIT_RE.split(raw):
        name = _person_name(part, site_name)
        if name:
            names.append(name)
    return names


def _ld_authors(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            if _types(item) & {"organization", "newsmediaorganization", "corporation"}:
                continue
            name = item.get("name")
            if isinstance(name, str):
                names.append(name)
        elif isinstance(item, str):
            names.append(item)
    return names


def find_authors(signals: Signals, site_name: str | None) -> list[str]:
    """People who wrote the article (no "By", no dates, no organisations), deduplicated."""
    sources: list[list[str]] = [
        _ld_authors(_ld_first(signals.jsonld, "author")),
        [
            signals.meta[k]
            for k in (
                "author",
                "article:author",
                "parsely-author",
                "dc.creator",
                "sailthru.author",
                "byl",
            )
            if k in signals.meta
        ],
        signals.bylines,
    ]
    for raws in sources[:2]:
        names: list[str] = []
        for raw in raws:
            for name in _split_authors(raw, site_name):
                if name.lower() not in {n.lower() for n in names}:
                    names.append(name)
        if names:
            return names
    # Byline elements: the first one naming people (later ones are often teasers' bylines).
    for raw in signals.bylines:
        names = _split_authors(raw, site_name)
        if names:
            return list(dict.fromkeys(names))
    return []


# --- dates ---------------------------------------------------------------------------------


def to_iso8601(raw: str | None) -> str | None:
    """Normalise a date or datetime string to ISO 8601; ``None`` when it is not a date.

    Implausible years (CMS placeholders such as 0001-01-01) count as no date.
    """
    if not raw:
        return None
    text = clean_space(raw)
    if not text or len(text) > 64:
        return None
    parsed = _parse_datetime(text)
    if parsed is None:
        return None
    value, date_only = parsed
    if not MIN_YEAR <= value.year <= datetime.now().year + 1:
        return None
    return value.date().isoformat() if date_only else value.isoformat()


def _parse_datetime(text: str) -> tuple[datetime, bool] | None:
    """The datetime in ``text`` and whether it carried only a date."""
    candidate = text.replace("Z", "+00:00") if text.endswith("Z") else text
    # "+0000" offsets are common in meta tags; fromisoformat wants "+00:00" before 3.11 quirks.
    candidate = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", candidate)
    candidate = re.sub(r"\.\d+(?=[+-]|$)", "", candidate)  # fractions of a second add nothing
    try:
        return datetime.fromisoformat(candidate), len(text) <= 10 and "T" not in text
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text), False
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _TEXT_DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt), "%H" not in fmt and "%I" not in fmt
        except ValueError:
            continue
    return None


def _url_date(url: str | None) -> str | None:
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    match = _URL_DATE_RE.search(path)
    if match is None:
        match = _URL_COMPACT_DATE_RE.search(path)
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None


def find_published(signals: Signals, url: str | None) -> str | None:
    """The publication date as ISO 8601, from the most to the least trustworthy source."""
    candidates = [
        _ld_text(_ld_first(signals.jsonld, "datePublished")),
        *(
            signals.meta.get(k)
            for k in (
                "article:published_time",
                "og:published_time",
                "datepublished",
                "published_time",
                "publishdate",
                "publish-date",
                "pubdate",
                "dc.date.issued",
                "dcterms.created",
                "dc.date",
                "date",
                "sailthru.date",
                "parsely-pub-date",
                "article.published",
                "cxenseparse:recs:publishtime",
            )
        ),
        *signals.times[:3],
        _ld_text(_ld_first(signals.jsonld, "dateCreated")),
    ]
    for raw in candidates:
        iso = to_iso8601(raw)
        if iso:
            return iso
    for line in signals.text_dates[:3]:
        iso = date_in_text(line)
        if iso:
            return iso
    return _url_date(url)


def date_in_text(text: str) -> str | None:
    """The first calendar date written in a line of text ("Published May 18, 2019")."""
    match = _TEXT_DATE_RE.search(text)
    if match:
        month_name = (match.group("m1") or match.group("m2") or "")[:3].lower()
        month = _MONTHS.get(month_name)
        day = int(match.group("d1") or match.group("d2"))
        year = int(match.group("y1") or match.group("y2"))
    else:
        match = _NUMERIC_DATE_RE.search(text)
        if match is None:
            return None
        if match.group("iso"):
            year, month, day = (int(x) for x in match.group("iso").split("-"))
        else:
            # Day first: the order of most of the world (and of every site using dots).
            day, month, year = int(match.group("d")), int(match.group("m")), int(match.group("y"))
    try:
        return date(year, month or 0, day).isoformat()
    except ValueError:
        return None


# --- language, URLs, names -----------------------------------------------------------------


def to_language(raw: str | None) -> str | None:
    """An ISO 639-1 code ("en") from a language tag such as "en-US" or "pt_BR"."""
    if not raw:
        return None
    match = _LANG_RE.match(raw.strip().split(",")[0].strip())
    return match.group(1).lower() if match else None


def find_language(signals: Signals) -> str | None:
    """The declared language: ``<html lang>``, then meta tags, then JSON-LD."""
    for raw in (
        signals.html_lang,
        signals.meta.get("content-language"),
        signals.meta.get("language"),
        signals.meta.get("dc.language"),
        signals.meta.get("og:locale"),
        _ld_text(_ld_first(signals.jsonld, "inLanguage")),
    ):
        lang = to_language(raw)
        if lang:
            return lang
    return None


def find_canonical(signals: Signals, url: str | None) -> str | None:
    """The canonical URL (``rel=canonical``, then ``og:url``), absolute against ``url``."""
    for raw in (signals.links.get("canonical"), signals.meta.get("og:url")):
        absolute = absolute_url(raw, url)
        if absolute:
            return absolute
    return None


def find_site_name(signals: Signals) -> str | None:
    """The publication's name."""
    publisher = _ld_first(signals.jsonld, "publisher")
    for raw in (
        signals.meta.get("og:site_name"),
        _ld_text(publisher),
        signals.meta.get("application-name"),
        signals.meta.get("twitter:site"),
    ):
        if raw:
            name = clean_space(raw).lstrip("@")
            if name and "://" not in name:  # some sites put their URL there
                return name
    return None


def find_top_image(signals: Signals, url: str | None) -> str | None:
    """The article's lead image, absolute."""
    for raw in (
        signals.meta.get("og:image"),
        signals.meta.get("og:image:url"),
        signals.meta.get("og:image:secure_url"),
        signals.meta.get("twitter:image"),
        signals.meta.get("twitter:image:src"),
        _ld_text(_ld_first(signals.jsonld, "image")),
        signals.links.get("image_src"),
    ):
        absolute = absolute_url(raw, url)
        if absolute:
            return absolute
    return None


def find_description(signals: Signals) -> str | None:
    """The page's one-line description."""
    for raw in (
        signals.meta.get("og:description"),
        signals.meta.get("description"),
        signals.meta.get("twitter:description"),
        _ld_text(_ld_first(signals.jsonld, "description")),
    ):
        if raw and clean_space(raw):
            return clean_space(raw)
    return None
