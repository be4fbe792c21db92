"""Extract stage: the main article text and metadata of an HTML page (BeautifulSoup + lxml).

How it works, in one parse and one walk:

1. ``_preclean`` cuts raw-text elements (scripts, styles, SVG, comments...) and structural
   boilerplate (nav, aside, footer) out of the HTML string with a linear scan, keeping JSON-LD
   scripts and posts delivered inside ``<noscript>`` aside, and caps the element count. That
   is about 60% of a news page's bytes and a third of its elements, and parsing is most of the
   cost.
2. BeautifulSoup (lxml parser) builds the tree once.
3. ``_Walker`` visits every node once, iteratively (no recursion: a page of a million nested
   tags must not overflow the stack). It cuts the page into text *blocks* (paragraphs, headings,
   list items, table cells...), each remembering its chain of ancestor containers, its link
   text and whether it sits in structural boilerplate. Hidden elements, media, form controls
   and the pop-up cards of links in a sentence are skipped, except where broken markup made a
   control or a figure swallow the rest of the page, and React's hidden streamed segments,
   which hold the content. Metadata signals (meta, link, title, time, h1, bylines) are picked
   up on the way.
4. Containers whose class/id says comments, sharing, related links, newsletters, cookies...
   are dropped, unless the hint is plainly wrong: a wrapper that holds much of the page's
   paragraph text, or a class the page uses for the elements that hold most of its text (page
   builders call every piece a "widget"). Comment sections go even when longer than the
   article; so do sign-up boxes around an e-mail field and boxes a CSS class hides.
5. The container that directly holds the most paragraph-like text (long, few links, not mostly
   digits) wins, single-child wrappers adding no distance (an ``itemprop="articleBody"``
   element wins outright when it holds a fair share), and is widened to its parents while
   they add article-like text rather than teasers or link lists, looking past a heading
   between sibling sections. A list that a sentence of the text leads into ("...were
   merged:") is the article's own, even when each item is one link.
6. ``_compose`` joins its blocks into paragraphs, dropping the headline, datelines, bylines and
   copyright lines (datelines and bylines feed the metadata instead); a date in a data
   table's cell is a value of the table, kept.
7. JSON-LD ``articleBody`` replaces the visible text when the visible text is a cut-down part of
   it (paywalls), or stands in when the page shows no article at all; a ``<noscript>`` post
   replaces a page that shows only a placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from html import escape as html_escape
from html import unescape as html_unescape
from itertools import islice
from typing import NamedTuple, cast

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, Tag

from . import metadata as md
from .dates import DATE_IN_LINE_RE, find_page_date
from .errors import NoArticle
from .models import Article

# Elements whose content is never article text; cut out of the HTML before parsing because
# their content is raw text the parser would otherwise carry around for nothing.
_RAW_TAGS = tuple(
    "script style noscript svg template iframe textarea select math object canvas".split()
)
# Structural boilerplate the walk would drop anyway; cutting it before parsing saves about a
# third of a news page's elements (menus and link lists are most of a page's tags).
_BOILERPLATE_TAGS = ("nav", "aside", "footer")
_END = r"(?=[\s/>])"
_CUT_OPEN_RE = re.compile(
    rf"<!--|<({'|'.join(_RAW_TAGS)}){_END}|<({'|'.join(_BOILERPLATE_TAGS)}){_END}", re.IGNORECASE
)
_RAW_CLOSE_RE = {tag: re.compile(rf"</{tag}\s*>", re.IGNORECASE) for tag in _RAW_TAGS}
_NESTED_RE = {tag: re.compile(rf"<(/?){tag}{_END}", re.IGNORECASE) for tag in _BOILERPLATE_TAGS}
_JSONLD_OPEN_RE = re.compile(r"""type\s*=\s*["']?application/ld\+json""", re.IGNORECASE)
_TAG_START_RE = re.compile(r"<[A-Za-z]")
_PARAGRAPH_OPEN_RE = re.compile(r"<p[\s>]", re.IGNORECASE)
# A <noscript> with this many paragraphs holds a post, not a "please enable JavaScript" note.
MIN_NOSCRIPT_PARAGRAPHS = 2
# ...and replaces the page's text when it holds this many times more words.
NOSCRIPT_LONGER = 2
# Elements parsed at most: DEV pages hold at most ~1,100 after cutting (~1,700 before); a
# long live blog a few thousand. Beyond this the page is abuse (a million nested tags) and
# the rest is dropped so parsing stays well under a second.
MAX_ELEMENTS = 30_000
# Marks a <br> in the text buffer; a control character cannot occur in the cleaned page.
_BREAK = "\x00"
# Control characters lxml refuses (binary junk); tab, newline and carriage return are fine.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Elements skipped with everything inside them: media, embedded widgets and form controls.
SKIP_TAGS = frozenset(
    "script style noscript template svg iframe textarea select option button input math "
    "object embed canvas video audio picture img map figcaption label source track "
    "dialog head marquee".split()
)
# Skipped elements that lxml lets swallow the rest of the page when their end tag is missing
# (or the markup inside confuses it), and what shows they did: a section heading, the page's
# main element, or several paragraphs (a caption or a button label has one at most).
SWALLOWING_TAGS = frozenset({"button", "label", "option", "figure", "picture", "video", "audio"})
SWALLOWED_MARKERS = ("main", "article", "h2")
MIN_SWALLOWED_PARAGRAPHS = 3
# The id React gives a streamed segment (``<div hidden id="S:0">``).
_STREAMED_SEGMENT_RE = re.compile(r"S:\d+$")
# Structural boilerplate: their text is kept out of the article wherever they are.
BAD_TAGS = frozenset({"nav", "aside", "footer", "menu"})
# Block-level elements: each starts a new text block and is a candidate container.
BLOCK_TAGS = frozenset(
    "p div section article main li ul ol dl dt dd blockquote pre table tbody thead tfoot tr "
    "td th h1 h2 h3 h4 h5 h6 header footer nav aside form fieldset address center details "
    "summary hr body html menu caption".split()
)
# Table cells are blocks (layout tables hold whole articles in one cell), but the cells of a
# data table's row are joined into one line on output, which is how a table reads as text.
CELL_TAGS = frozenset({"td", "th"})
HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# The article's own element: widening never goes past one that holds the text.
SEMANTIC_BOUNDARIES = frozenset({"article", "main"})
# Page-level elements: a comment class on them is a page state ("has-comments"), when they hold
# much of the page's text.
PAGE_TAGS = frozenset({"html", "body", "main", "article"})
# Paragraphs inside these (below the container being widened) are teasers of other stories.
TEASER_TAGS = frozenset({"article", "li"})
# ...when at least this share of their text is links (a teaser's headline is its link; a
# paragraph of the article's own list has at most a citation or two).
TEASER_LINK_SHARE = 0.15

