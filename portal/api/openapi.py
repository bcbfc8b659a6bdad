"""The OpenAPI 3 document, assembled from each route module's ``PATHS``."""

from portal.api import bp


@bp.get("/openapi.json")
def openapi():
    from portal.api import challenges, events, me

    paths: dict = {}
    for module in (challenges, me, events):
        paths.update(module.PATHS)
    return {"openapi": "3.0.3", "info": {"title": "SME Challenge Portal API", "version": "1"},
            "paths": paths}
