"""Readable term chips: whole words as written, nothing uninformative."""

from matching.explain import readable_terms, surface_forms
from matching.lexical import tokenize
from matching.multilingual import LanguageAnalyser


def english(doc):
    return tokenize(doc[1])


def test_a_term_is_shown_as_the_word_the_text_used_most():
    forms = surface_forms("Drones, more drones and one drone swarm over the UAV range.", "en",
                          english)
    assert forms["drone"] == "drones"
    assert forms["uav"] == "UAV"  # an acronym keeps its capitals


def test_uninformative_words_fragments_and_unknown_terms_are_left_out():
    forms = surface_forms("Plus one know-how sonar for Troms, two sonar arrays, ab testing.",
                          "en", english)
    shown = readable_terms(["plus", "one", "two", "sonar", "array", "ab", "nowhere"], forms, 5)
    assert shown == ("sonar", "arrays")
    assert readable_terms(["sonar", "array"], forms, 1) == ("sonar",)


def test_norwegian_stems_and_compound_parts_are_shown_as_whole_words():
    text = "Vi trenger droner og undervannsfarkoster som tåler kulde."
    analyser = LanguageAnalyser().learn([("nb", text), ("nb", "undervann og farkost")])
    forms = surface_forms(text, "nb", analyser)
    assert forms[analyser(("nb", "droner"))[0]] == "droner"
    part = "undervann"
    assert part in analyser(("nb", "undervannsfarkoster"))
    assert forms[part] == "undervannsfarkoster"
    # Norwegian number words are as uninformative as English ones.
    assert readable_terms(["to", "tre", part], {"to": "to", "tre": "tre", part: forms[part]},
                          5) == ("undervannsfarkoster",)
