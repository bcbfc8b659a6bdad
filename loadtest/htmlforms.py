"""Reading an HTML form as a browser submits it (standard library only: locust imports it).

:func:`form_fields` parses a page and returns the form that holds a given field: every control
with its name, and the pairs a browser would post for it unchanged (text inputs and textareas
with their values, checked checkboxes and radios, the selected option of each select).
:func:`profile_save` is what the load test's "save profile" posts: the company profile form as
it was filled in, with a new revision sentence at the end of the description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# The sentence a load-test save ends the description with; the next save replaces it, so
# descriptions do not grow from run to run.
_REVISION = re.compile(r"\s*Profile revision [\w-]+\.\Z")

# Inputs whose value is posted as typed; checkboxes and radios only when checked.
_TEXT_INPUTS = {"text", "hidden", "email", "url", "tel", "number", "password", "search",
                "date", "time", "datetime-local", "month", "week", "color", "range"}


@dataclass
class Form:
    """One form of a page: its ``action`` and ``method``, the names of all its controls, and
    the ``(name, value)`` pairs a browser would submit unchanged, in document order."""

    action: str = ""
    method: str = "get"
    names: list[str] = field(default_factory=list)
    data: list[tuple[str, str]] = field(default_factory=list)

    def replace(self, name: str, value: str) -> list[tuple[str, str]]:
        """The submission with every value of ``name`` replaced by ``value``."""
        if name not in self.names:
            raise KeyError(f"the form has no field {name!r}")
        pairs: list[tuple[str, str]] = []
        for key, old in self.data:
            if key != name:
                pairs.append((key, old))
            elif (name, value) not in pairs:
                pairs.append((name, value))
        return pairs if (name, value) in pairs else [*pairs, (name, value)]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        # The select being read: its name, its first option and the selected ones.
        self._select: str | None = None
        self._first: str | None = None
        self._selected: list[str] = []
        self._multiple = False
        self._option: dict[str, str | None] | None = None
        self._option_text: list[str] = []

    def _name(self, name: str | None) -> str | None:
        if self._form is None or not name:
            return None
        if name not in self._form.names:
            self._form.names.append(name)
        return name

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "form":
            self._form = Form(action=attr.get("action") or "",
                              method=(attr.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = (attr.get("type") or "text").lower()
            name = self._name(attr.get("name"))
            if name is None or "disabled" in attr:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attr:
                    self._form.data.append((name, attr.get("value") or "on"))
            elif kind in _TEXT_INPUTS:
                self._form.data.append((name, attr.get("value") or ""))
        elif tag == "textarea":
            self._textarea = self._name(attr.get("name"))
            self._text = []
        elif tag == "select":
            self._select = self._name(attr.get("name"))
            self._first, self._selected = None, []
            self._multiple = "multiple" in attr
        elif tag == "option" and self._select is not None:
            self._end_option()
            self._option = attr
            self._option_text = []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)
        if self._option is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._end_option()
        elif tag == "textarea" and self._form is not None and self._textarea is not None:
            # A browser drops one newline right after <textarea>.
            text = "".join(self._text)
            self._form.data.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._form is not None and self._select is not None:
            self._end_option()
            chosen = self._selected or ([] if self._multiple or self._first is None
                                        else [self._first])
            self._form.data.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "form":
            self._form = None

    def _end_option(self) -> None:
        # An <option> need not be closed: the next one, or </select>, ends it.
        if self._option is None:
            return
        value = self._option.get("value")
        if value is None:
            value = "".join(self._option_text).strip()
        if self._first is None:
            self._first = value
        if "selected" in self._option:
            self._selected.append(value)
        self._option = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def form_fields(html: str, holding: str) -> Form:
    """The form of ``html`` that has a control named ``holding``.

    Raises:
        LookupError: no form of the page has such a control.
    """
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    for form in parser.forms:
        if holding in form.names:
            return form
    raise LookupError(f"no form with a field {holding!r} on the page")


def profile_save(html: str, revision: str) -> list[tuple[str, str]]:
    """The pairs to post for the company profile form on ``html`` (the edit page), every field
    as the page filled it in except the description, which ends with ``Profile revision
    <revision>.`` instead of the previous revision sentence (if any).

    Raises:
        LookupError: the page has no form with a ``description`` field.
    """
    form = form_fields(html, "description")
    description = next((value for name, value in form.data if name == "description"), "")
    revised = f"{_REVISION.sub('', description)} Profile revision {revision}."
    return form.replace("description", revised)
