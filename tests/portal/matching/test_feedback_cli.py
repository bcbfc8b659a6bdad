"""Judgements, matching-report, refit-weights and reindex."""

import json

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import AuditEntry, MatcherWeights, MatchFeedback
from portal.services import feedback, matching, tuning

TOPICS = [
    ("sonar", "Passive sonar arrays and hydrophones for submarine detection."),
    ("food", "Catering, canteens and field kitchens for soldiers."),
    ("drones", "Autonomous drones and swarms with computer vision."),
    ("armour", "Ballistic armour plates and lightweight composite protection."),
    ("radio", "Secure tactical radio and satellite communication links."),
    ("ice", "De-icing coatings and cold-weather materials for Arctic vessels."),
]


@pytest.fixture
def judged_world(make_user, make_company, make_challenge):
    """Six challenges, twelve companies, and a judge who calls same-topic pairs relevant."""
    judge = make_user(role="organiser")
    companies = {}
    for topic, text in TOPICS:
        companies[topic] = [make_company(name=f"{topic} {n} AS", description=f"{text} ({n})")
                            for n in (1, 2)]
    challenges = {topic: make_challenge(title=f"Need {topic}", problem=text)
                  for topic, text in TOPICS}
    return judge, companies, challenges


def _judge(judge, companies, challenges, limit=None):
    count = 0
    for topic, challenge in challenges.items():
        for other, rows in companies.items():
            for company in rows[:1] if other != topic else rows:
                feedback.record_feedback(db.session, judge, challenge, company,
                                         relevant=other == topic)
                count += 1
                if limit and count >= limit:
                    db.session.commit()
                    return count
    db.session.commit()
    return count


def test_matching_report_changes_after_feedback(runner, judged_world):
    judge, companies, challenges = judged_world
    before = runner.invoke(args=["matching-report"])
    assert before.exit_code == 0, before.output
    assert "Judgements: 0" in before.output
    assert "Weights version: default" in before.output
    feedback.record_feedback(db.session, judge, challenges["sonar"], companies["sonar"][0],
                             relevant=True)
    feedback.record_feedback(db.session, judge, challenges["sonar"], companies["food"][0],
                             relevant=False)
    db.session.commit()
    after = runner.invoke(args=["matching-report"])
    assert "Judgements: 2" in after.output
    assert "Challenges with a relevant judgement: 1" in after.output
    assert "precision@5: 0.200" in after.output  # one relevant company among the top five
    assert "nDCG@10: 1.000" in after.output  # and it is ranked first
    assert after.output != before.output


def test_refit_refuses_under_30(runner, judged_world):
    judge, companies, challenges = judged_world
    assert _judge(judge, companies, challenges, limit=29) == 29
    result = runner.invoke(args=["refit-weights"])
    assert result.exit_code != 0
    assert "at least 30 judgements; there are 29" in result.output
    assert db.session.scalar(select(MatcherWeights)) is None


def test_refit_creates_new_active_version(runner, judged_world):
    judge, companies, challenges = judged_world
    assert _judge(judge, companies, challenges) >= 30
    db.session.add(MatcherWeights(version="v2", weights=json.dumps({"semantic": 1.0}),
                                  active=True))
    db.session.commit()
    result = runner.invoke(args=["refit-weights"])
    assert result.exit_code == 0, result.output
    assert "New weights version v3 is active" in result.output
    assert "Before:" in result.output and "After :" in result.output
    rows = db.session.scalars(select(MatcherWeights).order_by(MatcherWeights.id)).all()
    assert [(r.version, r.active) for r in rows] == [("v2", False), ("v3", True)]
    new = rows[-1]
    assert new.judgements == db.session.query(MatchFeedback).count()
    metrics = json.loads(new.metrics)
    assert {"before", "after", "held_out_challenges", "fit_judgements"} <= set(metrics)
    assert metrics["held_out_challenges"]
    weights = json.loads(new.weights)
    assert sum(weights.values()) == pytest.approx(1.0)
    assert matching.current_stamp(db.session)["weights_version"] == "v3"
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "matcher_weights_refit")) is not None
    # The pages pick up the new version.
    assert matching.rank_companies(db.session, judge, challenges["sonar"]).weights_version == "v3"


def test_split_is_by_challenge_and_deterministic():
    judged = [(ch, co, co % 2 == 0) for ch in range(1, 11) for co in range(1, 5)]
    fit, held = tuning.split_by_challenge(judged, seed=3)
    assert tuning.split_by_challenge(judged, seed=3) == (fit, held)
    assert {j[0] for j in fit}.isdisjoint({j[0] for j in held})
    assert len({j[0] for j in held}) == 3
    assert len(fit) + len(held) == len(judged)


def test_refit_needs_both_kinds(app, judged_world):
    judge, companies, challenges = judged_world
    for challenge in challenges.values():
        for rows in companies.values():
            for company in rows:
                feedback.record_feedback(db.session, judge, challenge, company, relevant=True)
    db.session.commit()
    with pytest.raises(tuning.NotEnoughJudgements, match="both kinds"):
        tuning.refit_weights(db.session)


def test_reindex_command(runner, judged_world):
    first = runner.invoke(args=["reindex", "--quiet"])
    assert first.exit_code == 0, first.output
    assert "Encoded" in first.output and "reused" in first.output
    second = runner.invoke(args=["reindex"])
    assert "Encoded 0 passages" in second.output