# Class/id words of comment sections: dropped even when longer than the article itself.
_COMMENT_HINT_RE = re.compile(
    r"comment(?!ar)|komment|comentari|disqus|respond\b|replies|discussion|forum|talkback"
)
# Class/id words of other boilerplate (word-ish boundaries so "shadow" never reads as "ad").
_NEG_HINT_RE = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|related|newsletter|subscri\w*|cookie|consent|gdpr|"
    r"promo\w*|advert\w*|ads?|adslot|dfp|sponsor\w*|outbrain|taboola|recirc\w*|recommend\w*|"
    r"popular|trending|most-?read|breadcrumbs?|sidebar|widget|popup|modal|signup|sign-up|"
    r"byline|author\w*|tags?|toolbar|menu|nav\w*|footer|masthead|skip|caption|credits?|"
    r"print|pagination|pager|more-?stories|read-?more|also|hidden|sr-only|visually-hidden|"
    r"meta|bio|teaser|rail|banner|paywall|inline-?ad|linkbox|tools|follow|donate|"
    r"partner|embed|newsletter\w*|photo|gallery|video|audio)(?=$|[\s_-])"
)
# A sign-up box (the pitch and the form around an e-mail field) holds at most this much text.
MAX_SIGNUP_BOX_CHARS = 400
# Embedded social-media posts: the blockquote an embed script would replace, holding the text.
_EMBEDDED_POST_RE = re.compile(r"twitter-tweet|bluesky-embed|text-post-media|mastodon-embed")
_POS_HINT_RE = re.compile(
    r"article|body|content|entry|main|post|story|text|prose|blog|hentry|paragraph"
)
_BYLINE_HINT_RE = re.compile(r"(?:^|[\s_-])(?:byline|author|by-?line|contributor)")
# A container hidden by a class is read only when it holds this share of the page's text.
HIDDEN_WRAPPER_SHARE = 0.8
# Class names of CSS frameworks and CMSs that hide an element (display: none).
HIDDEN_CLASSES = frozenset(
    "hidden d-none hide is-hidden u-hidden invisible display-none js-hidden".split()
)
# Class names of the card a link in a sentence shows on hover (a person's profile); utility
# classes with a colon ("hover:underline") are styles, not cards.
_POPUP_CARD_RE = re.compile(
    r"^(?:[\w-]*[-_])?(?:card|tooltip|popover|popup|hovercard)(?:[-_][\w-]*)?$", re.IGNORECASE
)
# Elements that hold running text: a link inside them is part of a sentence.
PROSE_TAGS = frozenset({"p", "li", "dd", "td", "blockquote"})
# Class words of collapsed article parts that a reader opens.
_COLLAPSED_RE = re.compile(
    r"accordion|collaps|tab-?pane|tab-?panel|faq|answer|toggle|expand|spoiler"
)
# Responsive classes that show a hidden element again at some screen size.
_SHOWN_AT_SIZE_RE = re.compile(
    r"^(?:\w+:)(?:block|flex|grid|inline|inline-block|inline-flex|table|contents)$|"
    r"^d-(?:sm|md|lg|xl|xxl)-(?:block|flex|grid|inline|inline-block|table)$"
)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

# A paragraph-like block: at least this many characters of text...
MIN_PARAGRAPH_CHARS = 40
# ...of which at most this share sits in links (teasers and menus are mostly links).
MAX_PARAGRAPH_LINK_DENSITY = 0.3
# ...and at most this share of digits: a stock ticker or a score table is not prose.
MAX_PARAGRAPH_DIGITS = 0.3
_NO_DIGITS = str.maketrans("", "", "0123456789")
# Lists whose items may be the article's own text when a sentence leads into them.
LIST_TAGS = frozenset({"ul", "ol"})
# A sentence leading into a list has at least this many words: "Related:" or "Read more:"
# labels a menu of links, "A few patches were merged upstream:" introduces the article's list.
MIN_LEAD_IN_WORDS = 5
# Output blocks that are mostly link text are menus and "read more" lists, not article text.
MAX_BLOCK_LINK_DENSITY = 0.5
# List items count less than paragraphs when choosing the container: articles are written in
# paragraphs, while long list items are mostly teaser lists of other stories.
LIST_ITEM_WEIGHT = 0.5
MAX_LABEL_CHARS = 80
# "By Jane Doe" on its own line: the byline, which metadata carries.
_BYLINE_LINE_RE = re.compile(r"^(?:by|von|por|par|di|oleh)\s+[^.!?]{2,50}$", re.IGNORECASE)
MAX_DATELINE_EXTRA_WORDS = 3
# Lines just above the article that are searched for its byline and dateline.
MAX_HEADER_LINES = 8
_WORD_RE = re.compile(r"[^\W\d_]+")  # words of letters only: times and numbers don't count
# A timestamp in a short line: a date, a clock time or "3 hours ago".
_TIMESTAMP_RE = re.compile(DATE_IN_LINE_RE.pattern + r"|\b\d{1,2}:\d{2}\b|\bago\b", re.IGNORECASE)
SENTENCE_END = frozenset(".!?…。！？")
_COPYRIGHT_RE = re.compile(r"^(?:©|\(c\)|copyright\b)", re.IGNORECASE)
# htmldate's search of a whole page takes about fifteen times the page's size in memory:
# beyond this many characters it gets the page without scripts and boilerplate, and only the
# start of that, where the head and the article's top (its dateline) are: its cost is then
# bounded whatever the page's size (a 1.8 MB DEV page: +2.4 MB of heap with the whole
# stripped page, 470,000 characters; +1.2 MB with its first 200,000).
MAX_DATE_SEARCH_CHARS = 1_000_000
MAX_STRIPPED_DATE_SEARCH_CHARS = 200_000
# A boilerplate class/id hint is overruled when the element holds this share of the page's
# paragraph text: then it is a wrapper of the article ("has-sidebar", "paywall"). Measured on
# DEV: hinted boilerplate holds at most ~35% of a page's paragraph text, wrappers 50% or more.
HINT_OVERRIDE_SHARE = 0.45
# A container with at least this many timestamp lines, one per two paragraphs or more, is a
# list of posts (comments without class hints, teaser lists); its score is cut to a fifth.
MIN_POST_STAMPS = 3
POST_STAMP_SHARE = 0.5
POST_LIST_PENALTY = 0.2
# A dated container with at most this many paragraphs is one post, not an article.
MAX_POST_PARAGRAPHS = 2
# An itemprop="articleBody" element is trusted when it holds this much paragraph text.
MIN_ITEMPROP_BODY_CHARS = 100
# ...and at least this share of the text of the best-scored container (a summary or teaser
# wrongly marked as the body must not replace the real body).
ITEMPROP_MIN_SHARE = 0.25
# Comment sections are dropped when the page holds at least this much other paragraph text.
MIN_TEXT_OUTSIDE_COMMENTS = 200
# Widening to a parent needs the parent's extra text to be mostly article-like (not links)...
WIDEN_GOOD_TO_JUNK = 2.0
# ...and substantial.
WIDEN_MIN_CHARS = 150
# JSON-LD articleBody replaces visible text that holds less than this share of its tokens.
PAYWALL_MAX_SHARE = 0.7
# The visible text must agree with the articleBody (most visible words appear in it).
BODY_AGREEMENT = 0.6
_BODY_BREAK_RE = re.compile(r"<br\s*/?>|</p\s*>|</h[1-6]\s*>|</li\s*>", re.IGNORECASE)
_BODY_TAG_RE = re.compile(r"<[a-zA-Z/!][^>]*>")
# The walker stops descending beyond this depth; real pages stay far below it, and lxml
# itself caps HTML nesting at 256 levels.
MAX_DEPTH = 400


