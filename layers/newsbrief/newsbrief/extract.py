"""Extract stage: the main article text and metadata of an HTML page (BeautifulSoup + lxml)."""

from __future__ import annotations

from .models import Article


def extract_article(html: str, url: str | None = None) -> Article:
    """Find the article body and metadata in ``html``; raise ``NoArticle`` when there is none."""
    raise NotImplementedError
