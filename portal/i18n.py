"""Languages: which one a request is served in, the switch, and locale-aware formatting.

The order is the signed-in user's saved preference, then the ``lang`` cookie a visitor's switch
set, then the browser's ``Accept-Language``, then ``BABEL_DEFAULT_LOCALE`` (``nb``). The JSON
API is for programs and always answers in English.
"""

from datetime import date, datetime, time

from flask import Flask, current_app, request
from flask_babel import (
    Babel,
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    get_locale,
    get_translations,
)
from flask_login import current_user

LANGUAGES: tuple[str, ...] = ("nb", "nn", "en")
# Each language named in itself, as the switch shows it.
LANGUAGE_NAMES: dict[str, str] = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}
COOKIE_NAME = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Browsers send the macrolanguage "no" (and sometimes its three-letter codes) for Bokmål.
_ALIASES = {"no": "nb", "nob": "nb", "nno": "nn"}

babel = Babel()


def N_(text: str) -> str:
    """Mark ``text`` for extraction only."""
    return text


# The matching library (no Flask, no gettext) explains matches in these fixed English notes;
# pages look each one up in the catalogs ("translated" filter), and show unknown ones as they are.
MATCHER_NOTES = (
    N_("Areas neutral: neither side lists areas (shared areas are inferred from the text)."),
    N_("Areas of the challenge inferred from the text."),
    N_("Areas of the company inferred from the text."),
    N_("TRL neutral: the challenge gives no TRL."),
    N_("TRL neutral: the company gives no TRL."),
    N_("Region neutral: the challenge gives no region."),
    N_("Region neutral: the company gives no region."),
    # Across languages (the library detects English and Bokmål; "nb-en" is challenge-company).
    N_("Different languages (nb-en): shared terms include Norwegian words matched to English "
       "ones through the glossary."),
    N_("Different languages (en-nb): shared terms include Norwegian words matched to English "
       "ones through the glossary."),
    N_("Different languages (nb-en); lexical evidence not used: shared terms include Norwegian "
       "words matched to English ones through the glossary."),
    N_("Different languages (en-nb); lexical evidence not used: shared terms include Norwegian "
       "words matched to English ones through the glossary."),
)


def normalise(tag: str | None) -> str | None:
    """The supported language a tag like ``nb-NO``, ``no`` or ``en_GB`` names, or None."""
    if not tag:
        return None
    primary = tag.strip().lower().replace("_", "-").split("-")[0]
    primary = _ALIASES.get(primary, primary)
    return primary if primary in LANGUAGES else None


def _from_accept_language() -> str | None:
    # Highest quality first; werkzeug keeps the header's order among equal qualities.
    for tag, quality in request.accept_languages:
        if quality > 0 and (language := normalise(tag)):
            return language
    return None


def recipient_locale(user) -> str:
    """The language to write to ``user`` in when they are not the one asking (notifications)."""
    return (normalise(getattr(user, "locale", None))
            or current_app.config.get("BABEL_DEFAULT_LOCALE", "nb"))


def select_locale() -> str:
    """The language of the current request."""
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "nb")
    if not request:
        return default
    if request.path.startswith("/api/"):
        return "en"
    if current_user and current_user.is_authenticated:
        saved = normalise(getattr(current_user, "locale", None))
        if saved:
            return saved
    return normalise(request.cookies.get(COOKIE_NAME)) or _from_accept_language() or default


def current_locale() -> str:
    """The language code of the current request ("nb", "nn" or "en")."""
    locale = get_locale()
    return str(locale) if locale else "nb"


def area_name(area) -> str:
    """A technology area's name in the current language (English where none is stored)."""
    locale = current_locale()
    return (getattr(area, f"name_{locale}", None) if locale != "en" else None) or area.name


def area_description(area) -> str:
    locale = current_locale()
    return ((getattr(area, f"description_{locale}", None) if locale != "en" else None)
            or area.description)


def _date(value: date | datetime | None, format: str = "medium") -> str:
    return "" if value is None else format_date(value, format)


def _datetime(value: datetime | None, format: str = "medium") -> str:
    """A stored (naive UTC) timestamp shown in Oslo time, in the page's language."""
    return "" if value is None else format_datetime(value, format)


def _time(value: time | datetime | None, format: str = "HH:mm") -> str:
    if value is None:
        return ""
    if isinstance(value, time):
        # A wall-clock time of day (an event's hours): shown as it is, never shifted.
        return value.strftime("%H:%M")
    return format_time(value, format)


def _translated(text: str) -> str:
    """``text`` from the catalogs when it is a known message, else unchanged."""
    return get_translations().ugettext(text) if text else ""


def _number(value, format: str | None = None) -> str:
    return "" if value is None else format_decimal(value, format)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    # {% trans %} blocks are extracted and looked up with their whitespace collapsed.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters["date"] = _date
    app.jinja_env.filters["datetime"] = _datetime
    app.jinja_env.filters["time"] = _time
    app.jinja_env.filters["number"] = _number
    app.jinja_env.filters["translated"] = _translated
    app.jinja_env.filters["area_name"] = area_name
    app.jinja_env.filters["area_description"] = area_description
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES

    @app.context_processor
    def _language():
        return {"current_locale": current_locale()}