@dataclass(slots=True)
class _Block:
    text: str
    length: int
    link_length: int
    tag: str
    chain: tuple[int, ...]  # ids of the containers around it, outermost first
    bad: bool  # inside structural boilerplate or a hidden element
    paragraph_like: bool  # long enough, few links, not a heading: reads as article prose
    introduced: bool = False  # an item of a list that a sentence of the text leads into


class _Precleaned(NamedTuple):
    html: str  # the page without raw-text elements, comments and structural boilerplate
    jsonld: list[str]  # the JSON-LD script texts
    noscript: list[str]  # the HTML inside <noscript> elements that hold paragraphs


def _preclean(html: str) -> _Precleaned:
    """Cut raw-text elements, comments and boilerplate elements out of ``html``.

    Returns the smaller HTML, the JSON-LD script texts and the paragraphs inside
    ``<noscript>`` (some blog platforms deliver the post there and draw it with a script).
    The scan is linear: each search starts where the previous one ended, an unclosed raw-text
    element ends the document (as in a browser), and a boilerplate tag that is never closed
    stops being cut from then on, so a 50 MB script or thousands of unclosed tags cost no
    more than reading them once.
    """
    if _CONTROL_RE.search(html):
        html = _CONTROL_RE.sub("", html)
    parts: list[str] = []
    jsonld: list[str] = []
    noscript: list[str] = []
    unclosed: set[str] = set()
    pos = 0
    length = len(html)
    while pos < length:
        match = _CUT_OPEN_RE.search(html, pos)
        if match is None:
            break
        raw_tag, boilerplate_tag = match.group(1), match.group(2)
        if boilerplate_tag is not None:
            tag = boilerplate_tag.lower()
            end = -1 if tag in unclosed else _element_end(html, tag, match.end())
            if end < 0:
                unclosed.add(tag)
                parts.append(html[pos : match.end()])
                pos = match.end()
                continue
            parts.append(html[pos : match.start()])
            pos = end
            continue
        parts.append(html[pos : match.start()])
        if raw_tag is None:  # an HTML comment
            end = html.find("-->", match.end())
            pos = length if end < 0 else end + 3
            continue
        tag_end = html.find(">", match.end())
        if tag_end < 0:
            pos = length
            break
        close = _RAW_CLOSE_RE[raw_tag.lower()].search(html, tag_end + 1)
        if close is None:  # unclosed: the browser treats the rest as its raw text too
            pos = length
            break
        if raw_tag.lower() == "script" and _JSONLD_OPEN_RE.search(html, match.end(), tag_end):
            jsonld.append(html[tag_end + 1 : close.start()])
        elif raw_tag.lower() == "noscript":
            inner = html[tag_end + 1 : close.start()]
            if len(_PARAGRAPH_OPEN_RE.findall(inner)) >= MIN_NOSCRIPT_PARAGRAPHS:
                noscript.append(inner)
        pos = close.end()
    parts.append(html[pos:])
    cleaned = "".join(parts)
    # Cap the element count: parse time grows with it, and no article page comes close.
    beyond = next(islice(_TAG_START_RE.finditer(cleaned), MAX_ELEMENTS, None), None)
    if beyond is not None:
        cleaned = cleaned[: beyond.start()]
    return _Precleaned(cleaned, jsonld, noscript)


def _element_end(html: str, tag: str, start: int) -> int:
    """The position after the end tag matching an open ``tag`` (nesting counted), or -1."""
    depth = 1
    pattern = _NESTED_RE[tag]
    pos = start
    while True:
        match = pattern.search(html, pos)
        if match is None:
            return -1
        depth += -1 if match.group(1) else 1
        if depth == 0:
            close = html.find(">", match.end())
            return -1 if close < 0 else close + 1
        pos = match.end()


Attrs = dict[str, str]


def _attrs(node: Tag) -> Attrs:
    """A tag's attributes, each value a string.

    The soup is built with ``multi_valued_attributes=None``, so class lists stay one string.
    """
    return cast(Attrs, node.attrs)


