"""Organisation numbers, countries, TRL and web addresses."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.services.validation import (
    ORG_NUMBER_WEIGHTS,
    org_number_check_digit,
    validate_country,
    validate_org_number,
    validate_trl,
    validate_trl_range,
    validate_website,
)


@pytest.mark.parametrize("raw, expected", [
    ("923609016", "923609016"),
    ("923 609 016", "923609016"),
    (" 987654325 ", "987654325"),
])
def test_valid_org_numbers_are_normalised(raw, expected):
    assert validate_org_number(raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("923609017", "check digit"),
    ("92360901", "9 digits"),
    ("9236090160", "9 digits"),
    ("", "digits only"),
    ("92360901A", "digits only"),
    ("923-609-016", "digits only"),
    ("٩٢٣٦٠٩٠١٦", "digits only"),  # Arabic-Indic digits pass str.isdigit but are not valid
])
def test_invalid_org_numbers_are_refused_with_a_reason(raw, message):
    with pytest.raises(ValueError, match=message):
        validate_org_number(raw)


def test_prefix_whose_remainder_gives_ten_has_no_valid_number():
    assert org_number_check_digit("10000013") is None
    for last in range(10):
        with pytest.raises(ValueError, match="check digit"):
            validate_org_number(f"10000013{last}")


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_exactly_one_check_digit_or_none_is_accepted(prefix):
    total = sum(int(d) * w for d, w in zip(prefix, ORG_NUMBER_WEIGHTS, strict=True))
    accepted = []
    for last in range(10):
        with contextlib.suppress(ValueError):
            accepted.append(validate_org_number(prefix + str(last)))
    if total % 11 == 1:
        assert accepted == []
    else:
        assert accepted == [prefix + str((11 - total % 11) % 11)]


@given(st.integers(min_value=0, max_value=999_999_999))
def test_validation_never_crashes_and_round_trips(number):
    raw = f"{number:09d}"
    try:
        assert validate_org_number(raw) == raw
    except ValueError as error:
        assert "check digit" in str(error)


def test_country_codes():
    assert validate_country(" se ") == "SE"
    assert validate_country("NO") == "NO"
    for bad in ("", "XX", "NOR", "Norway", "1"):
        with pytest.raises(ValueError, match="ISO"):
            validate_country(bad)


def test_trl_and_ranges():
    assert validate_trl("7") == 7
    for bad in (0, 10, "x", None):
        with pytest.raises(ValueError):
            validate_trl(bad)
    assert validate_trl_range(3, 6) == (3, 6)
    assert validate_trl_range(None, 6) == (None, 6)
    with pytest.raises(ValueError, match="above"):
        validate_trl_range(7, 4)


def test_websites_must_be_http_or_https():
    assert validate_website(" https://polarsonar.example/om ") == "https://polarsonar.example/om"
    for bad in ("javascript:alert(1)", "ftp://x.example", "https://", "polarsonar.example",
                "https://a b.example"):
        with pytest.raises(ValueError):
            validate_website(bad)
