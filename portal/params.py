"""Query-string parameters that page views share, parsed so hostile input never becomes a 500.

``str.isdigit`` accepts Unicode digits such as ``²`` that ``int`` refuses, and an integer with
twenty digits overflows a database OFFSET; these helpers accept ASCII digits only, within bounds.
"""

from flask import abort, request

# More pages than any list here will have; beyond it no page exists (404).
MAX_PAGE = 100_000


def ascii_int(raw: str | None) -> int | None:
    """``raw`` as a non-negative integer when it is 1-18 ASCII digits, else None."""
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return None
    return int(raw)


def page_arg(name: str = "page") -> int:
    """The page number asked for: 1 when missing or not a number, 404 beyond ``MAX_PAGE``."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return 1
    if raw.isascii() and raw.isdigit() and (len(raw) > 18 or int(raw) > MAX_PAGE):
        abort(404)
    return max(1, ascii_int(raw) or 1)