class _Walker:
    """One iterative walk over the tree: text blocks, container facts and metadata signals."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self.signals = md.Signals()
        self.parent: list[int] = []  # container id -> parent container id (-1 for none)
        self.hint: list[int] = []  # container id -> -2 comments, -1 boilerplate, 0, 1 content
        self.tags: list[str] = []
        # container id -> its class names that carry a boilerplate hint
        self.negative_classes: list[tuple[str, ...]] = []
        self.itemprop_body: list[int] = []  # containers marked itemprop="articleBody"
        self.embedded_posts: list[int] = []  # blockquotes of embedded social-media posts
        self.email_fields: list[int] = []  # containers directly holding an e-mail input
        self.hidden_containers: list[int] = []  # containers a CSS class hides
        self._chain: list[int] = []
        self._buffer: list[str] = []
        self._links = 0
        self._after_break = False

    # -- blocks ---------------------------------------------------------------------------
    def _flush(self, tag: str, bad: bool) -> None:
        self._after_break = False
        if not self._buffer:
            return
        raw = "".join(self._buffer)
        self._buffer = []
        links = self._links
        self._links = 0
        if raw.isspace():  # most flushes: the whitespace between block tags
            return
        if tag == "pre":  # preformatted text keeps its line breaks
            raw = raw.replace("\n", _BREAK)
        lines = [" ".join(line.split()) for line in raw.split(_BREAK)]
        text = "\n".join(line for line in lines if line)
        if text:
            length = len(text)
            links = min(links, length)
            paragraph_like = (
                length >= MIN_PARAGRAPH_CHARS
                and links <= MAX_PARAGRAPH_LINK_DENSITY * length
                and tag not in HEADING_TAGS
                and len(text.translate(_NO_DIGITS)) >= (1 - MAX_PARAGRAPH_DIGITS) * length
            )
            self.blocks.append(
                _Block(text, length, links, tag, tuple(self._chain), bad, paragraph_like)
            )

    def _open_container(self, tag: str, attrs: dict[str, str]) -> int:
        cid = len(self.parent)
        self.parent.append(self._chain[-1] if self._chain else -1)
        self.tags.append(tag)
        hint, negative_classes = _hint(attrs)
        self.negative_classes.append(negative_classes)
        self.hint.append(hint)
        if attrs.get("itemprop") == "articleBody":
            self.itemprop_body.append(cid)
        if tag == "blockquote" and _EMBEDDED_POST_RE.search(attrs.get("class") or ""):
            self.embedded_posts.append(cid)
        return cid

    def _in_prose(self) -> bool:
        """Whether the innermost open container holds running text (a paragraph, an item)."""
        return bool(self._chain) and self.tags[self._chain[-1]] in PROSE_TAGS

    # -- metadata -------------------------------------------------------------------------
    def _in_comments(self, attrs: dict[str, str]) -> bool:
        # Commenters' names are not the article's authors.
        return _hint(attrs)[0] == -2 or any(self.hint[c] == -2 for c in self._chain)

    def _collect_head(self, head: Tag) -> None:
        for node in head.children:
            if isinstance(node, Tag):
                self._collect_tag(node)

    def _collect_tag(self, node: Tag) -> None:
        name = node.name
        attrs = _attrs(node)
        if name == "meta":
            content = attrs.get("content")
            if content is None:
                charset = attrs.get("charset")
                if charset is None:
                    return
                content = charset
            for key in ("property", "name", "itemprop", "http-equiv"):
                value = attrs.get(key)
                if value:
                    self.signals.add_meta(value, content)
        elif name == "link":
            rel = attrs.get("rel")
            href = attrs.get("href")
            if rel and href:
                for word in rel.lower().split():
                    self.signals.links.setdefault(word, href)
        elif name == "title" and self.signals.title is None:
            self.signals.title = node.get_text()

    # -- the walk -------------------------------------------------------------------------
    def walk(self, root: Tag) -> None:
        """Visit every node under ``root`` once, depth first, without recursion."""
        html_tag = root.find("html", recursive=False) if root.name != "html" else root
        if isinstance(html_tag, Tag):
            lang = _attrs(html_tag).get("lang") or _attrs(html_tag).get("xml:lang")
            if lang:
                self.signals.html_lang = lang
        # Stack entries: the parent's (children iterator, tag name, is container) and whether the
        # element being visited is bad or a link; ``bad_depth`` counts open bad elements.
        stack: list[tuple[Iterator[PageElement], str, bool, bool, bool]] = []
        bad_depth = 0
        link_depth = 0
        children: Iterator[PageElement] = iter(root.contents)
        current = ("root", False)
        while True:
            node = next(children, None)
            if node is None:
                if not stack:
                    break
                tag_name, is_container = current
                if is_container:
                    self._flush(tag_name, bad_depth > 0)
                    self._chain.pop()
                children, tag_name, is_container, was_bad, was_link = stack.pop()
                if was_bad:
                    bad_depth -= 1
                if was_link:
                    link_depth -= 1
                current = (tag_name, is_container)
                continue
            if type(node) is NavigableString:
                if link_depth:
                    self._links += len(node)
                self._buffer.append(node)
                if self._after_break and not node.isspace():
                    self._after_break = False
                continue
            if not isinstance(node, Tag):
                continue  # comments, doctypes, processing instructions
            name = node.name
            attrs = _attrs(node)
            if name in SKIP_TAGS and not _swallowed_page(node):
                if name == "head":
                    self._collect_head(node)
                elif name == "img" and attrs.get("itemprop") == "image":
                    self.signals.add_meta("image", attrs.get("src", ""))
                elif name == "input" and self._chain and _email_field(attrs):
                    self.email_fields.append(self._chain[-1])
                continue
            if name == "br":
                if self._after_break:  # <br><br> separates paragraphs in br-formatted text
                    self._flush(current[0], bad_depth > 0)
                else:
                    self._buffer.append(_BREAK)
                    self._after_break = True
                continue
            if name in ("meta", "link", "title"):
                self._collect_tag(node)
                continue
            if name == "time":
                stamp = attrs.get("datetime")
                if stamp:
                    self.signals.times.append(stamp)
            if len(stack) >= MAX_DEPTH:
                continue
            if _hidden(attrs):
                continue
            bad = name in BAD_TAGS and not _swallowed_by_boilerplate(node)
            is_container = name in BLOCK_TAGS
            cls = attrs.get("class")
            class_hidden = bool(cls) and _hidden_class(cls)
            if class_hidden and not is_container:
                continue  # hidden inline text: a tooltip, a pop-up card's body
            if link_depth and cls and self._in_prose() and _popup_card(cls):
                continue  # a name card that pops up over a link: not the sentence's words
            is_link = name == "a"
            if len(self.signals.bylines) < 5 and _is_byline(attrs) and not self._in_comments(attrs):
                byline = " ".join(node.get_text(" ").split())
                if byline and len(byline) < 200:
                    self.signals.bylines.append(byline)
            if name == "h1" and bad_depth == 0 and len(self.signals.h1) < 3:
                text = node.get_text(" ", strip=True)
                if text:
                    self.signals.h1.append(text)
            if is_container:
                self._flush(current[0], bad_depth > 0)
                self._chain.append(self._open_container(name, attrs))
                if class_hidden:
                    self.hidden_containers.append(self._chain[-1])
            if bad:
                bad_depth += 1
            if is_link:
                link_depth += 1
            stack.append((children, current[0], current[1], bad, is_link))
            children = iter(node.contents)
            current = (name, is_container)
        self._flush(current[0], bad_depth > 0)


def _hint(attrs: dict[str, str]) -> tuple[int, tuple[str, ...]]:
    """The element's class/id hint and its class names that carry a boilerplate hint.

    Hint: -2 for comment sections, -1 for other boilerplate, 1 for content, 0 for neither.
    """
    cls = attrs.get("class")
    ident = attrs.get("id")
    if not cls and not ident:
        return _NO_HINT
    return _hint_of(cls or "", ident or "")


_NO_HINT: tuple[int, tuple[str, ...]] = (0, ())


@lru_cache(maxsize=4096)  # pages repeat the same class names on hundreds of elements
def _hint_of(cls: str, ident: str) -> tuple[int, tuple[str, ...]]:
    cls = cls.lower()
    key = f"{cls} {ident.lower()}"
    negative = tuple(name for name in cls.split() if _NEG_HINT_RE.search(f" {name} "))
    if _COMMENT_HINT_RE.search(key):
        return -2, negative
    if _NEG_HINT_RE.search(key):
        if _POS_HINT_RE.search(key) and "share" not in key:
            return 0, negative
        return -1, negative
    if _POS_HINT_RE.search(key):
        return 1, negative
    return 0, negative


def _swallowed_page(node: Tag) -> bool:
    """A skipped element that holds the page's content: its end tag is missing or misparsed.

    ``<button><div>...`` never closed makes lxml put the rest of the page inside the button
    (a figure holding a table sometimes ends up the same way); a browser shows that content, so
    the walk must go in. Real controls and figures hold a label, an icon or a caption, never
    sections of text.
    """
    if node.name not in SWALLOWING_TAGS:
        return False
    if node.find(SWALLOWED_MARKERS) is not None:
        return True
    return len(node.find_all("p", limit=MIN_SWALLOWED_PARAGRAPHS)) >= MIN_SWALLOWED_PARAGRAPHS


def _swallowed_by_boilerplate(node: Tag) -> bool:
    """A nav, aside or footer holding ``<main>``: never closed, it took in the whole page."""
    return node.find("main") is not None


def _hidden(attrs: dict[str, str]) -> bool:
    if "hidden" in attrs:
        # Streaming server rendering sends each finished part in a hidden block that a script
        # moves into place (React: id "S:<n>"); it holds the page's real content.
        return not _STREAMED_SEGMENT_RE.match(attrs.get("id") or "")
    style = attrs.get("style")
    return bool(style and _HIDDEN_STYLE_RE.search(style))


@lru_cache(maxsize=4096)
def _hidden_class(cls: str) -> bool:
    """Whether a class list hides the element (CSS frameworks' "hidden", "d-none"...).

    A responsive class that shows it again at some screen size ("hidden md:block") means it
    is visible on a desktop, which is what the page's text is written for. Collapsed parts of
    the article (an accordion's answers, a tab's panel) are hidden only until a reader opens
    them: they are text of the page.
    """
    lowered = cls.lower()
    names = lowered.split()
    if not any(n in HIDDEN_CLASSES for n in names) or _COLLAPSED_RE.search(lowered):
        return False
    return not any(_SHOWN_AT_SIZE_RE.match(n) for n in names)


@lru_cache(maxsize=4096)
def _popup_card(cls: str) -> bool:
    return any(_POPUP_CARD_RE.match(name) for name in cls.split())


def _is_byline(attrs: dict[str, str]) -> bool:
    if not attrs:
        return False
    if attrs.get("rel") == "author" or attrs.get("itemprop") == "author":
        return True
    cls = attrs.get("class")
    return bool(cls) and _byline_class(cls)


@lru_cache(maxsize=4096)
def _byline_class(cls: str) -> bool:
    return _BYLINE_HINT_RE.search(cls.lower()) is not None


def _choose_blocks(walker: _Walker) -> list[_Block]:
    """The blocks of the article: boilerplate dropped, best container chosen and widened."""
    count = len(walker.parent)
    if count == 0:
        return []
    blocks = walker.blocks
    # Paragraph text inside each container, to judge class/id hints against the whole page.
    para = [0] * count
    total_para = 0
    for block in blocks:
        if block.paragraph_like and not block.bad:
            total_para += block.length
            for cid in block.chain:
                para[cid] += block.length
    layout = _layout_classes(walker, blocks, total_para)
    dropped = [False] * count
    for cid in range(count):
        hint = walker.hint[cid]
        if hint == -2:
            # "comments-open" on <body> or <article> describes the page, not a comment section.
            wrapper = (
                walker.tags[cid] in PAGE_TAGS and para[cid] >= HINT_OVERRIDE_SHARE * total_para
            )
            dropped[cid] = not wrapper and total_para - para[cid] >= MIN_TEXT_OUTSIDE_COMMENTS
        elif hint == -1:
            # A boilerplate hint is believed unless the element holds much of the page's text,
            # or its hinted class names are the page's layout (page builders wrap every piece
            # of the article in "widget" elements).
            negative = walker.negative_classes[cid]
            dropped[cid] = para[cid] < HINT_OVERRIDE_SHARE * total_para and not (
                negative and all(name in layout for name in negative)
            )
    for cid in walker.hidden_containers:
        # Hidden by a class: a pop-up or a menu, unless it wraps the whole page (a script
        # reveals it once loaded).
        dropped[cid] = dropped[cid] or para[cid] < HIDDEN_WRAPPER_SHARE * total_para
    _keep_embedded_posts(walker, para, dropped)
    _drop_signup_boxes(walker, blocks, dropped)
    kept = [b for b in blocks if not b.bad and not any(dropped[c] for c in b.chain)]
    if not kept:
        return []
    _mark_introduced_lists(walker, kept)
    data_rows = _data_rows(kept)
    # Score containers by the paragraph text they hold, discounting distant descendants so that
    # the element that directly holds the paragraphs beats the page wrappers around it.
    score = [0.0] * count
    good = [0.0] * count
    junk = [0] * count
    paragraphs = [0] * count
    stamps = [0] * count
    chars = [0] * count
    linked = [0] * count
    child_containers = [0] * count
    for cid in range(count):
        if walker.parent[cid] >= 0:
            child_containers[walker.parent[cid]] += 1
    # One byte per container, not a list of pointers: a big page has tens of thousands.
    branching = bytes(1 if n != 1 else 0 for n in child_containers)
    del child_containers
    for block in kept:
        for cid in block.chain:
            chars[cid] += block.length
            linked[cid] += block.link_length
        if block.paragraph_like:
            weight = block.length * (LIST_ITEM_WEIGHT if block.tag == "li" else 1.0)
            distance = 0
            for cid in reversed(block.chain):
                score[cid] += weight / (1 + max(0, distance - 1))
                good[cid] += weight
                paragraphs[cid] += 1
                # A wrapper around a single container adds no distance: page builders nest
                # the article's paragraphs ten wrappers deep.
                distance += branching[cid]
        elif block.introduced:
            # The article's own list: text the article is made of, though not prose to score.
            for cid in block.chain:
                good[cid] += block.length
        else:
            # A date in a data table is a value of the table, not the stamp of a post.
            stamped = (
                block.length <= MAX_LABEL_CHARS
                and not _data_cell(block, data_rows)
                and _TIMESTAMP_RE.search(block.text)
            )
            for cid in block.chain:
                junk[cid] += block.length
                if stamped:
                    stamps[cid] += 1
    unpenalized_best = max(range(count), key=lambda c: (score[c], -c))
    for cid in range(count):
        # Paragraphs that each come with their own timestamp are posts (comments, teasers),
        # not an article: this catches comment sections whose markup carries no hint.
        if _posts(stamps[cid], paragraphs[cid]):
            score[cid] *= POST_LIST_PENALTY
    best = max(range(count), key=lambda c: (score[c], -c))
    if score[best] <= 0:
        return []
    if best != unpenalized_best and stamps[best] and paragraphs[best] <= MAX_POST_PARAGRAPHS:
        # The penalty only narrowed the choice to one dated post: the posts are the page's
        # content (a live blog), not comments beside an article.
        best = unpenalized_best
    # Marked up as the article body by the publisher: an explicit signal that beats scores.
    marked = [
        c
        for c in walker.itemprop_body
        if good[c] >= max(MIN_ITEMPROP_BODY_CHARS, ITEMPROP_MIN_SHARE * good[best])
    ]
    if marked:
        best = max(marked, key=lambda c: good[c])
    posts = [
        _posts(stamps[c] - stamps[best], paragraphs[c] - paragraphs[best]) for c in range(count)
    ]
    # A list item or <article> below the article that links out is another story's teaser;
    # one without links is a part of this article written as a list.
    teaser = bytes(
        walker.tags[c] in TEASER_TAGS and linked[c] >= TEASER_LINK_SHARE * chars[c]
        for c in range(count)
    )
    del chars, linked
    best = _widen(walker, kept, best, good, junk, posts, teaser)
    return [b for b in kept if best in b.chain and (b.introduced or not _link_list(b))]


def _mark_introduced_lists(walker: _Walker, blocks: list[_Block]) -> None:
    """Mark the items of each list that a sentence of the text leads into ("...were merged:").

    A changelog or a list of sources is written as items that are each one link; on their
    own they look like a menu. A sentence of the text ending in a colon just before the list
    says the list is part of what is being written; a menu or a teaser list is introduced, if
    at all, by a heading or a label of a word or two ("Related:", "Read more:").
    """
    lead_in: _Block | None = None
    current_list = -1
    for block in blocks:
        if lead_in is not None:
            # The outermost list that starts right after the sentence (not one around it).
            lists = [
                c for c in block.chain if walker.tags[c] in LIST_TAGS and c not in lead_in.chain
            ]
            current_list = lists[0] if lists else -1
        if current_list >= 0 and current_list in block.chain:
            block.introduced = True
            lead_in = None
            continue
        current_list = -1
        lead_in = block if _leads_into_list(block) else None


def _leads_into_list(block: _Block) -> bool:
    """A sentence of running text that ends in a colon (not a label, not a link)."""
    return (
        block.text.endswith(":")
        and block.link_length <= MAX_PARAGRAPH_LINK_DENSITY * block.length
        and block.tag not in HEADING_TAGS
        and len(_WORD_RE.findall(block.text)) >= MIN_LEAD_IN_WORDS
    )


def _email_field(attrs: Attrs) -> bool:
    """An input that asks for an e-mail address."""
    return attrs.get("type") == "email" or "email" in (attrs.get("name") or "").lower()


def _drop_signup_boxes(walker: _Walker, blocks: list[_Block], dropped: list[bool]) -> None:
    """Drop the box around each e-mail field: a newsletter or comment sign-up, not the article.

    The box is the largest ancestor of the field holding little text (a heading, a pitch and
    the form), so a promotion inside the article goes while the article stays.
    """
    if not walker.email_fields:
        return
    chars = [0] * len(walker.parent)
    for block in blocks:
        for cid in block.chain:
            chars[cid] += block.length
    for field_box in walker.email_fields:
        box = field_box
        while walker.parent[box] >= 0 and chars[walker.parent[box]] <= MAX_SIGNUP_BOX_CHARS:
            box = walker.parent[box]
        if chars[box] <= MAX_SIGNUP_BOX_CHARS:
            dropped[box] = True


def _keep_embedded_posts(walker: _Walker, para: list[int], dropped: list[bool]) -> None:
    """Keep the wrappers of an embedded post (a quoted tweet) that hold nothing else.

    Embeds come in wrappers named for media ("video-container", "embed"); the post quoted
    inside is part of the article's text.
    """
    for post in walker.embedded_posts:
        wrapper = walker.parent[post]
        while wrapper >= 0 and para[wrapper] <= para[post]:
            if walker.hint[wrapper] != -2:
                dropped[wrapper] = False
            wrapper = walker.parent[wrapper]


def _layout_classes(walker: _Walker, blocks: list[_Block], total_para: int) -> set[str]:
    """Boilerplate-hinted class names whose elements together hold much of the page's text.

    One element can be a wrapper whose name misleads ("has-sidebar"); a class name shared by
    the elements that hold most of the paragraphs is how the page is laid out, not a box of
    boilerplate beside the article.
    """
    held: dict[str, int] = {}
    for block in blocks:
        if not block.paragraph_like or block.bad:
            continue
        names = {name for cid in block.chain for name in walker.negative_classes[cid]}
        for name in names:
            held[name] = held.get(name, 0) + block.length
    return {name for name, chars in held.items() if chars >= HINT_OVERRIDE_SHARE * total_para}


def _link_list(block: _Block) -> bool:
    """Mostly link text: a menu or a "read more" list, unless a single data-table cell."""
    if block.link_length <= MAX_BLOCK_LINK_DENSITY * block.length:
        return False
    # A short linked cell in a data table (a ticker symbol, a team) is data; a column of
    # links in a layout table is navigation.
    return block.tag not in CELL_TAGS or "\n" in block.text or len(block.text.split()) > 3


def _posts(stamps: int, paragraphs: int) -> bool:
    """Whether a run of blocks with these counts reads as a list of dated posts."""
    return stamps >= MIN_POST_STAMPS and stamps >= POST_STAMP_SHARE * paragraphs


def _widen(
    walker: _Walker,
    kept: list[_Block],
    best: int,
    good: list[float],
    junk: list[int],
    posts: list[bool],
    teaser: bytes,
) -> int:
    """Widen the chosen container while its parent adds article-like text, not teasers.

    Bodies split around an ad slot or an inline widget need this; related-story lists beside
    the article must not be swept in. So the parent's extra paragraphs count only when they are
    not inside other ``<article>`` elements or list items (how teaser lists are built), and an
    ``<article>`` or ``<main>`` element that holds the text is never widened past.
    """
    candidate = best
    while walker.parent[candidate] >= 0:
        if walker.tags[candidate] in SEMANTIC_BOUNDARIES and good[candidate]:
            break
        parent = walker.parent[candidate]
        if posts[parent]:
            break  # what the parent adds is a list of dated posts (comments), not more body
        extra_junk = junk[parent] - junk[best]
        extra_good = 0
        if good[parent] > good[best]:
            for block in kept:
                if not (block.paragraph_like or block.introduced):
                    continue
                if parent not in block.chain or best in block.chain:
                    continue
                inner = block.chain[block.chain.index(parent) + 1 :]
                if not block.introduced and any(teaser[c] for c in inner):
                    extra_junk += block.length
                else:
                    extra_good += block.length
        candidate = parent
        if extra_good >= WIDEN_MIN_CHARS and extra_good >= WIDEN_GOOD_TO_JUNK * extra_junk:
            best = parent
        elif extra_good == 0 and extra_junk == 0:
            best = parent  # a wrapper that adds nothing: harmless, keeps headings in
        elif extra_good or extra_junk >= WIDEN_MIN_CHARS:
            break
        # else: the step adds only a heading or a label; the article may be split into
        # sibling sections, so the next ancestors are judged against the current best.
    return best


def _date_search_html(html: str, stripped: str) -> str:
    """What htmldate searches: the page, or for a huge page the start of its stripped form."""
    if len(html) <= MAX_DATE_SEARCH_CHARS:
        return html
    return stripped[:MAX_STRIPPED_DATE_SEARCH_CHARS]


def _scan_header_lines(blocks: list[_Block], first: _Block, signals: md.Signals) -> None:
    """Record bylines and datelines shown between the page top and the article's first block.

    They often sit just outside the body's container, where ``_compose`` never sees them.
    """
    header: list[str] = []
    for block in blocks:
        if block is first:
            break
        if not block.bad and block.length <= MAX_LABEL_CHARS * 3:
            header.extend(block.text.split("\n"))
    # The lines nearest to the article are its own; the page top may hold other stories'.
    for line in header[-MAX_HEADER_LINES:]:
        _is_label(line, signals, signals.header_dates)


def _compose(blocks: list[_Block], title: str | None, signals: md.Signals) -> str:
    """The article text: label lines and the headline dropped, table rows joined."""
    norm_title = md.normalize_text(title) if title else None
    paragraphs: list[str] = []
    previous_row = -1
    data_rows = _data_rows(blocks)
    for block in blocks:
        if block.tag in HEADING_TAGS or _data_cell(block, data_rows):
            # A date in a data table's cell is a value of the table, not the article's dateline.
            lines = [block.text]
        else:
            lines = [
                line
                for line in block.text.split("\n")
                if not _is_label(line, signals, signals.text_dates)
            ]
        if norm_title:
            lines = [line for line in lines if md.normalize_text(line) != norm_title]
        if not lines:
            continue
        text = "\n".join(lines)
        row = block.chain[-2] if block.tag in CELL_TAGS and len(block.chain) > 1 else -1
        if row >= 0 and row == previous_row:
            paragraphs[-1] += " " + text
        else:
            paragraphs.append(text)
        previous_row = row
    return "\n\n".join(paragraphs)


def _data_rows(blocks: list[_Block]) -> set[int]:
    """The table rows that hold several cells: rows of a data table, not a layout table."""
    cells: dict[int, int] = {}
    for block in blocks:
        if block.tag in CELL_TAGS and len(block.chain) > 1:
            row = block.chain[-2]
            cells[row] = cells.get(row, 0) + 1
    return {row for row, count in cells.items() if count > 1}


def _data_cell(block: _Block, data_rows: set[int]) -> bool:
    """A cell of a data table's row (``data_rows`` from ``_data_rows``)."""
    return block.tag in CELL_TAGS and len(block.chain) > 1 and block.chain[-2] in data_rows


def _is_label(line: str, signals: md.Signals, datelines: list[str]) -> bool:
    """A short line that is a dateline, a byline or a copyright notice, not prose.

    Datelines and bylines are kept as metadata signals: some pages have no other.
    """
    if len(line) > MAX_LABEL_CHARS:
        return False
    if _BYLINE_LINE_RE.match(line):
        signals.bylines.append(line)
        return True
    date = DATE_IN_LINE_RE.search(line)
    if date and line[-1:] not in SENTENCE_END and "@" not in line:
        rest = line[: date.start()] + line[date.end() :]
        # A dateline may name the author or say "Updated" and a time; an embedded post's
        # credit line ("— Name (@handle) May 5, 2024") is part of the quoted post.
        if len(_WORD_RE.findall(rest)) <= MAX_DATELINE_EXTRA_WORDS:
            datelines.append(line)
            return True
    return _COPYRIGHT_RE.match(line) is not None


def _shown_as_credit(html: str, name: str) -> bool:
    """Whether the page shows ``name`` as a credit.

    Either an element holds just the name (after "By"), or the name follows "by" and any tags.
    """
    escaped = re.escape(html_escape(name, quote=False))
    pattern = (
        rf">\s*(?:(?:written |posted )?by:?\s*)?{escaped}\s*<|"
        rf"\bby:?\s*(?:<[^>]{{0,300}}>\s*){{0,4}}{escaped}\b"
    )
    return re.search(pattern, html, re.IGNORECASE) is not None


def _page_lines(blocks: list[_Block]) -> Iterator[str]:
    """The lines of the page's text outside structural boilerplate, in document order."""
    for block in blocks:
        if not block.bad:
            yield from block.text.split("\n")


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _apply_jsonld_body(text: str, body: str | None) -> str:
    """Prefer the JSON-LD ``articleBody`` when the visible text is a cut-down part of it."""
    if not body:
        return text
    body_text = _paragraphs(body)
    if not text:
        return body_text
    visible = _tokens(text)
    full = _tokens(body_text)
    if not full or len(visible) >= PAYWALL_MAX_SHARE * len(full):
        return text
    vocabulary = set(full)
    agreeing = sum(1 for t in visible if t in vocabulary)
    return body_text if agreeing >= BODY_AGREEMENT * len(visible) else text


def _paragraphs(body: str) -> str:
    """JSON-LD bodies come as one string; keep their line breaks as paragraph breaks.

    Some sites put HTML in ``articleBody``: paragraph and line-break tags become breaks and
    other tags go (the markup is small and trusted as text only, so a regex is enough).
    """
    if "<" in body:
        body = _BODY_BREAK_RE.sub("\n", body)
        body = _BODY_TAG_RE.sub("", body)
    body = html_unescape(body) if "&" in body else body
    lines = [" ".join(line.split()) for line in re.split(r"\n\s*\n|\r\n|\n", body)]
    return "\n\n".join(line for line in lines if line)


def _walk(html: str) -> _Walker:
    """Parse ``html`` (already precleaned) and walk it once."""
    soup = BeautifulSoup(html, "lxml", multi_valued_attributes=None)
    walker = _Walker()
    walker.walk(soup)
    return walker


def _prefer_noscript_post(text: str, noscript: list[str], title: str | None) -> str:
    """The post inside ``<noscript>`` when the page around it shows much less text.

    A reader without JavaScript sees the noscript content; where a script draws the post,
    the page itself holds only a placeholder. A noscript copy of a post also shown on the
    page adds nothing, so it is only taken when it holds far more words.
    """
    walker = _walk("".join(noscript))
    alternative = _compose(_choose_blocks(walker), title, md.Signals())
    if len(_tokens(alternative)) > NOSCRIPT_LONGER * len(_tokens(text)):
        return alternative
    return text


def extract_article(html: str, url: str | None = None) -> Article:
    """Find the article body and metadata in ``html``; raise ``NoArticle`` when there is none."""
    if not isinstance(html, str):
        raise NoArticle("page is not text")
    page = _preclean(html)
    walker = _walk(page.html)
    signals = walker.signals
    for raw in page.jsonld:
        articles, web_pages = md.parse_jsonld(raw)
        signals.jsonld.extend(articles)
        signals.jsonld_pages.extend(web_pages)

    site_name = md.find_site_name(signals)
    title = md.find_title(signals, site_name)
    blocks = _choose_blocks(walker)
    if blocks:
        # The lines above the article's first paragraph: its header, in or out of the container.
        first = next((b for b in blocks if b.paragraph_like), blocks[0])
        _scan_header_lines(walker.blocks, first, signals)
    # The headline is metadata, not body text: _compose drops it.
    text = _compose(blocks, title, signals)
    if page.noscript:
        text = _prefer_noscript_post(text, page.noscript, title)
    text = _apply_jsonld_body(text, md.article_body(signals))
    if not text.strip():
        raise NoArticle("no article text found on the page")
    return Article(
        text=text,
        title=title,
        authors=md.find_authors(signals, site_name, lambda name: _shown_as_credit(html, name)),
        published=md.find_published(signals, url)
        or md.find_shown_date(_page_lines(walker.blocks), signals)
        or find_page_date(_date_search_html(html, page.html)),
        language=md.find_language(signals),
        canonical_url=md.find_canonical(signals, url),
        site_name=site_name,
        top_image=md.find_top_image(signals, url),
        description=md.find_description(signals),
    )
