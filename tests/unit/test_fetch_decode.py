"""decode_html: which encoding wins (BOM, header, page declaration, detection) and robustness."""

from __future__ import annotations

import codecs
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from newsbrief.fetch import decode_html

QUOTED = "<p>\u201cWe will rebuild,\u201d the mayor said \u2014 \u2018soon\u2019.</p>"


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}<title>t</title></head><body>{body}</body></html>"


def test_utf8_without_any_declaration() -> None:
    text, encoding = decode_html(page(QUOTED).encode("utf-8"))
    assert QUOTED in text
    assert encoding == "utf-8"


def test_header_charset_wins_over_meta() -> None:
    data = page("<p>Новости</p>", '<meta charset="utf-8">').encode("koi8-r")
    text, encoding = decode_html(data, "text/html; charset=KOI8-R")
    assert "Новости" in text
    assert encoding == "koi8-r"


@pytest.mark.parametrize("label", ["iso-8859-1", "ISO_8859-1", "latin1", "us-ascii", "cp1252"])
def test_latin1_labels_decode_as_windows_1252(label: str) -> None:
    # Browsers read latin-1 as windows-1252; pages rely on it for their curly quotes.
    data = page(QUOTED).encode("cp1252")
    text, encoding = decode_html(data, f"text/html; charset={label}")
    assert QUOTED in text
    assert encoding == "windows-1252"


@pytest.mark.parametrize(
    "head",
    [
        '<meta charset="windows-1252">',
        "<meta charset=iso-8859-1>",
        '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
        "<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=windows-1252'>",
    ],
)
def test_meta_declarations_are_read(head: str) -> None:
    text, encoding = decode_html(page(QUOTED, head).encode("cp1252"), "text/html")
    assert QUOTED in text
    assert encoding == "windows-1252"


def test_meta_after_a_long_head_is_still_found() -> None:
    head = "<script>" + "var x = 1;\n" * 300 + "</script><meta charset='windows-1251'>"
    text, encoding = decode_html(page("<p>Привет, мир</p>", head).encode("cp1251"))
    assert "Привет, мир" in text
    assert encoding == "windows-1251"


def test_xml_declaration_is_read() -> None:
    data = ('<?xml version="1.0" encoding="ISO-8859-15"?>' + page("<p>Prix : 5 €</p>")).encode(
        "iso-8859-15"
    )
    text, _ = decode_html(data, "application/xhtml+xml")
    assert "5 €" in text


# One news sentence per language, in the legacy encoding sites in that language used.
LEGACY_SAMPLES = {
    "polish": ("Burmistrz powiedział, że most zostanie zamknięty z powodu uszkodzeń. "
               "Mieszkańcy są źli, bo objazd wydłuży dojazd do pracy o pół godziny.", "cp1250"),
    "czech": ("Starosta řekl, že most bude uzavřen kvůli poškození. Obyvatelé jsou "
              "rozzlobení, protože objížďka prodlouží cestu do práce.", "cp1250"),
    "hungarian": ("A polgármester szerint a hidat a károk miatt lezárják. A lakók dühösek, "
                  "mert a kerülőút félórával hosszabbítja meg az utat.", "cp1250"),
    "portuguese": ("O prefeito disse que a ponte será fechada por causa dos danos. Os moradores "
                   "estão irritados, pois o desvio vai aumentar a viagem em meia hora.", "cp1252"),
    "french": ("Le maire a déclaré que le pont serait fermé à cause des dégâts. Les habitants "
               "sont en colère, car la déviation allongera le trajet d’une demi-heure.",
               "cp1252"),
    "german": ("Der Bürgermeister sagte, die Brücke müsse wegen Schäden gesperrt werden. Die "
               "Anwohner sind verärgert, weil die Umleitung länger dauert.", "cp1252"),
    "greek": ("Ο δήμαρχος είπε ότι η γέφυρα θα κλείσει λόγω ζημιών. Οι κάτοικοι είναι "
              "θυμωμένοι γιατί η παράκαμψη θα αυξήσει τη διαδρομή.", "cp1253"),
    "turkish": ("Belediye başkanı, köprünün hasar nedeniyle kapatılacağını söyledi. Sakinler "
                "öfkeli, çünkü dolambaçlı yol işe gidişi uzatacak.", "cp1254"),
    "russian-1251": ("Мэр заявил, что мост будет закрыт из-за повреждений. Жители недовольны, "
                     "потому что объезд удлинит дорогу на работу.", "cp1251"),
    "russian-koi8": ("Мэр заявил, что мост будет закрыт из-за повреждений. Жители недовольны, "
                     "потому что объезд удлинит дорогу на работу.", "koi8_r"),
    "japanese-sjis": ("東京都は来週から新しい交通規制を導入すると発表しました。"
                      "市民の反応はさまざまです。", "shift_jis"),
    "japanese-euc": ("市長は、損傷のため橋を閉鎖すると述べた。住民は迂回路で通勤時間が長くなると"
                     "怒っている。", "euc_jp"),
    "chinese": ("市长表示，由于损坏，这座桥将被关闭。"
                "居民们很生气，因为绕行会使上班路程延长半小时。", "gb2312"),
    "korean": ("서울시는 다음 주부터 새로운 교통 규제를 시행한다고 발표했다. 시민들의 반응은 "
               "엇갈렸다.", "euc_kr"),
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(LEGACY_SAMPLES))
def test_undeclared_legacy_encodings_are_detected(language: str) -> None:
    sample, codec = LEGACY_SAMPLES[language]
    body = f"<article><p>{sample}</p><p>{sample}</p></article>"
    text, _ = decode_html(page(body, "<script>var edition = 1;</script>").encode(codec))
    assert sample in text


