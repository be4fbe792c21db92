"""Language identification for text with no declared language; per-language stop words and stemmers.

Detection counts function words: news prose in any of the supported languages is ~40% stop
words, and the lists of two languages overlap little once a few hundred words are read.
The lists are sumy's bundled ones (read as data, without importing sumy and its NLTK
dependency) plus a Russian list of our own, since sumy ships none.

Stemming uses the Snowball stemmers of ``snowballstemmer`` (the Snowball project's own Python
build, ~30 ms to import): sumy's stemmers would pull in all of NLTK (~0.5 s of a cold start).
sumy's own stemmers serve the languages Snowball does not cover the way sumy does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from importlib import resources

from .sentences import tokenize_words

# ISO 639-1 code -> the language name sumy uses for its stemmers and stop-word files (sumy
# has stemmers for all of these, via NLTK's Snowball, but stop words for some only).
LANGUAGE_NAMES: dict[str, str] = {
    "ar": "arabic",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "he": "hebrew",
    "hu": "hungarian",
    "it": "italian",
    "ja": "japanese",
    "ko": "korean",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sk": "slovak",
    "sv": "swedish",
    "uk": "ukrainian",
    "zh": "chinese",
}
# Languages told apart by their stop words; the others are found by their script alone.
_WORD_LANGUAGES = ("cs", "de", "en", "es", "fr", "it", "pl", "pt", "ru", "sk", "sv", "uk")
# Only the first words are read: a few hundred settle the question, and detection stays
# fast on book-length input.
MAX_WORDS = 1000
# Fewer stop-word hits than this is too little evidence (a headline, a list of names).
MIN_HITS = 3
# News prose is 30-50% stop words; below this share of the words the text is in a language
# with no list (its words then hit look-alike lists at random) or is no prose at all.
MIN_SHARE = 0.1
# The winner must have this many times the hits of the runner-up: measured on real pages, the
# right list gets 4-10x the hits of the next one, mixed or unlisted languages far less.
MIN_MARGIN = 2.0

# Stemmed words remembered (across calls: news vocabulary repeats); bounds memory on Lambda.
STEM_CACHE_SIZE = 100_000

_OWN_LISTS = {"ru": "stopwords-ru.txt"}
_KANA = re.compile(r"[\u3040-\u30ff]")  # hiragana and katakana: only Japanese has them
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SCRIPTS = (
    # (pattern, language): scripts that name their language outright.
    (re.compile(r"[\uac00-\ud7af]"), "ko"),  # hangul syllables
    (re.compile(r"[\u0370-\u03ff]"), "el"),
    (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
)
# A script must cover this share of the letters to decide (a Greek letter in a formula does not).
_SCRIPT_SHARE = 0.3
# Japanese mixes kana into its ideographs; Chinese has (almost) none.
_KANA_SHARE = 0.1
_LETTER = re.compile(r"[^\W\d_]")


def normalize_language(language: str | None) -> str | None:
    """The ISO 639-1 code for ``language`` ("en", "EN", "en-US", "english"), else ``None``."""
    if not language or not isinstance(language, str):
        return None
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    if code in LANGUAGE_NAMES:
        return code
    for iso, name in LANGUAGE_NAMES.items():
        if name == code:
            return iso
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def stop_words(language: str | None) -> frozenset[str]:
    """The lower-case stop words of a language (an empty set when none are known)."""
    code = normalize_language(language)
    return _stop_words(code) if code else frozenset()


@cache  # keyed by two-letter codes only, so it stays small
def _stop_words(code: str) -> frozenset[str]:
    if code in _OWN_LISTS:
        data = resources.files("newsbrief").joinpath("data", _OWN_LISTS[code]).read_text("utf-8")
    elif code in LANGUAGE_NAMES:
        path = resources.files("sumy").joinpath("data", "stopwords", f"{LANGUAGE_NAMES[code]}.txt")
        try:
            data = path.read_text("utf-8")
        except FileNotFoundError:
            return frozenset()
    else:
        return frozenset()
    return frozenset(
        w.strip().lower() for w in data.splitlines() if w.strip() and not w.startswith("#")
    )


# sumy's own stemmers (Czech/Slovak, Greek, Polish, Ukrainian; none for Hebrew and CJK): kept
# for these languages, at the price of importing NLTK (sumy's stemmer package needs it).
SUMY_STEMMED = frozenset({"cs", "sk", "el", "pl", "uk"})
# NLTK's (and so sumy's) Dutch is Snowball's original Dutch algorithm; snowballstemmer 3 calls
# that one "dutch_porter" and gives "dutch" to the newer Kraaij-Pohlmann variant.
SNOWBALL_ALGORITHMS = {"dutch": "dutch_porter"}


def _base_stemmer(language: str, name: str) -> Callable[[str], str] | None:
    """A word -> stem function for ``language``, or ``None`` when there is none."""
    if language in SUMY_STEMMED:
        from sumy.nlp.stemmers import Stemmer  # imports NLTK: only for these languages

        sumy_stem: Callable[[str], str] = Stemmer(name)
        return sumy_stem
    import snowballstemmer

    algorithm = SNOWBALL_ALGORITHMS.get(name, name)
    if algorithm not in snowballstemmer.algorithms():
        return None  # Hebrew, Chinese, Japanese, Korean: words stay whole
    snowball_stem: Callable[[str], str] = snowballstemmer.stemmer(algorithm).stemWord
    return snowball_stem


@cache  # keyed by two-letter codes (callers normalize first), so it stays small
def word_stemmer(language: str | None) -> Callable[[str], str]:
    """The word -> stem function of a language (ISO 639-1), cached; lower-casing when none.

    Used by every summarizer, newsbrief's own and sumy's, so they all stem alike.
    """
    name = LANGUAGE_NAMES.get(language or "")
    if name is None or language is None:
        return str.lower
    try:
        stem = _base_stemmer(language, name)
        if stem is None:
            return str.lower
        # Some of sumy's stemmers need an optional package (Polish: pystempel) and only
        # say so on their first word: find out now, once.
        stem("probe")
    except (LookupError, ValueError, ImportError):  # no usable stemmer: words stay whole
        return str.lower

    @lru_cache(maxsize=STEM_CACHE_SIZE)
    def cached(word: str) -> str:
        return stem(word.lower())

    return cached


def _script_language(text: str) -> str | None:
    letters = len(_LETTER.findall(text))
    if not letters:
        return None
    kana, han = len(_KANA.findall(text)), len(_HAN.findall(text))
    if kana + han >= _SCRIPT_SHARE * letters:
        return "ja" if kana >= _KANA_SHARE * (kana + han) else "zh"
    for pattern, code in _SCRIPTS:
        if len(pattern.findall(text)) >= _SCRIPT_SHARE * letters:
            return code
    return None


def detect_language(text: str) -> str | None:
    """Guess the ISO 639-1 code of ``text`` from its script and stop words; ``None`` when unsure."""
    if not isinstance(text, str) or not text.strip():
        return None
    sample = text[: MAX_WORDS * 12]  # ~12 characters a word: enough text for MAX_WORDS words
    by_script = _script_language(sample)
    if by_script:
        return by_script
    words = [w.lower() for w in tokenize_words(sample)[:MAX_WORDS]]
    lists = {code: _stop_words(code) for code in _WORD_LANGUAGES}
    hits = {code: sum(w in stops for w in words) for code, stops in lists.items()}
    best, runner_up = sorted(hits, key=hits.__getitem__, reverse=True)[:2]
    if hits[best] < max(MIN_HITS, MIN_SHARE * len(words)):
        return None
    if hits[best] < MIN_MARGIN * hits[runner_up]:
        return None
    return best
