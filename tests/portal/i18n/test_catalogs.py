"""Every string meant for people is in the catalogs, translated, in nb, nn and en.

The test extracts the strings afresh (as `make extract` does) and compares each catalog with
them, so a new `_()` or `{% trans %}` without translations fails here.
"""

from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from portal.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[3]
CATALOGS = ROOT / "portal" / "translations"
KEYWORDS = ("lazy_gettext", "_l", "N_", "Nn_:1,2", "lazy_ngettext:1,2")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    args = ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-o", str(pot),
            "--no-location"]
    for keyword in KEYWORDS:
        args += ["-k", keyword]
    CommandLineInterface().run([*args, str(ROOT)])
    with pot.open("rb") as source:
        template = read_po(source)
    return {message.id for message in template if message.id}


def _catalog(language: str):
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=language)


def _key(message_id) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def test_extraction_finds_the_portal_strings(extracted):
    # A broken extraction (wrong paths, keywords or config) must not pass as "all complete".
    singular = {_key(message_id) for message_id in extracted}
    assert {"Log in", "Challenges", "This field is required.", "Score"} <= singular
    assert len(extracted) > 500


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_every_extracted_string(extracted, language):
    catalog = _catalog(language)
    present = {message.id for message in catalog if message.id}
    missing = sorted(_key(m) for m in extracted - present)
    assert not missing, f"{len(missing)} strings missing from {language}: {missing[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_no_untranslated_or_fuzzy_entries(extracted, language):
    catalog = _catalog(language)
    problems = []
    for message in catalog:
        if not message.id or message.id not in extracted:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {_key(message.id)}")
        elif not all(strings):
            problems.append(f"untranslated: {_key(message.id)}")
    assert not problems, f"{language}: {problems[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_the_original(language):
    catalog = _catalog(language)
    errors = [f"{_key(message.id)}: {error}" for message, errors in catalog.check()
              for error in errors]
    assert not errors, errors[:20]


@pytest.mark.parametrize("language", ("nb", "nn"))
def test_norwegian_catalogs_are_translations_not_copies(language):
    catalog = _catalog(language)
    words = [m for m in catalog if m.id and isinstance(m.id, str) and len(m.id) > 40]
    copied = [m.id for m in words if m.string == m.id]
    assert len(words) > 100
    assert not copied, copied[:10]


def test_nynorsk_is_not_bokmal():
    bokmal, nynorsk = _catalog("nb"), _catalog("nn")
    sentences = [m.id for m in bokmal if m.id and isinstance(m.id, str) and len(m.id) > 60]
    same = [m for m in sentences if bokmal[m].string == nynorsk[m].string]
    # A few long strings (names, numbers) may read the same; prose must not.
    assert len(same) < len(sentences) * 0.05, same[:10]
