"""The English gloss of Norwegian texts: what the English encoder and index read of them."""

import numpy as np
import pytest

from matching import Document, Matcher, MemoryCache
from matching.gloss import (
    english_ending,
    english_gloss,
    english_passages,
    english_reader,
    gloss_word,
    load_glossary,
)
from matching.lexical import tokenize
from matching.multilingual import LanguageAnalyser
from matching.testing import HashingEncoder


def test_glossary_words_become_english_by_form_or_stem():
    assert gloss_word("drivstoff") == "fuel"
    # Not in the glossary as written: found by its Snowball stem ("sensor").
    assert gloss_word("sensorene") == "sensor"
    assert gloss_word("ubemannede") == "unmanned"


def test_function_words_are_dropped_and_acronyms_and_numbers_kept():
    assert english_gloss("og det er ikke for") == ""
    assert english_gloss("UAV med JP-8 på 3 kW") == "UAV JP-8 3 kW"


def test_loan_words_get_english_endings():
    assert english_ending("kommunikasjon") == "communication"
    assert english_ending("stabilitet") == "stability"
    assert english_ending("hydrologi") == "hydrology"
    # A short stem keeps its ending: "lere" is not Latin.
    assert english_ending("lere") == "lere"


def test_a_compound_is_read_part_by_part():
    assert english_gloss("undervannsfarkost") == "underwater vehicle"
    assert english_gloss("sensorfusjon") == "sensor fusion"  # in the glossary whole


def test_a_norwegian_sentence_reads_as_english_vocabulary():
    gloss = english_gloss(
        "Vi utvikler autonome undervannsfarkoster med akustisk kommunikasjon for "
        "maritim overvåking i Arktis."
    )
    words = set(tokenize(gloss))
    assert {"autonomous", "underwater", "acoustic", "communication", "maritime",
            "surveillance", "arctic"} <= words
    assert not {"vi", "med", "for", "i"} & set(gloss.split())


def test_the_glossary_file_is_well_formed(tmp_path):
    entries = load_glossary()
    assert len(entries) > 500
    assert all(key == key.lower() and " " not in key for key in entries)
    bad = tmp_path / "glossary.txt"
    bad.write_text("ubåt submarine\n", encoding="utf-8")
    with pytest.raises(ValueError, match="word = English"):
        load_glossary(str(bad))


def test_the_reader_glosses_only_norwegian_texts():
    read = english_reader(["nb", "en", "und"])
    assert read(0, "drivstoff og batterier") == "fuel batteries"
    assert read(1, "fuel and batteries") == "fuel and batteries"
    assert read(2, "drivstoff") == "drivstoff"
    assert english_passages(["drivstoff"], "nb") == ["fuel"]
    assert english_passages(["drivstoff"], "en") == ["drivstoff"]


def test_encoded_passages_keep_their_place_and_read_the_gloss():
    enc = HashingEncoder(cache=MemoryCache())
    text = "Ubemannede fartøy og sensorer for overvåking av kysten. " * 40
    pv = enc.encode_documents([text], reader=english_reader(["nb"]))
    # Split as written: one vector per passage an explanation shows.
    assert pv.offsets[-1] == len(enc.passages(text))
    glossed = enc.encode_documents([english_gloss(p) for p in enc.passages(text)])
    np.testing.assert_allclose(pv.doc_passages(0), glossed.vectors)
    plain = enc.encode_documents([text])
    assert not np.allclose(pv.vectors, plain.vectors)


def test_norwegian_terms_meet_english_ones_through_the_gloss():
    analyse = LanguageAnalyser()
    terms = analyse(("nb", "Drivstoff til ubemannede fartøy"))
    assert "drivstoff" in terms  # the Norwegian stem stays, for Norwegian texts
    assert {"fuel", "unmanned", "vessel"} <= set(terms)
    assert analyse(("en", "fuel for unmanned vessels")) == tokenize(
        "fuel for unmanned vessels")


def test_a_norwegian_challenge_ranks_the_english_company_sharing_its_vocabulary_first():
    challenge = Document(
        id="ch", title="Drivstoff for ubemannede fartøy",
        text="Vi trenger lette batterier og drivstoff for ubemannede fartøy til sjøs.",
    )
    companies = [
        Document(id="fuel", text="We make light batteries and fuel cells for unmanned "
                 "surface vessels at sea."),
        Document(id="cyber", text="We deliver network security monitoring and "
                 "encryption for command posts."),
        Document(id="medical", text="Field medical kits, wound care and blood "
                 "transfusion training for soldiers."),
    ]
    m = Matcher(encoder=HashingEncoder(cache=MemoryCache())).fit([challenge], companies)
    ranked = m.rank_companies("ch", top_k=3)
    assert ranked[0].company_id == "fuel"
    # Shared terms are shown as the challenge wrote them.
    assert {"drivstoff", "batterier"} & set(ranked[0].top_shared_terms)


def test_without_a_multilingual_encoder_a_norwegian_text_gets_areas_through_its_gloss():
    from matching import Area

    areas = [
        Area("underwater", "Underwater technology", "sonar, submarines and underwater vehicles"),
        Area("energy", "Energy", "batteries, fuel and generators for power"),
    ]
    m = Matcher(encoder=HashingEncoder(cache=MemoryCache()), areas=areas)
    assert m.suggest_areas("Vi lager drivstoff og batterier til strømaggregat")[0][0] == "energy"
    assert m.suggest_areas("Vi bygger ubåter og undervannsfarkoster")[0][0] == "underwater"
