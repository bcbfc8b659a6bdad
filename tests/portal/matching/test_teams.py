"""Team suggestions: complementary companies when no single one covers the challenge."""

from portal.db import db
from portal.services.matching import teams
from tests.portal.matching.conftest import areas


def test_teams_cover_the_areas(app, make_company, make_challenge):
    sonar = make_company(name="Sonar AS", description="",
                         areas=areas("underwater-technology"))
    robots = make_company(name="Robots AS", description="",
                          areas=areas("autonomy-ai"))
    quantum = make_company(name="Quantum AS", description="",
                           areas=areas("quantum-technology"))
    make_company(name="Food AS", description="")
    challenge = make_challenge(
        title="Autonomous submarine hunting",
        problem="Autonomous underwater vehicles with sonar and quantum magnetometers.",
        area_slugs=("underwater-technology", "autonomy-ai", "quantum-technology"))
    result = teams.suggest_teams(db.session, None, challenge)
    assert {a.slug for a in result.needed} == {"underwater-technology", "autonomy-ai",
                                               "quantum-technology"}
    assert result.single_company is None
    assert 1 <= len(result.teams) <= 3
    best = result.teams[0]
    assert {m.company.id for m in best.members} == {sonar.id, robots.id, quantum.id}
    assert best.coverage == 1.0 and best.missing == []
    assert "Sonar AS covers Underwater technology" in best.why
    # Ranked by coverage first.
    assert [t.coverage for t in result.teams] == sorted((t.coverage for t in result.teams),
                                                        reverse=True)
    for team in result.teams:
        assert 2 <= len(team.members) <= 3
        assert all(m.covers for m in team.members)  # nobody is a passenger


def test_no_team_when_one_company_covers_everything(app, make_company, make_challenge):
    make_company(name="All AS", description="",
                 areas=areas("underwater-technology", "autonomy-ai"))
    make_company(name="Half AS", description="", areas=areas("underwater-technology"))
    challenge = make_challenge(area_slugs=("underwater-technology", "autonomy-ai"))
    result = teams.suggest_teams(db.session, None, challenge)
    assert result.single_company is not None and result.single_company.name == "All AS"
    assert result.teams == []


def test_crosswalk_alone_is_not_covering_well(app, make_company, make_challenge):
    # Autonomous systems (emerging) relates to Underwater technology: related, not the same.
    make_company(name="Drone AS", description="", areas=areas("autonomous-systems"))
    make_company(name="Robots AS", description="", areas=areas("autonomy-ai"))
    challenge = make_challenge(area_slugs=("underwater-technology", "autonomy-ai"))
    result = teams.suggest_teams(db.session, None, challenge)
    assert result.single_company is None
    assert result.teams == []


def test_teams_never_include_masked_companies(app, make_company, make_challenge):
    vetted = {"clearance": "facility", "clearance_verified": True}
    make_company(name="Sonar AS", description="", areas=areas("underwater-technology"))
    make_company(name="Cleared Sonar AS", description="",
                 areas=areas("underwater-technology"), **vetted)
    make_company(name="Robots AS", description="", areas=areas("autonomy-ai"), **vetted)
    challenge = make_challenge(visibility="vetted",
                               area_slugs=("underwater-technology", "autonomy-ai"))
    result = teams.suggest_teams(db.session, None, challenge)
    # The two vetted companies together cover the challenge, so a team must be proposed,
    # and the unvetted one (masked for a vetted-only challenge) is in none.
    assert result.teams
    names = {m.company.name for t in result.teams for m in t.members}
    assert names == {"Cleared Sonar AS", "Robots AS"}


def test_inferred_areas_count_as_coverage(app, make_company, make_challenge):
    from portal.services import matching

    company = make_company(name="Listen AS",
                           description="Sonar and underwater acoustics with hydrophones.")
    coverage = matching.area_coverage(db.session, company, ["underwater-technology",
                                                            "missile-technology"])
    assert coverage["underwater-technology"] >= matching.COVERAGE_WELL
    assert coverage["missile-technology"] < matching.COVERAGE_WELL


def test_teams_on_the_matches_page(client, login, make_user, make_company, make_challenge):
    owner = make_user(role="military", unit="Naval Unit")
    make_company(name="Sonar AS", description="", areas=areas("underwater-technology"))
    make_company(name="Robots AS", description="", areas=areas("autonomy-ai"))
    challenge = make_challenge(unit="Naval Unit",
                               area_slugs=("underwater-technology", "autonomy-ai"))
    login(owner)
    html = client.get(f"/challenges/{challenge.id}/matches").get_data(as_text=True)
    assert "Team suggestions" in html
    assert "Sonar AS covers Underwater technology" in html
