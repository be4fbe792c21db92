"""Entities stage: named people, organizations, places and other things, with counts.

A rule-based tagger built for news text, light enough for a Lambda worker (no model weights):

1. Candidates are runs of capitalized tokens in mixed-case lines ("Takuya Takagi",
   "Bank of England"); in ALL-CAPS lines (headlines, some sports tables) only names the
   gazetteer or the rest of the article vouches for count, since capitals say nothing there.
2. Each occurrence collects typed votes from cues: gazetteers built from open packages
   (places, demonyms, first and last names, listed companies, see
   ``layers/newsbrief/build_gazetteer.py``),
   titles ("President", "coach"), company and event suffixes ("Inc", "Cup"), prepositions
   ("in <LOC>"), datelines, sports result tables.
3. Document-level consistency: votes are pooled per surface form, short forms ("Putin",
   "Barrick") join the longer name they abbreviate, country aliases ("U.S." / "United States")
   join, and each entity takes its longest proper form as its name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from .errors import InvalidInput
from .models import Entity, EntityType

PER, ORG, LOC, MISC = "PERSON", "ORGANIZATION", "LOCATION", "OTHER"
TYPES: tuple[EntityType, ...] = (PER, ORG, LOC, MISC)

# Words that precede a person's name and are not part of it.
PERSON_TITLES = frozenset(
    """mr mrs ms miss dr prof sir dame lord lady president chancellor minister
    secretary senator sen rep gov governor mayor king queen prince princess pope cardinal
    attorney solicitor surgeon postmaster chair chairperson founder co-founder premier
    justice justices judges senators constable commissioner superintendent
    bishop archbishop rabbi sheikh gen colonel col captain capt lieutenant sergeant
    admiral judge ambassador envoy spokesman spokeswoman chairman chairwoman director
    coach manager striker midfielder defender goalkeeper keeper forward winger captain skipper
    batsman bowler opener spinner paceman seamer all-rounder wicketkeeper quarterback
    pitcher outfielder champion leader deputy vice chief executive
    analyst economist trader dealer official officer commander inspector detective
    correspondent editor reporter writer author singer actor actress veteran rookie
    compatriot countryman teammate team-mate rival opponent father mother son daughter wife
    husband brother sister uncle aunt cousin widow ceo cfo coo cto""".split()
)
# Verbs and phrases that follow a person (or an organization) speaking.
SPEECH_VERBS = frozenset("said says told added tells saying asked replied".split())
# Last words that make a span an organization.
ORG_SUFFIXES = frozenset(
    """inc inc. corp corp. co co. ltd ltd. plc llc ag sa nv gmbh bv spa ab oyj asa as kk
    group holdings holding bank banks party association federation union council committee
    commission ministry department agency exchange institute university college club fc
    united rovers athletic wanderers city airlines airways motors industries corporation
    company bureau office board authority organisation organization service services news
    times post journal television tv radio newsroom newsdesk desk fund trust securities
    capital partners systems technologies technology electric electronics energy oil
    petroleum mining mines resources telecom telecommunications communications church army
    navy police front movement parliament senate congress assembly court cabinet foundation
    society hospital school reserve cement steel chemical chemicals pharmaceuticals
    pharmaceutical insurance investment investments stores brothers bros re gold airport
    agency press herald tribune daily weekly gazette network networks broadcasting
    alliance league conference ventures enterprises international nations treasury center
    centre
    """.split()
)
# Sports clubs' names: a last word like these makes a team.
TEAM_SUFFIXES = frozenset("united rovers athletic wanderers city county albion town".split())
# First words that make a span an organization ("Bank of Japan", "University of Texas").
ORG_PREFIXES = frozenset(
    """bank university ministry department association federation union council committee
    commission institute board office church house""".split()
)
# First words of company and club names ("PT Tambang Timah", "AC Milan", "Real Betis").
ORG_FIRST_WORDS = frozenset(
    """pt tbk ac fc sv cf sc vfb vfl tsv afc cd ud rc real atletico athletic sporting racing
    dynamo dinamo spartak lokomotiv olympique olympiakos borussia eintracht fortuna hertha
    bayern inter deportivo partizan slavia sparta rapid steaua""".split()
)
# Last words that make a span a place.
LOC_SUFFIXES = frozenset(
    """river lake mountains mountain mount island islands sea ocean gulf bay valley street
    avenue road square province county state region district strait peninsula desert coast
    heights hills plain canal harbour harbor port beach falls ground stadium arena oval
    circuit bridge tunnel park""".split()
)
LOC_PREFIXES = frozenset("mount lake gulf cape fort port saint st. sierra".split())
# Nations that field national teams and are not sovereign states in ISO 3166, plus common
# short names; in sports pages they stay places while cities become clubs.
NATIONS = frozenset(
    """England Scotland Wales Britain Ireland Northern-Ireland West-Indies Hong-Kong Taiwan
    Palestine Kosovo Europe Asia Africa America Oceania Antarctica""".replace("-", " ").split()
) | frozenset({"Northern Ireland", "West Indies", "Hong Kong", "Great Britain", "South Africa"})
# Compass words: "North Korea", "South African" keep the type of what they qualify.
COMPASS = frozenset("north south east west northern southern eastern western central".split())
# Last words of named events, competitions, wars, prizes: typed OTHER (CoNLL's MISC).
EVENT_SUFFIXES = frozenset(
    """cup open championship championships games olympics olympiad prix series trophy shield
    masters classic award awards prize war marathon rally bowl plate invitational tournament
    festival derby grand-prix tour fire earthquake massacre crisis scandal summit accord
    accords treaty act pact""".split()
)
# First words of named storms and similar events: "Hurricane Milton", "Typhoon Haiyan".
EVENT_PREFIXES = frozenset("hurricane typhoon cyclone storm tropical operation tour".split())
# Ordinals that follow an event's name.
NUMBER_WORDS = frozenset("one two three four five i ii iii iv v vi xxx xxxi".split())
# Religions, peoples, regions' adjectives and other common OTHER words the country
# demonym list lacks.
EXTRA_MISC = frozenset(
    """European Asian African Arab Arabic Latin Nordic Scandinavian Balkan Baltic Caribbean
    Mediterranean Moslem Moslems Muslim Muslims Islamic Islamist
    Christian Christians Catholic Catholics Protestant Protestants Jewish Jew Jews Hindu Hindus
    Sikh Sikhs Buddhist Buddhists Orthodox Anglican Sunni Shi'ite Shiite Kurd Kurds Kurdish
    Palestinian Palestinians Basque Basques Catalan Flemish Walloon Tamil Tamils Zulu Zulus
    Croat Croats Serb Serbs Bosnian Hutu Hutus Tutsi Tutsis Pashtun Uighur Tibetan Cossack
    Gypsy Roma Aboriginal English Scottish Welsh Irish Scots Scot British Britons Briton
    Yugoslav Soviet Czech Slovak Bosnians Chechen Chechens Abkhaz Ossetian Maori Inuit
    Anglo Franco Latino Hispanic Olympic Nobel Internet Republican Republicans Democrat
    Democrats Democratic Conservative Conservatives Socialist Socialists Communist Communists
    Marxist Liberal Liberals Argentine Argentines Swede Swedes Dane Danes Finn Finns Pole
    Poles Turk Turks Spaniard Spaniards Filipino Filipinos Frenchman Englishman Scotsman
    Welshman Irishman Dutchman Nazi Nazis Montenegrin GMT Celsius Fahrenheit Koran Bible""".split()
)
# News agencies sign most wire copy; they are organizations wherever they appear.
NEWS_AGENCIES = frozenset(
    """Reuters Reuter AP AFP Xinhua Interfax Itar-Tass Tass Bloomberg Kyodo Antara Bernama
    ANSA DPA EFE PTI UPI Yonhap""".split()
)
# Company context for a listed company whose name is also a word or a place ("Apple",
# "Target", "Shell"): the words after it ("Apple said", "Target shares"), after its possessive
# ("Apple's chief executive"), and the pairs before it ("shares of Apple", "analysts at Next").
# Verbs of a match result: with a score nearby, the names on both sides are teams ("Leeds
# beat Arsenal 3-0", "drew 1-1 with Chelsea"), whatever else the words may be.
MATCH_VERBS = frozenset(
    """beat beats beating defeated defeat defeats drew draw draws lost lose loses thrashed
    edged routed overcame hammered stunned downed crushed trounced outclassed edge held""".split()
)
_ARTICLES = frozenset({"the", "a", "an"})
_STOPS = frozenset({".", "?", "!", ";"})
_SCORE = re.compile(r"\d{1,3}-\d{1,3}[.,;:]?")  # the tokenizer keeps a final dot
COMPANY_AFTER = frozenset(
    """said says told reported reports announced announces posted posts shares stock
    inc inc. corp corp. plc ag sa nv ltd ltd. llc shareholders unveiled unveils launched
    launches""".split()
)
COMPANY_POSSESSED = frozenset(
    """shares stock chief ceo cfo executive executives board chairman chairwoman president
    spokesman spokeswoman spokesperson profit profits revenue revenues sales earnings
    shareholders investors stake subsidiary unit results quarterly annual market valuation
    stores products customers employees workers""".split()
)
COMPANY_BEFORE = frozenset(
    {
        ("shares", "of"),
        ("shares", "in"),
        ("stake", "in"),
        ("stock", "of"),
        ("analysts", "at"),
        ("analyst", "at"),
        ("economists", "at"),
        ("economist", "at"),
        ("strategists", "at"),
        ("strategist", "at"),
        ("executives", "at"),
        ("employees", "at"),
        ("workers", "at"),
        ("investors", "in"),
    }
)
# Legal forms: after a comma ("Tesla, Inc.") they stand alone and are no name by themselves.
LEGAL_FORMS = frozenset("inc inc. corp corp. co. ltd ltd. llc plc".split())
# Stock exchanges that introduce a ticker: "Target (NYSE: TGT)".
EXCHANGES = frozenset("nyse nasdaq amex lse tsx asx xetra euronext otc".split())
_TICKER = re.compile(r"[A-Z]{1,5}(?:\.[A-Z]{1,2})?")

# Capitalized words that are not names on their own: days, months, pronouns, the field
# labels of match reports ("Halftime 1-0. Attendance 5,300").
NOT_NAMES = frozenset(
    """I Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December Jan Feb Mar Apr Jun Jul Aug
    Sep Sept Oct Nov Dec Mon Tue Wed Thu Fri Sat Sun AM PM A.M. P.M. Mr Mrs Ms Dr
    Halftime Half-time Attendance Scorers Scorer Standings Bowling Batting Extras""".split()
)
# Words an acronym skips: "International Monetary Fund" is IMF, "Bank of England" BOE.
_ACRONYM_SKIP = frozenset("of the and for de des du la le del di van von on in at to".split())
# Tokens that may sit inside a name between capitalized words.
CONNECTORS = frozenset(
    """de da do dos das des di del della van von der den ter la le les los las du bin ben
    al el y""".split()
)
# Prepositions that introduce a place ("in Jakarta", "near Zurich").
LOC_PREPOSITIONS = frozenset("in at near from to outside into across toward towards via".split())
# Sports desks' headline labels: these articles name clubs after their cities.
SPORT_WORDS = frozenset(
    """soccer football cricket tennis golf rugby basketball baseball hockey nba nhl nfl
    athletics skiing boxing cycling motor racing formula badminton squash swimming horse
    sailing rowing volleyball handball snooker darts judo wrestling motorcycling alpine
    nordic ski speed skating bobsleigh luge triathlon""".split()
)

# Sports whose result tables list players rather than clubs.
INDIVIDUAL_SPORTS = frozenset(
    """golf tennis athletics skiing boxing cycling badminton squash swimming snooker darts
    judo wrestling alpine triathlon skating""".split()
)
TEAM_SPORTS = frozenset("soccer football rugby basketball baseball hockey nba nhl nfl".split())
# Sports lines that list players ("Scorers: ...", "Sent off: ...").
SCORER_WORDS = frozenset("scorers scorer goalscorers sent booked penalty".split())
# Longer runs of capitalized words are title-case headings, not names; the cap also keeps the
# work per line linear on pathological input.
MAX_SPAN_WORDS = 8
# Cue weights: a title before a name is near-certain; a preposition is only a hint.
W_STRONG = 4.0
W_MEDIUM = 2.0
W_WEAK = 1.0
W_HINT = 0.5

# Abbreviations whose dot does not end a sentence.
_ABBREVIATIONS = (
    "Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Prof|Rev|Inc|Corp|Co|Ltd|Bros|Mt|Ft"
)
_APOSTROPHES = frozenset({"'", "\u2019"})
_TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}"  # dotted acronyms: U.S., U.N.
    rf"|(?:{_ABBREVIATIONS})\.(?!\w)"
    r"|[A-Z]\.(?!\w)"  # initials: M. Waugh
    # Words; a possessive 's stands apart, with a typographic apostrophe (’s) too, which is
    # what most published pages use ("Merkel’s" is Merkel; "O’Brien" stays one word).
    r"|[^\W\d_](?:[\w&-]|['\u2019](?![sS]\b))*(?<![-'\u2019])"
    r"|\d[\d,.:/-]*"
    r"|\S",
)
_DATELINE = re.compile(
    r"^\s*([A-Z][A-Za-z .'&-]+?)(?:\s*,\s*([A-Za-z .'&-]+?))?\s+\d{4}-\d\d-\d\d\s*$"
)
_SENTENCE_END = frozenset(".?!:;\"'([-{")


@dataclass(slots=True)
class Gazetteer:
    """Name lists built at package build time (see build_gazetteer.py)."""

    places_major: frozenset[str]
    places_minor: frozenset[str]
    aliases: dict[str, str]
    demonyms: dict[str, str]
    first_strong: frozenset[str]
    first: frozenset[str]
    last: frozenset[str]
    vocab_common: frozenset[str]
    vocab: frozenset[str]
    # Listed companies: typed ORG on sight, or only in company context (ambiguous words).
    orgs: frozenset[str] = frozenset()
    orgs_cued: frozenset[str] = frozenset()


@cache
def load_gazetteer() -> Gazetteer:
    """Load the gazetteer once per process (a cold Lambda worker pays for it once)."""
    source = resources.files("newsbrief").joinpath("data", "gazetteer.txt")
    try:
        raw = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            "newsbrief/data/gazetteer.txt is missing: build it with "
            "`python layers/newsbrief/build_gazetteer.py` (`make install` does)"
        ) from None
    sections: dict[str, list[str]] = {}
    # "@name" lines open sections; every other line is one entry of the open section.
    for chunk in ("\n" + raw).split("\n@")[1:]:
        name, _, body = chunk.partition("\n")
        sections[name] = body.rstrip("\n").split("\n") if body.strip() else []
    pairs = {
        key: dict(line.split("\t", 1) for line in sections.get(key, []) if "\t" in line)
        for key in ("aliases", "demonyms")
    }
    return Gazetteer(
        places_major=frozenset(sections["places_major"]),
        places_minor=frozenset(sections["places_minor"]),
        aliases=pairs["aliases"],
        demonyms=pairs["demonyms"],
        first_strong=frozenset(sections["first_strong"]),
        first=frozenset(sections["first"]),
        last=frozenset(sections["last"]),
        vocab_common=frozenset(sections["vocab_common"]),
        vocab=frozenset(sections["vocab"]),
        # .get: a gazetteer built before the organization sections still loads.
        orgs=frozenset(sections.get("orgs", ())),
        orgs_cued=frozenset(sections.get("orgs_cued", ())),
    )


@dataclass(slots=True)
class _Mention:
    """One occurrence of a candidate name with the type votes its context gave."""

    surface: str
    votes: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    caps: bool = False  # found in an ALL-CAPS line, where capitals prove nothing
    # Kept only as the short form of a longer name ("Cook" of "Tim Cook"), never on its own.
    needs_parent: bool = False


def _is_cap(token: str) -> bool:
    return token[:1].isupper()


def _is_word(token: str) -> bool:
    return token[:1].isalpha()


_CONTRACTION = re.compile(r"\w['\u2019](?:ve|ll|re|m|d|t)$", re.IGNORECASE)


def _name_token(token: str) -> bool:
    """A capitalized word that can be part of a name ("Bre-X", "AL-AIN", not "Man-of-the")."""
    if not (token[:1].isupper() and token[:1].isalpha()) or _CONTRACTION.search(token):
        return False
    if "-" in token:
        parts = [p for p in token.split("-") if p]
        return all(p[:1].isupper() or p.isdigit() or p in CONNECTORS or len(p) <= 2 for p in parts)
    return True


def _caps_line(tokens: list[str]) -> bool:
    letters = [t for t in tokens if t[:1].isalpha()]
    if not letters:
        return False
    upper = sum(1 for t in letters if t.isupper())
    # One capitalized word alone ("HARTFORD 12 7 6") is a caps line too, but "A" or "I" is not.
    return upper >= max(1, 0.75 * len(letters)) and any(len(t) > 1 for t in letters)


def _plain(surface: str) -> str:
    """A surface as the gazetteer spells it: ALL-CAPS words title-cased."""
    return " ".join(w.capitalize() if w.isupper() and len(w) > 3 else w for w in surface.split())


class _Tagger:
    def __init__(self, gaz: Gazetteer, language: str) -> None:
        self.gaz = gaz
        self.english = language in ("en", "")
        self.mentions: list[_Mention] = []
        self.mid_caps: set[str] = set()  # words seen capitalized mid-sentence
        self.known_multi: set[str] = set()  # multi-word names seen mid-sentence, upper-cased
        self.name_parts: set[str] = set()  # words of those names ("Tim", "Cook")
        self.lower_words: set[str] = set()  # words the article writes in lower case
        self.sports = False
        self.score_line = False
        self.scorers = False  # a "Scorers:" line lists players
        self.in_parens = False  # the current span sits inside parentheses
        self.depth: list[int] = []  # parenthesis depth before each token of the current line
        self.individual = False  # golf, tennis...: result tables list players, not clubs
        self.countries = frozenset(gaz.demonyms.values()) | frozenset(gaz.aliases.values())

    # -- gazetteer look-ups ---------------------------------------------------------------

    def proper(self, surface: str) -> str:
        """An ALL-CAPS surface as the gazetteer spells it ("NEW JERSEY" -> "New Jersey")."""
        if not surface.isupper():
            return surface
        titled = " ".join(w.capitalize() if len(w) > 2 else w for w in surface.split())
        for form in (titled, _plain(surface), " ".join(w.capitalize() for w in surface.split())):
            if self.place(form) or self.demonym(form):
                return form
        if " " not in surface and len(surface) <= 4:
            return surface  # an acronym: "NHL", "USDA"
        return titled

    def place(self, name: str) -> float:
        """How much the gazetteer says ``name`` is a place (0 = not at all)."""
        gaz = self.gaz
        if name in gaz.aliases or name in gaz.places_major or name in NATIONS:
            return W_STRONG
        if name in gaz.places_minor:
            return W_MEDIUM
        return 0.0

    def demonym(self, name: str) -> bool:
        gaz = self.gaz
        if name in gaz.demonyms or name in EXTRA_MISC:
            return True
        for suffix in ("s", "es"):
            if name.endswith(suffix) and name[: -len(suffix)] in gaz.demonyms:
                return True
        # "Tasmanian", "Koreans", "Zaireans", "Africans": a place's name plus -n/-an(s).
        for suffix in ("n", "ns", "ans", "ian", "ians"):
            stem = name[: -len(suffix)]
            if name.endswith(suffix) and len(stem) > 3 and self.place(stem) >= W_STRONG:
                if name not in gaz.first and name not in gaz.last and name not in gaz.first_strong:
                    return True
        parts = name.split("-")
        if len(parts) == 2 and all(p in gaz.demonyms or p in EXTRA_MISC for p in parts):
            return True
        return False

    def common_word(self, word: str) -> bool:
        low = word.lower()
        return low in self.gaz.vocab_common or low in self.gaz.vocab

    # -- candidates ---------------------------------------------------------------------

    def scan(self, text: str, title: str | None) -> None:
        lines = text.split("\n")
        if title:
            lines.insert(0, title)
        tokenized = [_TOKEN.findall(line) for line in lines]
        headline = next((t for t in tokenized if t), [])
        head_words = {t.lower() for t in headline[:4]}
        self.sports = bool(head_words & SPORT_WORDS)
        self.individual = bool(head_words & INDIVIDUAL_SPORTS) and not head_words & TEAM_SPORTS
        # First pass: which words appear capitalized where capitals mean something.
        for tokens in tokenized:
            if _caps_line(tokens):
                continue
            for i, tok in enumerate(tokens):
                if tok[:1].islower():
                    self.lower_words.add(tok)
                elif i and _name_token(tok) and tokens[i - 1][:1] not in _SENTENCE_END:
                    self.mid_caps.add(tok)
                    if i + 1 < len(tokens) and _name_token(tokens[i + 1]):
                        self.known_multi.add(f"{tok} {tokens[i + 1]}".upper())
                        self.name_parts.update((tok, tokens[i + 1]))
        score_lines = sum(1 for t in tokenized if self._is_table(t))
        if score_lines >= 3 and not self.sports:
            self.sports = score_lines >= 5
        caps_lines = []
        for line, tokens in zip(lines, tokenized, strict=True):
            if not tokens:
                continue
            dateline = _DATELINE.match(line)
            if dateline:
                for part in dateline.groups():
                    if part:
                        mention = _Mention(part.strip(), caps=part.isupper())
                        mention.votes[LOC] += W_STRONG * 2
                        self.mentions.append(mention)
                continue
            if _caps_line(tokens):
                caps_lines.append(tokens)
                continue
            self._scan_mixed(tokens)
        known = {m.surface.upper(): m.surface for m in self.mentions if not m.caps}
        for tokens in caps_lines:
            self._scan_caps(tokens, known)

    def _is_table(self, tokens: list[str]) -> bool:
        numbers = sum(1 for t in tokens if t[:1].isdigit())
        return numbers >= 2 and numbers * 2 >= len(tokens) - numbers

    def _scan_mixed(self, tokens: list[str]) -> None:
        table = self._is_table(tokens)
        # Parenthesis depth before each token, computed once per line.
        depth, level = [], 0
        for tok in tokens:
            depth.append(level)
            level = max(0, level + (tok == "(") - (tok == ")"))
        self.depth = depth
        # "Chelsea 2 Bolton 1": two names each followed by a score make a results line.
        scored = sum(
            1
            for a, b in zip(tokens, tokens[1:], strict=False)
            if a[:1].isalpha() and b[:1].isdigit()
        )
        # Exactly two such names and no list commas: "Japan - Abbas 84, Takagi 88" lists scorers.
        self.score_line = self.sports and scored == 2 and "," not in tokens
        self.scorers = self.sports and any(t.lower() in SCORER_WORDS for t in tokens[:3])
        i = 0
        n = len(tokens)
        while i < n:
            tok = tokens[i]
            if "-" in tok and not _name_token(tok):
                # "pro-Israeli", "Syrian-backed", "French-owned": a nationality inside a word.
                parts = tok.split("-")
                if any(p[:1].isupper() and self.demonym(p) for p in parts):
                    mention = _Mention(tok)
                    mention.votes[MISC] += W_STRONG
                    self.mentions.append(mention)
            if not _name_token(tok) or tok in NOT_NAMES:
                i += 1
                continue
            start = i
            j = i + 1
            while j < n and j - start < MAX_SPAN_WORDS:
                nxt = tokens[j]
                if _name_token(nxt) and nxt.lower().rstrip(".") in PERSON_TITLES:
                    break  # "Czech President Vaclav Havel": two names around a title
                if nxt in ("The", "A", "An") and tokens[j - 1].endswith("."):
                    break  # "... posted on X. The company ...": a new sentence
                if _name_token(nxt) and (
                    nxt not in NOT_NAMES or self.place(" ".join(tokens[start:j]))
                ):
                    j += 1
                elif nxt == "&" and j + 1 < n and _is_cap(tokens[j + 1]):
                    j += 2
                elif (
                    (nxt in CONNECTORS or nxt == "of") and j + 1 < n and _name_token(tokens[j + 1])
                ):
                    if nxt == "of" and not self._of_joins(tokens[start:j], tokens[j + 1]):
                        break
                    j += 2
                else:
                    break
            self._add_span(tokens, start, j, table)
            i = j

    def _of_joins(self, head: list[str], tail: str) -> bool:
        """'X of Y' is one name when X is an organization or place head ('Bank of Japan')."""
        first = head[0].lower()
        last = head[-1].lower()
        return (
            first in ORG_PREFIXES
            or last in ORG_SUFFIXES
            or last in {"republic", "kingdom", "states", "isle", "gulf", "bay", "cape", "sea"}
            or last in LOC_SUFFIXES
        )

    def _add_span(self, tokens: list[str], start: int, end: int, table: bool) -> None:
        words = tokens[start:end]
        prev = tokens[start - 1] if start else ""
        at_start = start == 0 or prev[:1] in _SENTENCE_END
        # "Secretary of State Antony Blinken", "President of Russia Vladimir Putin": after a
        # title and "of", the first word is the office's portfolio or country, not the name.
        if (
            len(words) > 2
            and prev == "of"
            and start >= 2
            and tokens[start - 2].lower().rstrip(".") in PERSON_TITLES
        ):
            return self._split_first(tokens, start, end, table)
        # Drop leading titles and sentence-initial ordinary words ("The", "Despite").
        while words:
            head = words[0]
            low = head.lower().rstrip(".")
            if low in PERSON_TITLES and len(words) > 1:
                prev = head
                words = words[1:]
                start += 1
                at_start = False
                # The rest of a title: "Attorney General X", "Surgeon General X".
                if len(words) > 2 and words[0] == "General":
                    prev, words, start = words[0], words[1:], start + 1
                continue
            row_label = (
                (table or self.score_line) and end < len(tokens) and tokens[end][:1].isdigit()
            )
            label = (
                at_start
                and len(words) == 1
                and end < len(tokens)
                and tokens[end] == ":"
                and (head.lower() in self.gaz.vocab or head.lower() in self.gaz.vocab_common)
                and head not in self.mid_caps
                and not self._known(head)
            )
            if label:
                return  # "Note: ...", "Source: ...": a field label, not a name
            if (
                at_start
                and not row_label
                and not (low not in _ARTICLES and self._match_side(tokens, start, end))
                and self._ordinary_opener(head, words)
                and not (len(words) == 1 and self._org_weight(words, tokens, start, end, prev))
            ):
                prev = head
                words = words[1:]
                start += 1
                at_start = False
                continue
            break
        # "in the U.S. Meta Platforms reported...": a country's dotted abbreviation ends the
        # sentence as often as it qualifies a name, so it is its own entity unless the whole
        # is one name ("U.S. Steel", "U.S. Open", "U.S. Army").
        if (
            len(words) > 1
            and words[0].endswith(".")
            and words[0] in self.gaz.aliases
            and words[-1].lower() not in ORG_SUFFIXES
            and words[-1].lower() not in EVENT_SUFFIXES
            and " ".join(words) not in self.gaz.orgs
        ):
            return self._split_first(tokens, start, end, table)
        # "Argentine Abel Balbo", "Polish Jews": a nationality before a name is its own entity,
        # unless the whole is one name ("British Airways", "German Open", "South African").
        if len(words) > 1 and self.demonym(words[0]) and not self.demonym(" ".join(words)):
            low_last = words[-1].lower()
            if low_last not in ORG_SUFFIXES and low_last not in EVENT_SUFFIXES:
                return self._split_first(tokens, start, end, table)
        # Connectors never open a name (left over from "Most of Europe") nor end one.
        while words and (words[0] in CONNECTORS or words[0] == "of"):
            prev = words[0]
            words = words[1:]
            start += 1
        while words and (words[-1] in CONNECTORS or words[-1] == "of" or words[-1] == "&"):
            words = words[:-1]
        if not words:
            return
        surface = " ".join(words)
        if len(words) == 1 and (len(surface) < 2 or surface.lower() in LEGAL_FORMS):
            return  # "Tesla, Inc.": the legal form after a comma is no name of its own
        if len(words) == 1 and len(surface) == 2 and surface[1] == ".":
            return  # a lone initial, or a one-letter word ending a sentence ("posted on X.")
        mention = _Mention(surface)
        self.in_parens = self.depth[start] > 0 if start < len(self.depth) else False
        self._vote(mention, words, tokens, start, start + len(words), prev, table)
        if not mention.votes:
            return
        heading = table or len(words) == 1 or not prev or prev[:1] in _SENTENCE_END
        if (
            heading
            and surface not in self.name_parts
            and max(mention.votes.values()) < W_MEDIUM
            and all(
                w.lower() in self.gaz.vocab_common or w.lower() in self.lower_words for w in words
            )
        ):
            return  # "Choice", "Slaughter Steers": ordinary words with only a faint cue
        self.mentions.append(mention)

    def _split_first(self, tokens: list[str], start: int, end: int, table: bool) -> None:
        """Two candidates instead of one: the span's first word, then the rest of it."""
        self._add_span(tokens, start, start + 1, table)
        self._add_span(tokens, start + 1, end, table)

    def _match_side(self, tokens: list[str], start: int, end: int) -> bool:
        """Whether ``tokens[start:end]`` is a side of a match result with its score.

        "Leeds beat Arsenal 3-0", "drew 1-1 with Everton": a result verb right after the name
        (followed by the opponent or the score) or right before it (or "drew ... with"), and
        exactly one score in the same sentence.
        """
        if self.individual:
            return False  # a tennis or golf report: its results are between people
        if self._country(" ".join(tokens[start:end])):
            return False  # national teams stay their country, as in the sports-page rules
        after: list[str] = []
        for tok in tokens[end : end + 8]:
            if tok in _STOPS:
                break
            after.append(tok)
            if tok.endswith("."):  # "4-0." ends the sentence it scores
                break
        window = tokens[max(0, start - 5) : start]
        cut = max((k for k, t in enumerate(window) if t in _STOPS or t.endswith(".")), default=-1)
        before = [t.lower() for t in window[cut + 1 :]]
        # One score: a team match. Set scores in a row ("6-3 7-5") are tennis, between people.
        if sum(1 for t in after + before if _SCORE.fullmatch(t)) != 1:
            return False
        if len(after) > 1 and after[0].lower() in MATCH_VERBS:
            return after[1][:1].isupper() or bool(_SCORE.fullmatch(after[1]))  # not "beat hopes"
        if before and before[-1] in MATCH_VERBS:
            return True
        return len(before) >= 2 and before[-1] == "with" and any(w in MATCH_VERBS for w in before)

    def _company_context(self, tokens: list[str], start: int, end: int) -> bool:
        """Whether the words around ``tokens[start:end]`` speak of a company."""
        nxt = tokens[end] if end < len(tokens) else ""
        nxt2 = tokens[end + 1] if end + 1 < len(tokens) else ""
        low = nxt.lower()
        if low in COMPANY_AFTER:
            return True
        if nxt in _APOSTROPHES and nxt2.lower() == "s":  # the tokenizer keeps a possessive apart
            after = tokens[end + 2] if end + 2 < len(tokens) else ""
            return after.lower() in COMPANY_POSSESSED
        if nxt == "(" and (
            nxt2.lower() in EXCHANGES
            or (
                _TICKER.fullmatch(nxt2)
                and end + 2 < len(tokens)
                and tokens[end + 2] == ")"
                and not self.place(nxt2)
            )
        ):
            return True  # a ticker: "Target (TGT.N)", "Shell (LSE: SHEL)"
        if start >= 2:
            return (tokens[start - 2].lower(), tokens[start - 1].lower()) in COMPANY_BEFORE
        return False

    def _org_weight(
        self, words: list[str], tokens: list[str], start: int, end: int, prev: str
    ) -> float:
        """ORG votes that the list of companies gives this span in this context (0: none)."""
        gaz = self.gaz
        surface = " ".join(words)
        if prev.lower().rstrip(".") in PERSON_TITLES:
            return 0.0  # "founder Charles Schwab", "President Ford": a person
        if surface in gaz.orgs:
            if len(words) > 1:
                return W_STRONG + W_MEDIUM  # "Goldman Sachs": beats the given-name reading
            if surface in gaz.first_strong or surface in gaz.first or surface in gaz.last:
                # "Ford", "Pearson": a company unless the article names a person with it.
                return 0.0 if surface in self.name_parts else W_MEDIUM + W_WEAK
            return W_STRONG
        if surface in gaz.orgs_cued and self._company_context(tokens, start, end):
            return W_STRONG
        return 0.0

    def _known(self, word: str) -> bool:
        """Whether any gazetteer list knows ``word`` as a name."""
        gaz = self.gaz
        return bool(
            word in gaz.first_strong
            or word in gaz.first
            or word in gaz.last
            or self.place(word)
            or self.demonym(word)
            or word in NEWS_AGENCIES
        )

    def _ordinary_opener(self, head: str, words: list[str]) -> bool:
        """A capitalized first word that is an ordinary word, not part of a name."""
        if head in self.mid_caps and len(words) == 1:
            return False
        if len(head) > 1 and head.isupper():
            return False  # an acronym opening a sentence ("USDA said") is still a name
        if head in self.name_parts:
            return False  # "Cook said" after "Tim Cook": the surname, not the verb
        if len(words) > 2 and words[1] == "of" and head.lower() in ORG_PREFIXES:
            return False  # "Bank of America", "Ministry of Defence" open sentences too
        if len(words) > 1 and head.lower() in EVENT_PREFIXES:
            return False  # "Hurricane Milton", "Operation Desert Storm"
        if self.place(head) >= W_STRONG or self.demonym(head):
            return False
        for size in range(len(words), 1, -1):  # "New Zealand", "South African", "Real Madrid"
            prefix = " ".join(words[:size])
            if (
                self.place(prefix)
                or self.demonym(prefix)
                or prefix.upper() in self.known_multi
                or prefix in self.gaz.orgs  # "Volkswagen Group", "Deutsche Bank"
            ):
                return False
        if head in self.gaz.first_strong and len(words) > 1:
            return False
        low = head.lower()
        if low in self.gaz.vocab_common:
            return True
        if low in self.lower_words:
            return True  # the article itself writes it in lower case
        if low in self.gaz.vocab and head not in self.mid_caps:
            if len(words) > 1 and words[-1].lower() in ORG_SUFFIXES:
                return False  # "Samsung Electronics", "Hanwha Group": a firm's first word
            if (
                len(words) == 2
                and words[1] in self.mid_caps
                and not self.place(words[1])
                and not self.demonym(words[1])
            ):
                return False  # "Elon Musk posted ... Musk said": a name the article repeats
            # Rarer words ("Despite", "Hosts") are ordinary unless the gazetteer knows them.
            return not (head in self.gaz.first or head in self.gaz.last or self.place(head))
        return False

    def _vote(
        self,
        mention: _Mention,
        words: list[str],
        tokens: list[str],
        start: int,
        end: int,
        prev: str,
        table: bool,
    ) -> None:
        gaz = self.gaz
        votes = mention.votes
        surface = mention.surface
        first, last = words[0], words[-1]
        low_first, low_last = first.lower(), last.lower()
        nxt = tokens[end] if end < len(tokens) else ""
        nxt2 = tokens[end + 1] if end + 1 < len(tokens) else ""
        prev_low = prev.lower().rstrip(".")
        acronym = len(words) == 1 and (surface.isupper() or re.fullmatch(r"(?:[A-Z]\.)+", surface))
        # Listed companies: a match outweighs the given-name reading of "Morgan Stanley".
        org = self._org_weight(words, tokens, start, end, prev)
        if org:
            votes[ORG] += org
        if self._match_side(tokens, start, end):
            # A team: outweighs its city's place reading, not a full person's name.
            votes[ORG] += W_STRONG + W_MEDIUM if len(words) == 1 else W_MEDIUM + W_WEAK

        # Whole-span gazetteer evidence.
        if self.demonym(surface):
            votes[MISC] += W_STRONG
        place = self.place(surface)
        if place:
            votes[LOC] += place
            if self.sports and surface not in gaz.aliases and not self._country(surface):
                votes[ORG] += place + W_WEAK  # clubs carry their city's name
        if self.sports and len(words) > 1 and not place:
            # "Real Madrid", "Hansa Rostock": a club named after its city.
            if any(self.place(w) and not self._country(w) for w in words):
                votes[ORG] += W_MEDIUM + W_WEAK
        if surface in NEWS_AGENCIES:
            votes[ORG] += W_STRONG
        if len(words) > 1 and low_first in COMPASS:
            rest = " ".join(words[1:])
            if self.place(rest):
                votes[LOC] += W_MEDIUM
            elif self.demonym(rest):
                votes[MISC] += W_MEDIUM

        # Suffix and prefix cues.
        if len(words) > 1 and (low_last in EVENT_SUFFIXES or low_first in EVENT_PREFIXES):
            votes[MISC] += W_STRONG
        elif len(words) > 2 and words[-2].lower() in EVENT_SUFFIXES and low_last in NUMBER_WORDS:
            votes[MISC] += W_STRONG  # "World War Two", "Super Bowl XXX"
        if low_last in ORG_SUFFIXES and len(words) > 1:
            votes[ORG] += W_STRONG if low_last not in TEAM_SUFFIXES else W_MEDIUM
        if low_first in ORG_PREFIXES and "of" in words:
            votes[ORG] += W_STRONG
        if "&" in words[1:-1]:
            votes[ORG] += W_STRONG  # "Calder & Finch", "Procter & Gamble": firms, not people
        if len(words) > 1 and (low_first in ORG_FIRST_WORDS or first in ORG_FIRST_WORDS):
            votes[ORG] += W_STRONG
        if (
            len(words) > 1
            and self.place(" ".join(words[:-1]))
            and low_last.endswith("s")
            and low_last in gaz.vocab
        ):
            votes[ORG] += W_STRONG  # "Dallas Cowboys", "Chicago Bulls": a team
        if self.in_parens and nxt[:1].isdigit() and re.fullmatch(r"\d+(?:st|nd|rd|th)?", nxt):
            votes[PER] += W_STRONG  # "Leverkusen 2 (Kirsten 18th, Ramelow 56th)": scorers
        if len(words) > 1 and (low_last in LOC_SUFFIXES or low_first in LOC_PREFIXES):
            votes[LOC] += W_STRONG
        if self.demonym(first) and len(words) > 1 and not votes:
            votes[MISC] += W_WEAK  # "Italian Open", "French Revolution"

        # Person cues.
        if prev_low in PERSON_TITLES:
            votes[PER] += W_STRONG
        if re.fullmatch(r"[A-Z]\.", first) and len(words) > 1:
            votes[PER] += W_STRONG
        if len(words) >= 2 and not acronym and not org:
            # A given name the article also writes in lower case ("week") is a weaker hint.
            everyday = first.lower() in self.lower_words
            if first in gaz.first_strong:
                votes[PER] += W_WEAK if everyday else W_MEDIUM + W_WEAK
            elif first in gaz.first:
                votes[PER] += W_HINT if everyday else W_MEDIUM
            if last in gaz.last or last in gaz.first_strong:
                votes[PER] += W_WEAK
            if PER in votes and all(
                w[:1].isupper() and w[1:].islower() or w in CONNECTORS for w in words
            ):
                votes[PER] += W_HINT  # "Name Surname" shape confirms a name list hit
        elif not acronym:
            if surface in gaz.last:
                votes[PER] += W_WEAK
            if self.scorers:
                votes[PER] += W_MEDIUM  # "Scorers: Sheringham 23, Vialli 45"
            elif self.sports and not self.individual and surface not in gaz.last:
                if prev_low not in PERSON_TITLES:
                    votes[ORG] += W_WEAK + W_HINT  # a lone unknown name in a match report
            if surface in gaz.first_strong or surface in gaz.first:
                votes[PER] += W_HINT
        if nxt.lower() in SPEECH_VERBS or (nxt == "," and nxt2.lower() in {"who", "whose"}):
            votes[PER] += W_WEAK
        if nxt == "," and nxt2[:1].isdigit() and len(nxt2) <= 2:
            votes[PER] += W_MEDIUM  # "Salem Bitar, 34, ..."

        # Place cues.
        if prev_low in LOC_PREPOSITIONS:
            votes[LOC] += W_WEAK if prev_low in {"in", "near", "outside"} else W_HINT
            if place and prev_low in {"in", "near", "outside"}:
                votes[LOC] += W_MEDIUM + W_WEAK  # "in Melbourne": the city, even in sports

        # Acronyms: mostly organizations, unless a place.
        if acronym and not place and not self.demonym(surface):
            votes[ORG] += W_MEDIUM

        # Sports tables: "Chelsea 2 Bolton 1", "Uzbekistan 1 1 0 0 2 0 3"; but golf and
        # tennis tables list players: "Nick Price 68 70".
        row = (table or self.score_line) and (nxt[:1].isdigit() or nxt in {"(", ""})
        if row and self.sports and not self._country(surface):
            personal = len(words) > 1 and (first in gaz.first_strong or first in gaz.first)
            if self.individual or self.scorers:
                votes[PER] += W_STRONG
            elif self.score_line:
                votes[ORG] += W_STRONG + W_WEAK
            elif personal:
                votes[PER] += W_WEAK
            elif not place and (not votes or max(votes.values()) < W_STRONG):
                votes[ORG] += W_MEDIUM

        # Nothing known: guess from the words themselves.
        if not votes and self.english:
            lows = [w.lower() for w in words]
            ordinary = [w in gaz.vocab_common or w in self.lower_words for w in lows]
            if len(words) == 1:
                if surface in self.name_parts:
                    votes[ORG] += W_HINT  # "Cook" of "Tim Cook": typed when it joins the name
                    mention.needs_parent = True
                    return
                # A capitalized ordinary word ("Choice", "Attendance") is rarely a name.
                if lows[0] in gaz.vocab_common or lows[0] in self.lower_words:
                    return
                if ordinary[0] and surface not in self.mid_caps:
                    return
                votes[ORG] += W_HINT
            elif all(ordinary) and (table or not prev or prev[:1] in _SENTENCE_END):
                return  # "Week Ago", "Slaughter Steers": a heading, not a name
            elif not any(ordinary) and len(words) <= 3 and not acronym:
                votes[PER] += W_HINT  # "Shivnarine Chanderpaul": unknown words, name-shaped
            else:
                votes[ORG] += W_HINT

    def _country(self, name: str) -> bool:
        canonical = self.gaz.aliases.get(name, name)
        return canonical in self.countries or name in self.countries or name in NATIONS

    def _scan_caps(self, tokens: list[str], known: dict[str, str]) -> None:
        """ALL-CAPS line: only names the article or the gazetteer vouches for."""
        table = self._is_table(tokens)
        n = len(tokens)
        i = 0
        while i < n:
            matched = 0
            for size in (4, 3, 2, 1):
                if i + size > n:
                    continue
                words = tokens[i : i + size]
                if not all(_is_word(w) for w in words):
                    continue
                upper = " ".join(words)
                surface = known.get(upper)
                plain = self.proper(upper)
                mention = _Mention(upper, caps=True)
                if surface is not None:
                    mention.votes[MISC] += 0.0  # typed by the article's own mentions
                elif self.place(plain) >= W_STRONG or (size > 1 and self.place(plain)):
                    mention.votes[LOC] += self.place(plain)
                    if self.sports and not self.individual and not self._country(plain):
                        mention.votes[ORG] += W_STRONG + W_WEAK
                elif self.demonym(plain) and size == 1:
                    mention.votes[MISC] += W_STRONG
                elif plain in self.gaz.orgs and (
                    size > 1
                    or plain.lower() not in self.gaz.vocab_common
                    and plain not in self.gaz.last
                    and plain not in self.gaz.first
                    and plain not in self.gaz.first_strong
                ):
                    # "GOLDMAN SACHS CUTS FORECAST", "NVIDIA": a listed company even in
                    # capitals, unless its name is also a frequent word or a person's name.
                    mention.votes[ORG] += W_STRONG
                elif (
                    table
                    and self.sports
                    and i == 0
                    and tokens[i + size : i + size + 1]
                    and (tokens[i + size][:1].isdigit())
                ):
                    mention.votes[ORG] += W_MEDIUM
                else:
                    continue
                self.mentions.append(mention)
                matched = size
                break
            i += matched or 1

    # -- resolution ---------------------------------------------------------------------

    def resolve(self) -> list[Entity]:
        # Pool votes per surface (document-level consistency).
        pooled: dict[str, dict[str, float]] = {}
        counts: dict[str, int] = defaultdict(int)
        orphan: dict[str, bool] = {}
        for mention in self.mentions:
            key = mention.surface.upper()
            orphan[key] = orphan.get(key, True) and mention.needs_parent
            bucket = pooled.setdefault(key, defaultdict(float))
            for kind, weight in mention.votes.items():
                bucket[kind] += weight
            counts[key] += 1
        forms: dict[str, set[str]] = defaultdict(set)
        for mention in self.mentions:
            forms[mention.surface.upper()].add(mention.surface)

        def best(votes: dict[str, float]) -> str | None:
            if not votes or max(votes.values()) <= 0:
                return None
            return max(TYPES, key=lambda t: (votes.get(t, 0.0), -TYPES.index(t)))

        types = {key: best(votes) for key, votes in pooled.items()}
        # Short forms join a longer name they are part of: "Takagi" -> "Takuya Takagi".
        parent: dict[str, str] = {}
        multi = sorted((k for k in pooled if " " in k), key=len, reverse=True)
        # Index the long names by their first and last words: linear, not singles x multis.
        by_edge: dict[str, list[str]] = defaultdict(list)
        for long in multi:
            parts = long.split()
            by_edge[parts[0]].append(long)
            if parts[-1] != parts[0]:
                by_edge[parts[-1]].append(long)
        for key in pooled:
            if " " in key:
                continue
            candidates = []
            for long in by_edge.get(key, ()):
                parts = long.split()
                kind = types.get(long)
                if kind == PER and (
                    key == parts[-1]
                    or key == parts[0]
                    and key not in self.gaz.first_strong
                    and key not in self.gaz.first
                ):
                    candidates.append(long)
                elif (
                    kind == ORG
                    and key == parts[0]
                    and len(parts) <= 3
                    and not self.place(key)
                    and not orphan[key]
                ):
                    candidates.append(long)
            if len(candidates) == 1 or (
                candidates
                and all(types.get(c) == types.get(candidates[0]) for c in candidates)
                and len({c.split()[-1] for c in candidates}) == 1
            ):
                own = pooled[key]
                strong_own = max(own.values(), default=0.0) / counts[key] >= W_STRONG
                if not strong_own or types.get(key) == types.get(candidates[0]):
                    parent[key] = candidates[0]
        # Acronyms join the one long name they abbreviate in this article: "IMF" and
        # "International Monetary Fund", "ECB" and "European Central Bank".
        for key, long in self._acronym_parents(multi, types, forms).items():
            if key not in parent:
                parent[key] = long
        # Country aliases: "U.S." and "United States" are one place.
        alias_root: dict[str, str] = {}
        for key in pooled:
            surface = next(iter(forms[key]))
            canonical = self.gaz.aliases.get(self.proper(surface)) or self.gaz.aliases.get(surface)
            if canonical and types.get(key) == LOC:
                alias_root[key] = canonical.upper()
        for key, root in alias_root.items():
            if root in pooled and root != key:
                parent[key] = root

        def root_of(key: str) -> str:
            seen = set()
            while key in parent and key not in seen:
                seen.add(key)
                key = parent[key]
            return key

        groups: dict[str, list[str]] = defaultdict(list)
        for key in pooled:
            if (types.get(key) is None or orphan[key]) and key not in parent:
                continue
            groups[root_of(key)].append(key)

        entities = []
        for root, keys in groups.items():
            kind = types.get(root)
            if kind is None:
                total: dict[str, float] = defaultdict(float)
                for key in keys:
                    for t, w in pooled[key].items():
                        total[t] += w
                kind = best(total)
            if kind is None:
                continue
            surfaces: list[str] = []
            for key in keys:
                surfaces.extend(sorted(forms[key]))
            mixed = [s for s in surfaces if not s.isupper() or len(s) <= 4]
            name_pool = mixed or [self.proper(s) for s in surfaces]
            name = max(name_pool, key=lambda s: (len(s.split()), len(s), s))
            if kind == LOC:
                # A country seen only as "U.S." is still named "United States".
                name = self.gaz.aliases.get(name, name)
            entities.append(
                Entity(
                    name=name,
                    type=kind,  # type: ignore[arg-type]
                    count=sum(counts[k] for k in keys),
                    mentions=sorted(set(surfaces)),
                )
            )
        entities.sort(key=lambda e: (-e.count, e.name))
        return entities

    def _acronym_parents(
        self, multi: list[str], types: dict[str, str | None], forms: dict[str, set[str]]
    ) -> dict[str, str]:
        """Single all-capital names ("IMF") that are the initials of exactly one long name.

        The long name's capitalized words give the initials; connectors ("of", "de", "and",
        "the") are skipped. Places keep their own aliases (handled by the gazetteer), and an
        acronym two long names share ("BA": British Airways, Bank of America) joins neither.
        """
        by_initials: dict[str, list[str]] = defaultdict(list)
        for long in multi:
            if types.get(long) not in (ORG, MISC):
                continue
            words = [w for w in long.split() if w.lower() not in _ACRONYM_SKIP]
            if 2 <= len(words) <= 8 and all(w[:1].isalpha() for w in words):
                by_initials["".join(w[0] for w in words)].append(long)
        parents: dict[str, str] = {}
        for key, kind in types.items():
            if " " in key or not key.isalpha() or not 2 <= len(key) <= 8:
                continue
            if not all(form.isupper() for form in forms[key]):  # "Who" is no acronym
                continue
            longs = by_initials.get(key, [])
            if len(longs) == 1 and kind in (None, ORG, MISC, types.get(longs[0])):
                parents[key] = longs[0]
        return parents


def find_entities(text: str, language: str | None = "en", title: str | None = None) -> list[Entity]:
    """Return the article's entities with canonical names, sorted by count (descending).

    ``language`` is an ISO 639-1 code; the cue words are English, so for other languages only
    names the gazetteer or a cue vouches for are kept. ``title`` is scanned like a headline.
    """
    if not isinstance(text, str):
        raise InvalidInput("text must be a string")
    if title is not None and not isinstance(title, str):
        raise InvalidInput("title must be a string")
    if not text.strip() and not (title or "").strip():
        return []
    tagger = _Tagger(load_gazetteer(), (language or "en").lower())
    tagger.scan(text, title)
    return tagger.resolve()
