"""Domain errors raised by services become HTTP in one place, for pages and the API alike."""

import pytest

from portal.errors import domain_status
from portal.services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from portal.services.events import EventError

CASES = [
    (NotFound("secret row 17"), 404, "The page you asked for does not exist."),
    (Forbidden("secret reason"), 403, "You do not have access to this page."),
    (Conflict("This invitation has already been answered."), 409,
     "This invitation has already been answered."),
    (Invalid("Choose between 1 and 50 companies."), 422, "Choose between 1 and 50 companies."),
]


@pytest.fixture
def raising_routes(app):
    def raiser(n: int):
        raise CASES[n][0]

    app.add_url_rule("/test/domain/<int:n>", "test_domain", raiser)
    app.add_url_rule("/api/test/domain/<int:n>", "test_api_domain", raiser)


@pytest.mark.parametrize("n", range(len(CASES)))
def test_pages_show_the_mapped_status(client, raising_routes, n):
    _, status, message = CASES[n]
    response = client.get(f"/test/domain/{n}")
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert 'class="error-page"' in body and message in body
    assert "secret" not in body  # not found / forbidden never tell why
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("n", range(len(CASES)))
def test_api_answers_json_with_the_same_status(client, raising_routes, n):
    _, status, message = CASES[n]
    response = client.get(f"/api/test/domain/{n}")
    assert response.status_code == status
    assert response.get_json() == {"error": {"code": status, "message": message}}


def test_service_errors_map_by_kind():
    assert domain_status(EventError("The event must end after it starts.")) == 422

    class Duplicate(Invalid, Conflict):
        pass

    # The first listed class in the error's MRO decides.
    assert domain_status(Duplicate()) == 422
    assert domain_status(DomainError()) == 422
    assert isinstance(EventError("x"), ValueError)  # callers catching ValueError still do


def test_existing_service_errors_have_their_kind():
    from portal.services.interests import DuplicateInterestError, InterestError
    from portal.services.profiles import DuplicateOrgNumberError
    from portal.services.tuning import NotEnoughJudgements

    assert domain_status(DuplicateInterestError("again")) == 409
    assert domain_status(InterestError("closed")) == 422
    assert domain_status(DuplicateOrgNumberError("taken")) == 409
    assert domain_status(NotEnoughJudgements("few")) == 422