def test_detection_finds_text_after_a_long_ascii_head() -> None:
    # 150 kB of inline script before the first non-ASCII byte: detection must still see it.
    sample, codec = LEGACY_SAMPLES["russian-1251"]
    head = "<script>" + "window.config = {a: 1, b: 2};\n" * 5000 + "</script>"
    text, encoding = decode_html(page(f"<p>{sample}</p>", head).encode(codec))
    assert sample in text
    assert encoding == "windows-1251"


def test_undeclared_windows_1252_keeps_curly_quotes() -> None:
    body = QUOTED + "<p>The council\u2019s \u201cplan\u201d was approved on Monday evening.</p>"
    text, _ = decode_html(page(body).encode("cp1252"))
    assert QUOTED in text


def test_latin1_label_on_utf8_bytes_is_read_as_utf8() -> None:
    # A common server default (charset=ISO-8859-1) on a UTF-8 page: no mojibake like "â€œ".
    text, encoding = decode_html(page(QUOTED).encode("utf-8"), "text/html; charset=iso-8859-1")
    assert QUOTED in text
    assert encoding == "utf-8"


def test_utf8_label_on_legacy_bytes_falls_back_to_detection() -> None:
    sample = "<p>Министр заявил, что переговоры продолжатся на следующей неделе.</p>" * 3
    text, encoding = decode_html(page(sample).encode("cp1251"), "text/html; charset=utf-8")
    assert sample in text
    assert encoding != "utf-8"


def test_invalid_utf8_bytes_are_replaced_not_raised() -> None:
    data = page("<p>caf\u00e9 ok</p><p>broken \xff\xfe here</p>").encode("utf-8")
    data = data.replace("\u00ff\u00fe".encode(), b"\xff\xfe")
    text, encoding = decode_html(data, "text/html; charset=utf-8")
    assert "caf\u00e9 ok" in text
    assert "broken \ufffd\ufffd here" in text
    assert encoding == "utf-8"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_byte_order_mark_wins(bom: bytes, codec: str) -> None:
    data = bom + page(QUOTED, '<meta charset="iso-8859-1">').encode(codec)
    text, _ = decode_html(data, "text/html; charset=iso-8859-1")
    assert text.startswith("<!doctype html>")
    assert QUOTED in text


def test_header_declared_utf16_without_bom() -> None:
    text, _ = decode_html(page(QUOTED).encode("utf-16-le"), "text/html; charset=utf-16le")
    assert QUOTED in text


@pytest.mark.parametrize("label", ["x-no-such-charset", "zlib_codec", "base64", "utf-7", "rot13"])
def test_unknown_or_non_text_labels_are_ignored(label: str) -> None:
    data = page(QUOTED, f'<meta charset="{label}">').encode("utf-8")
    text, encoding = decode_html(data, f"text/html; charset={label}")
    assert QUOTED in text
    assert encoding == "utf-8"


def test_plain_text_ignores_markup_declarations() -> None:
    data = ('Notes: <meta charset="koi8-r"> is how a page declares \u201cKOI8\u201d.').encode()
    text, encoding = decode_html(data, "text/plain")
    assert "\u201cKOI8\u201d" in text
    assert encoding == "utf-8"


def test_empty_input() -> None:
    assert decode_html(b"") == ("", "utf-8")


@settings(max_examples=200, deadline=None)
@given(
    data=st.binary(max_size=600),
    content_type=st.one_of(
        st.none(),
        st.sampled_from(["text/html", "text/plain", "text/html; charset=utf-16"]),
        st.text(max_size=40).map(lambda s: "text/html; charset=" + s),
    ),
)
def test_never_raises_on_arbitrary_bytes(data: bytes, content_type: str | None) -> None:
    text, encoding = decode_html(data, content_type)
    assert isinstance(text, str)
    assert codecs.lookup(encoding)


def test_charset_normalizer_is_imported_only_when_needed() -> None:
    code = (
        "import sys; from newsbrief.fetch import decode_html;"
        "decode_html('<p>caf\u00e9</p>'.encode());"
        "assert 'charset_normalizer' not in sys.modules, 'imported eagerly';"
        "decode_html('<p>caf\u00e9 \u201cx\u201d</p>'.encode('cp1252'));"
        "assert 'charset_normalizer' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
