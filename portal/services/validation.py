"""Validation of identifiers and codes shared by forms, services, the API and the CLI.

Each validator returns the normalised value or raises ``ValueError`` with a message fit to show
next to a form field.
"""

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

ORG_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
TRL_MIN, TRL_MAX = 1, 9

# ISO 3166-1 alpha-2 codes (officially assigned), kept here so validation needs no package.
ISO_COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905  (a block of codes reads better than 249 quoted strings)
)


def org_number_check_digit(first_eight: str) -> int | None:
    """The modulus-11 check digit for eight digits, or None when no valid one exists.

    Args:
        first_eight: the first eight digits of a Norwegian organisation number.

    Returns:
        The check digit 0-9, or None when the remainder gives 10 (such numbers are never issued).
    """
    total = sum(int(digit) * weight for digit, weight in zip(first_eight, ORG_NUMBER_WEIGHTS,
                                                              strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def validate_org_number(raw: str) -> str:
    """Validate a Norwegian organisation number (9 digits, modulus-11 check digit).

    Spaces are ignored, so ``"923 609 016"`` is accepted.

    Args:
        raw: the number as typed.

    Returns:
        The nine digits without spaces.

    Raises:
        ValueError: the number has the wrong length, contains non-digits, or fails the check.
    """
    number = "".join((raw or "").split())
    if not number.isascii() or not number.isdigit():
        raise ValueError(_l("An organisation number has digits only (for example 923 609 016)."))
    if len(number) != 9:
        raise ValueError(_l("An organisation number has 9 digits; this one has %(count)d.",
                              count=len(number)))
    expected = org_number_check_digit(number[:8])
    if expected is None or expected != int(number[8]):
        raise ValueError(_l("This is not a valid organisation number: the check digit does not "
                            "match. Please check it against the Brønnøysund Register."))
    return number


def validate_country(raw: str) -> str:
    """Validate an ISO 3166-1 alpha-2 country code.

    Returns:
        The upper-case code, e.g. ``"NO"``.

    Raises:
        ValueError: not a two-letter ISO country code.
    """
    code = (raw or "").strip().upper()
    if code not in ISO_COUNTRIES:
        raise ValueError(_l("Give the country as a two-letter ISO code, for example NO, SE or DE."))
    return code


def validate_trl(value: int | str | None) -> int:
    """Validate a Technology Readiness Level (1-9).

    Raises:
        ValueError: not a whole number from 1 to 9.
    """
    try:
        level = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(_l("TRL is a whole number from 1 to 9.")) from None
    if not TRL_MIN <= level <= TRL_MAX:
        raise ValueError(_l("TRL is a whole number from 1 to 9."))
    return level


def validate_trl_range(trl_min: int | None, trl_max: int | None) -> tuple[int | None, int | None]:
    """Validate an optional TRL range; each end is 1-9 and the minimum is not above the maximum.

    Raises:
        ValueError: an end is out of range, or the minimum exceeds the maximum.
    """
    low = validate_trl(trl_min) if trl_min is not None else None
    high = validate_trl(trl_max) if trl_max is not None else None
    if low is not None and high is not None and low > high:
        raise ValueError(_l("The lowest TRL cannot be above the highest TRL."))
    return low, high


def validate_website(raw: str) -> str:
    """Validate a web address: http or https with a host name.

    Returns:
        The address, stripped.

    Raises:
        ValueError: another scheme (``javascript:``, ``ftp:``...) or no host.
    """
    url = (raw or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in url:
        raise ValueError(_l("Give a web address starting with https:// (or http://)."))
    return url
