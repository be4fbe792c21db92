"""Language detection from scripts and stop words, and the per-language stop-word lists."""

from __future__ import annotations

import pytest
from newsbrief.language import detect_language, normalize_language, stop_words

# Short news paragraphs written for these tests, one per supported word-list language.
SAMPLES = {
    "en": (
        "The city council approved a plan on Monday to close the old bridge to cars after "
        "engineers found deep cracks in its supports. The bridge will stay open to cyclists."
    ),
    "de": (
        "Der Stadtrat hat am Montag beschlossen, die alte Brücke für Autos zu sperren, nachdem "
        "Ingenieure tiefe Risse in den Stützen gefunden hatten. Radfahrer dürfen sie weiter nutzen."
    ),
    "fr": (
        "Le conseil municipal a approuvé lundi un plan pour fermer le vieux pont aux voitures "
        "après que des ingénieurs ont trouvé des fissures dans ses piliers. Les cyclistes "
        "pourront toujours le traverser."
    ),
    "es": (
        "El ayuntamiento aprobó el lunes un plan para cerrar el viejo puente a los coches "
        "después de que los ingenieros encontraran grietas en sus pilares. Los ciclistas "
        "podrán seguir cruzándolo."
    ),
    "it": (
        "Il consiglio comunale ha approvato lunedì un piano per chiudere il vecchio ponte alle "
        "auto dopo che gli ingegneri hanno trovato delle crepe nei piloni. I ciclisti potranno "
        "ancora attraversarlo."
    ),
    "pt": (
        "A câmara municipal aprovou na segunda-feira um plano para fechar a velha ponte aos "
        "carros depois de os engenheiros terem encontrado fissuras nos pilares. Os ciclistas "
        "vão poder continuar a atravessá-la."
    ),
    "ru": (
        "Городской совет в понедельник одобрил план закрыть старый мост для машин, после того "
        "как инженеры нашли трещины в его опорах. Велосипедисты смогут и дальше по нему ездить."
    ),
}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_detects_news_prose_by_its_stop_words(language: str) -> None:
    assert detect_language(SAMPLES[language]) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("東京都は月曜日、古い橋を車両通行止めにすると発表した。", "ja"),
        ("北京市政府周一宣布，旧桥将禁止车辆通行。", "zh"),
        ("서울시는 월요일 낡은 다리의 차량 통행을 금지한다고 밝혔다.", "ko"),
        ("Το δημοτικό συμβούλιο ενέκρινε τη Δευτέρα το κλείσιμο της γέφυρας.", "el"),
    ],
)
def test_detects_languages_by_their_script(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Hello",  # too little evidence
        "2024 1,250 3.5% 17:30",
        "Barack Obama, Angela Merkel, Emmanuel Macron",
        # Indonesian: no list of its own, so no confident guess.
        "Pemerintah kota menyetujui rencana untuk menutup jembatan tua bagi mobil setelah "
        "para insinyur menemukan retakan pada penyangganya.",
    ],
)
def test_unsure_is_none(text: str) -> None:
    assert detect_language(text) is None


def test_non_text_is_none() -> None:
    assert detect_language(None) is None  # type: ignore[arg-type]


def test_a_quote_in_another_language_does_not_flip_the_article() -> None:
    text = SAMPLES["en"] + ' The mayor said: "C\'est la vie." ' + SAMPLES["en"]
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    ("given", "code"),
    [("en", "en"), ("EN", "en"), ("en-US", "en"), ("pt_BR", "pt"), ("german", "de"), ("", None)],
)
def test_normalize_language(given: str, code: str | None) -> None:
    assert normalize_language(given) == code


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "it", "pt", "ru"])
def test_stop_words_need_no_download(language: str) -> None:
    words = stop_words(language)
    assert len(words) > 50
    assert all(w == w.lower() and w.strip() == w for w in words)


def test_unknown_languages_have_no_stop_words() -> None:
    assert stop_words("xx") == frozenset()
    assert stop_words(None) == frozenset()
    assert stop_words("nl") == frozenset()  # sumy has a Dutch stemmer but no Dutch list
