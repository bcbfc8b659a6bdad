"""The OpenAPI document is generated from the resource schemas the forms also read."""

from wtforms.validators import Length

from portal.api.openapi import build_document
from portal.challenges.forms import ChallengeForm
from portal.smes.forms import CompanyForm


def _length(field) -> Length:
    return next(v for v in field.validators if isinstance(v, Length))


def test_challenge_limits_in_the_document_are_the_forms(app):
    schema = build_document()["components"]["schemas"]["ChallengeCreate"]
    with app.test_request_context():
        form = ChallengeForm(meta={"csrf": False})
    properties = schema["properties"]
    problem = _length(form.problem)
    assert (properties["problem"]["minLength"], properties["problem"]["maxLength"]) == \
        (problem.min, problem.max)
    for name in ("title", "context", "effect"):
        assert properties[name]["maxLength"] == _length(getattr(form, name)).max, name
    # The form requires a wanted effect; so does the API, and it is never null.
    assert {"title", "problem", "effect", "visibility"} <= set(schema["required"])
    assert "nullable" not in properties["effect"]
    assert schema["additionalProperties"] is False


def test_company_limits_in_the_document_are_the_forms(app):
    properties = build_document()["components"]["schemas"]["CompanyUpdate"]["properties"]
    with app.test_request_context():
        form = CompanyForm(meta={"csrf": False})
    for name in ("name", "municipality", "website", "contact_name", "contact_email",
                 "contact_phone", "description"):
        assert properties[name]["maxLength"] == _length(getattr(form, name)).max, name
    assert "clearance_verified" not in properties


def test_every_request_and_response_body_is_a_component(app):
    """Bodies refer to generated components; only bare files and documents are inline."""
    document = build_document()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            bodies = [operation.get("requestBody", {}).get("content", {})]
            bodies += [r.get("content", {}) for r in operation["responses"].values()]
            for content in bodies:
                for media, item in content.items():
                    if media == "application/json" and path != "/api/v1/openapi.json":
                        assert set(item["schema"]) == {"$ref"}, (method, path)
