"""The summarize stage: verbatim sentences in document order, clean lines, graceful edges."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from newsbrief.errors import InvalidInput
from newsbrief.summarize import strip_dateline, summarize_text

# A made-up news story: the lead states the news, later paragraphs add detail and reaction.
STORY = """\
LONDON (Reuters) - The city council approved a plan on Monday to close the Old Harbour Bridge \
to cars after engineers found deep cracks in its main supports.

The bridge, built in 1891, carries about 40,000 cars a day across the river. Engineers said the \
cracks in the supports had grown quickly since a survey last spring. The council will keep the \
bridge open to cyclists and people on foot while repairs are planned.

"We cannot take risks with people's lives," said council leader Maria Okafor.

Traffic on the bridge will be diverted to the New Quay crossing from next week. Local shops \
near the bridge fear that the closure will keep customers away. Repairs to the supports are \
expected to cost about 12 million pounds and to take two years.

Read more: How the city's bridges were built

The council will vote on the repair budget in June. Opposition members said the council had \
ignored warnings about the bridge for years.
"""


def words_of(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_summary_is_verbatim_sentences_in_document_order() -> None:
    summary = summarize_text(STORY, sentences=3)
    assert len(summary) == 3
    flat = words_of(STORY)
    positions = [flat.index(sentence) for sentence in summary]
    assert positions == sorted(positions)


def test_short_summary_leads_with_the_news_and_drops_the_dateline() -> None:
    summary = summarize_text(STORY, sentences=2)
    assert summary[0].startswith("The city council approved a plan on Monday")
    assert not any("Reuters" in s for s in summary)


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8, 12])
def test_never_picks_boilerplate_or_pull_quotes(count: int) -> None:
    summary = summarize_text(STORY, sentences=count)
    assert not any(s.startswith("Read more") for s in summary)
    assert '"We cannot take risks with people\'s lives," said council leader Maria Okafor.' in (
        summarize_text(STORY, sentences=12)
    ), "an attributed quote is a real sentence"
    assert len(summary) == min(count, 10)  # the story has 10 usable sentences


def test_boilerplate_is_skipped_even_when_it_repeats_the_story() -> None:
    text = (
        "The bridge over the river will close to cars for repairs. "
        "Click here to read more about the bridge closure and the river repairs. "
        "Engineers found cracks in the bridge. Repairs will take two years. "
        "The mayor said the closure of the bridge was necessary."
    )
    assert not any("Click here" in s for s in summarize_text(text, sentences=3))


def test_captions_headings_and_pull_quote_paragraphs_are_skipped() -> None:
    text = (
        "Storm floods the coast\n\n"
        "Firefighters rescue a family from a flooded house (Photo: City Fire Service)\n\n"
        "A storm flooded hundreds of homes along the coast on Sunday night. "
        "Rescue crews worked through the night to reach families trapped by the water.\n\n"
        '"The water came so fast."\n\n'
        "Officials said the flood water would take days to recede. "
        "Schools along the coast will stay closed until Wednesday."
    )
    summary = summarize_text(text, sentences=3)
    assert len(summary) == 3
    for sentence in summary:
        assert "Photo" not in sentence and "Storm floods" not in sentence
        assert not sentence.startswith('"The water')


def test_near_duplicates_are_not_repeated() -> None:
    lead = "The central bank raised interest rates by half a point on Thursday."
    text = (
        f"{lead} Banks are expected to pass the rise to borrowers within weeks.\n\n"
        f"{lead}\n\n"  # a pull quote repeating the lead, as pages often show it
        "Economists had expected a smaller rise. Inflation reached six percent in May. "
        "The bank will meet again in September."
    )
    summary = summarize_text(text, sentences=3)
    assert summary.count(lead) == 1


def test_title_favours_the_sentences_about_it() -> None:
    # Five unrelated sentences, two asked for: nothing but the headline tells them apart.
    text = (
        "Rain is expected across the north on Friday. "
        "Ticket prices for the opera rose again. "
        "Farmers reported a good wheat harvest. "
        "A new museum of modern art opened downtown. "
        "The ferry timetable changes next month."
    )
    museum = "A new museum of modern art opened downtown."
    assert museum not in summarize_text(text, sentences=2)
    assert museum in summarize_text(text, sentences=2, title="Modern art museum opens")


def test_long_budget_covers_the_article_rather_than_the_lead() -> None:
    # Half the article asked for: the central sentences win over early off-topic ones.
    text = (
        "It was a cold morning. Nobody expected much. "
        "The new vaccine cut infections by half in the trial. "
        "The vaccine trial enrolled ten thousand people. "
        "Infections fell by half among people who got the vaccine. "
        "Regulators will review the vaccine trial data next month. "
        "The company plans to make the vaccine in three countries. "
        "A lunch was served afterwards."
    )
    summary = summarize_text(text, sentences=4)
    assert "It was a cold morning." not in summary
    assert sum("vaccine" in s for s in summary) == 4


def test_short_texts_degrade_gracefully() -> None:
    assert summarize_text("", sentences=3) == []
    assert summarize_text("   \n\n ", sentences=3) == []
    assert summarize_text("The bridge will close on Monday for repairs.", sentences=3) == [
        "The bridge will close on Monday for repairs."
    ]
    two = "The bridge will close on Monday. Repairs will take two years."
    assert summarize_text(two, sentences=5) == [
        "The bridge will close on Monday.",
        "Repairs will take two years.",
    ]
    assert summarize_text(STORY, sentences=0) == []


def test_text_of_fragments_only_still_gets_a_summary() -> None:
    text = "Breaking news from the coast\nStorm warning for tonight\nRoads closed"
    assert summarize_text(text, sentences=2) == [
        "Breaking news from the coast",
        "Storm warning for tonight",
    ]


@pytest.mark.parametrize("bad", [-1, 2.5, "3", True, None])
def test_bad_sentence_counts_are_refused(bad: object) -> None:
    with pytest.raises(InvalidInput):
        summarize_text(STORY, sentences=bad)  # type: ignore[arg-type]


def test_non_text_is_refused() -> None:
    with pytest.raises(InvalidInput):
        summarize_text(b"bytes are not text", sentences=2)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("(CNN)The storm hit at dawn.", "The storm hit at dawn."),
        ("Kano, Nigeria (CNN)Voters queued for hours.", "Voters queued for hours."),
        ("WASHINGTON (AP) — The Senate voted.", "The Senate voted."),
        ("(The Hollywood Reporter)It's official.", "It's official."),
        ("The storm (which was late) hit.", "The storm (which was late) hit."),
        ("Mr Smith (Labour) said so.", "Mr Smith (Labour) said so."),
    ],
)
def test_strip_dateline(sentence: str, expected: str) -> None:
    # A parenthesis followed by a space is an aside, not a source; "Mr Smith (Labour)" too
    # would look like a dateline, which is why only the article's first sentence is stripped.
    if sentence.startswith("Mr Smith"):
        assert summarize_text(f"The vote passed. {sentence}", 2)[1] == sentence
        return
    assert strip_dateline(sentence) == expected


STORIES = {
    "de": (
        "Die Stadt Hamburg hat am Montag beschlossen, die alte Hafenbrücke für Autos zu sperren. "
        "Ingenieure hatten tiefe Risse in den Stützen der Brücke gefunden. "
        "Die Brücke wurde im Jahr 1891 gebaut und trägt täglich rund 40.000 Autos. "
        "Radfahrer und Fußgänger dürfen die Brücke weiterhin benutzen. "
        "Die Reparatur der Brücke soll zwei Jahre dauern und zwölf Millionen Euro kosten. "
        "Händler in der Nähe der Brücke befürchten weniger Kunden."
    ),
    "fr": (
        "La ville de Lyon a décidé lundi de fermer le vieux pont aux voitures. "
        "Des ingénieurs ont trouvé de profondes fissures dans les piliers du pont. "
        "Le pont, construit en 1891, voit passer environ 40 000 voitures par jour. "
        "Les cyclistes et les piétons pourront toujours utiliser le pont. "
        "Les travaux de réparation du pont dureront deux ans. "
        "Les commerçants près du pont craignent de perdre des clients."
    ),
    "es": (
        "El ayuntamiento de Sevilla decidió el lunes cerrar el viejo puente a los coches. "
        "Los ingenieros encontraron grietas profundas en los pilares del puente. "
        "El puente, construido en 1891, soporta unos 40.000 coches al día. "
        "Los ciclistas y los peatones podrán seguir usando el puente. "
        "Las obras de reparación del puente durarán dos años. "
        "Los comerciantes cerca del puente temen perder clientes."
    ),
    "it": (
        "Il comune di Torino ha deciso lunedì di chiudere il vecchio ponte alle auto. "
        "Gli ingegneri hanno trovato crepe profonde nei piloni del ponte. "
        "Il ponte, costruito nel 1891, è attraversato da circa 40.000 auto al giorno. "
        "Ciclisti e pedoni potranno ancora usare il ponte. "
        "I lavori di riparazione del ponte dureranno due anni. "
        "I negozianti vicino al ponte temono di perdere clienti."
    ),
    "pt": (
        "A câmara de Lisboa decidiu na segunda-feira fechar a velha ponte aos carros. "
        "Os engenheiros encontraram fissuras profundas nos pilares da ponte. "
        "A ponte, construída em 1891, recebe cerca de 40.000 carros por dia. "
        "Ciclistas e peões poderão continuar a usar a ponte. "
        "As obras de reparação da ponte vão durar dois anos. "
        "Os comerciantes perto da ponte temem perder clientes."
    ),
    "ru": (
        "Власти Казани в понедельник решили закрыть старый мост для автомобилей. "
        "Инженеры нашли глубокие трещины в опорах моста. "
        "Мост, построенный в 1891 году, ежедневно пропускает около 40 000 машин. "
        "Велосипедисты и пешеходы смогут по-прежнему пользоваться мостом. "
        "Ремонт моста займет два года. "
        "Торговцы рядом с мостом опасаются потерять покупателей."
    ),
}


# Two inflected forms of one word per language, which its stemmer must bring together.
INFLECTIONS = {
    "de": ("Brücke", "Brücken"),
    "fr": ("fissure", "fissures"),
    "es": ("puente", "puentes"),
    "it": ("ponte", "ponti"),
    "pt": ("ponte", "pontes"),
    "ru": ("моста", "мостом"),
}


@pytest.mark.parametrize("language", sorted(STORIES))
def test_languages_get_their_stemmer_and_stop_words(language: str) -> None:
    from newsbrief.language import stop_words, word_stemmer

    assert stop_words(language), f"no stop words for {language}"
    first, second = INFLECTIONS[language]
    stem = word_stemmer(language)
    assert stem(first) == stem(second), f"{language} stemmer does not join {first}/{second}"
    text = STORIES[language]
    summary = summarize_text(text, sentences=2, language=language)
    assert len(summary) == 2
    flat = words_of(text)
    assert flat.index(summary[0]) < flat.index(summary[1])


@pytest.mark.parametrize("language", [None, "xx", "en-GB", "EN", "english", "zz-ZZ"])
def test_unknown_or_spelled_out_languages_fall_back(language: str | None) -> None:
    assert len(summarize_text(STORY, sentences=2, language=language)) == 2


def test_long_articles_are_handled_whole() -> None:
    # 400 sentences with varied words (no near-duplicates): every one is scored, none dropped.
    subjects = ["council", "mayor", "engineer", "resident", "shopkeeper", "cyclist", "driver"]
    objects = ["bridge", "budget", "repairs", "traffic", "ferry", "tunnel", "river", "harbour"]
    verbs = ["criticised", "praised", "discussed", "questioned", "defended"]
    sentences = [
        f"The {subjects[i % 7]} {verbs[i % 5]} the {objects[i % 8]} and the {objects[(i // 8) % 8]}"
        f" in {['spring', 'summer', 'autumn', 'winter'][i % 4]} meeting number {i}."
        for i in range(400)
    ]
    text = "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, 400, 4))
    summary = summarize_text(text, sentences=5)
    assert len(summary) == 5
    assert all(s in sentences for s in summary)


def test_importing_the_stage_does_not_import_sumy_or_nltk() -> None:
    # NLTK costs ~0.5 s of start-up: only the first summary may pay it.
    code = (
        "import sys, newsbrief.summarize, newsbrief.sentences, newsbrief.language\n"
        "print(sorted(m for m in ('sumy', 'nltk') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
