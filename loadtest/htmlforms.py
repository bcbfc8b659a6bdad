"""Reading an HTML form as a browser submits it, with ``lxml.html``.

:func:`find_form` returns the form of a page that holds a given field; lxml gives its controls
(``form.inputs``) and the pairs a browser would post for it unchanged (``form.form_values()``:
text inputs and textareas with their values, checked checkboxes and radios, the selected options
of each select). :func:`profile_save` is what the load test's "save profile" posts: the company
profile form as it was filled in, with a new revision sentence at the end of the description.

Locust imports this module beside the locustfile, so lxml has to be installed where locust runs
(``make loadtest`` uses the project's virtualenv, which has it from requirements.txt).
"""

from __future__ import annotations

import re

import lxml.html
from lxml.html import FormElement

# The sentence a load-test save ends the description with; the next save replaces it, so
# descriptions do not grow from run to run.
_REVISION = re.compile(r"\s*Profile revision [\w-]+\.\Z")


def find_form(html: str, holding: str) -> FormElement:
    """The form of ``html`` that has a control named ``holding``.

    Raises:
        LookupError: no form of the page has such a control.
    """
    for form in lxml.html.document_fromstring(html).forms:
        if holding in form.inputs:
            # A browser drops one newline right after <textarea> (WTForms writes one there);
            # libxml2 keeps it, and posting it back would add it to the text.
            for control in form.inputs:
                if control.tag == "textarea" and control.text and control.text.startswith("\n"):
                    control.text = control.text[1:]
            return form
    raise LookupError(f"no form with a field {holding!r} on the page")


def profile_save(html: str, revision: str) -> list[tuple[str, str]]:
    """The pairs to post for the company profile form on ``html`` (the edit page), every field
    as the page filled it in except the description, which ends with ``Profile revision
    <revision>.`` instead of the previous revision sentence (if any).

    Raises:
        LookupError: the page has no form with a ``description`` field.
    """
    form = find_form(html, "description")
    description = form.fields["description"] or ""
    form.fields["description"] = f"{_REVISION.sub('', description)} Profile revision {revision}."
    return form.form_values()
