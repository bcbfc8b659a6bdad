"""One schema per resource (marshmallow): each field's rules stated once.

The JSON API loads its input and dumps its output with these schemas, the OpenAPI document is
generated from them (``portal.api.openapi``, from :mod:`.components`), and the web forms and the
services take their limits and choices from the constants beside them. Each resource is a module
(``challenge``, ``company``, ``event``, ``conversation``, ``matches``, ``interest``,
``feedback``); this package imports none of them, so a service can read its limits from one
without importing the others.
"""
