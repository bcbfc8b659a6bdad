"""Language detection and the Norwegian analyser."""

import pytest

from matching.language import ENGLISH, NORWEGIAN, UNDETERMINED, detect_language, pair_key
from matching.multilingual import LanguageAnalyser
from matching.norwegian import STOP_WORDS, NorwegianAnalyser, split_compound, stem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vi utvikler sensorer for droner og autonome systemer.", NORWEGIAN),
        ("We build underwater vehicles and sonar for the navy.", ENGLISH),
        ("Lett og effektiv generator på 3 kW", NORWEGIAN),
        ("Undervannsfarkost for minerydding", NORWEGIAN),
        # A Norwegian sentence that names English technologies is Norwegian.
        ("Vi leverer machine learning og computer vision for droner", NORWEGIAN),
        # An English sentence with one Norwegian place name is English.
        ("The company tests its sensors in the cold waters off Tromsø and Bodø.", ENGLISH),
    ],
)
def test_detects_short_and_mixed_texts(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "radar", "3D", "Sensor fusion for UAV"])
def test_too_little_text_is_undetermined(text):
    assert detect_language(text) == UNDETERMINED


def test_long_norwegian_text_without_special_letters():
    text = (
        "Selskapet utvikler programvare for analyse av satellittbilder og leverer tjenester"
        " til kystvakten og politiet innen overvaking av skipstrafikk langs kysten."
    )
    assert detect_language(text) == NORWEGIAN


def test_pair_key_counts_an_undetermined_side_as_the_other_language():
    assert pair_key("nb", "en") == "nb-en"
    assert pair_key("nb", "und") == "nb-nb"
    assert pair_key("und", "en") == "en-en"
    assert pair_key("und", "und") == "en-en"


def test_norwegian_stems_conflate_inflections():
    assert stem("sensorer") == stem("sensoren") == stem("sensor")
    assert stem("farkostene") == stem("farkost")
    assert stem("systemer") == stem("systemet")


def test_norwegian_stop_words_are_dropped():
    terms = NorwegianAnalyser()("Målet med prosjektet er å utvikle en sonar som ikke forstyrrer")
    assert "og" in STOP_WORDS and "ikke" in STOP_WORDS
    assert "ikk" not in terms and "ikke" not in terms and "med" not in terms
    assert stem("sonar") in terms
    assert stem("forstyrrer") in terms


def test_compound_reaches_its_parts():
    assert split_compound("undervannsfarkost") == ["undervann", "farkost"]
    terms = NorwegianAnalyser()("Undervannsfarkosten")
    assert "undervann" in terms
    assert stem("farkost") in terms
    # The whole compound is kept too, so an exact compound still matches best.
    assert stem("undervannsfarkosten") in terms


def test_compound_parts_are_learned_from_the_texts():
    analyser = NorwegianAnalyser()
    assert split_compound("isbrytertjeneste", analyser.lexicon) == []
    analyser.learn(["Et isbryter-oppdrag", "God tjeneste"])
    assert split_compound("isbrytertjeneste", analyser.lexicon) == ["isbryter", "tjeneste"]


def test_short_words_are_not_split():
    assert split_compound("vannsk") == []
    assert split_compound("radarer") == []


def test_language_analyser_uses_the_english_tokeniser_for_english():
    from matching.lexical import tokenize

    analyser = LanguageAnalyser()
    text = "Sonar arrays and hydrophones for submarines"
    assert analyser((ENGLISH, text)) == tokenize(text)
    assert analyser(("und", text)) == tokenize(text)
    assert analyser((NORWEGIAN, "undervannsfarkoster")) != tokenize("undervannsfarkoster")
