"""Norwegian-aware text search that works the same on SQLite and PostgreSQL.

Each searchable row stores ``search_text``: the Snowball (Norwegian) stems of its words, each
preceded by a space. A query word matches when its stem begins a stored stem, so "droner" finds
"drone" (both stem to "dron") and "undervann" finds "undervannsfarkost". Plain substring matching
on the original columns is kept alongside, so nothing that matched before stops matching.
"""

import re
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer
from sqlalchemy import ColumnElement, and_, or_

# Letters and digits, Norwegian letters included; hyphens split compounds written with them.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# A stem shorter than this (a query like "ta" stems to "t") says little as a prefix; such words
# are still found by the plain substring match.
MIN_PREFIX = 3
MAX_QUERY_WORDS = 8


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("norwegian")


def stems(text: str | None) -> list[str]:
    """The Norwegian stems of the words of ``text``, lower-cased, in order."""
    if not text:
        return []
    return _stemmer().stemWords(_WORD.findall(text.lower()))


def search_text(*texts: str | None) -> str:
    """What a row stores in ``search_text``: each distinct stem once, each after a space."""
    seen = dict.fromkeys(stem for text in texts for stem in stems(text))
    return "".join(f" {stem}" for stem in seen)


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matches(query: str, search_column, plain_columns: Iterable) -> ColumnElement[bool] | None:
    """A WHERE clause: ``query`` as a substring of a plain column, or every query stem found.

    Returns None for a query without words.
    """
    query = query.strip()
    if not query:
        return None
    substring = f"%{escape_like(query)}%"
    plain = [column.ilike(substring, escape="\\") for column in plain_columns]
    query_stems = [stem for stem in stems(query)[:MAX_QUERY_WORDS] if len(stem) >= MIN_PREFIX]
    if not query_stems:
        return or_(*plain)
    # search_text is stored lower-case, so LIKE needs no case folding on either database.
    stemmed = and_(*(search_column.like(f"% {escape_like(stem)}%", escape="\\")
                     for stem in query_stems))
    return or_(*plain, stemmed)
