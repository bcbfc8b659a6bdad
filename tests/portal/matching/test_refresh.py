"""A save queues its text for the encoding worker in its own transaction, and never waits for
the model; a failure to encode never fails the save."""

from sqlalchemy import func, select

from portal.db import db
from portal.models import Challenge, Company, Embedding, EncodingJob
from portal.models.enums import Role
from portal.services import matching
from portal.services.challenges import ChallengeData, create_challenge
from portal.services.matching import worker
from portal.services.profiles import ProfileData, save_profile

NEW_TEXT = "Ice-class hull sensors and corrosion monitoring for Arctic patrol vessels."
NEWER_TEXT = "Hydrophone arrays and sonar signal processing for quiet submarines."


def _profile(company: Company, description: str) -> ProfileData:
    return ProfileData(name=company.name, kind=company.kind, org_number=company.org_number,
                       country="SE", county=company.county,
                       description=description, trl=company.trl, clearance=company.clearance)


def _jobs() -> list[EncodingJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(EncodingJob).order_by(EncodingJob.id)))


def test_a_save_returns_before_encoding_and_the_worker_encodes_it(app, make_user):
    user = make_user()
    encoder = matching.get_engine(app).encoder
    before = encoder.embedded
    save_profile(db.session, user, user.company, _profile(user.company, NEW_TEXT))
    db.session.commit()
    assert encoder.embedded == before  # the save did not encode
    [job] = _jobs()
    assert (job.kind, job.row_id, job.attempts) == ("company", user.company.id, 0)
    assert NEW_TEXT in job.text
    assert db.session.scalar(select(func.count()).select_from(Embedding)) == 0

    report = worker.EncodingWorker(app).run_once()

    assert (report.claimed, report.done, report.failed) == (1, 1, 0)
    assert encoder.embedded == before + 1
    assert _jobs() == []
    assert matching.index_company(db.session, user.company) == {"encoded": 0, "reused": 1}


def test_a_rolled_back_save_queues_nothing(app, make_user):
    user = make_user()
    save_profile(db.session, user, user.company, _profile(user.company, NEW_TEXT))
    db.session.rollback()
    db.session.commit()
    assert _jobs() == []


def test_a_second_save_replaces_the_waiting_text(app, make_user):
    user = make_user()
    save_profile(db.session, user, user.company, _profile(user.company, NEW_TEXT))
    db.session.commit()
    save_profile(db.session, user, user.company, _profile(user.company, NEWER_TEXT))
    db.session.commit()
    [job] = _jobs()
    assert NEWER_TEXT in job.text and NEW_TEXT not in job.text


def test_a_new_challenge_is_queued_with_its_title(app, make_user):
    owner = make_user(Role.MILITARY, unit="Unit X")
    challenge = create_challenge(db.session, owner, ChallengeData(
        title="Quiet submarines", problem="Passive sonar to detect quiet submarines in fjords."))
    db.session.commit()
    [job] = _jobs()
    assert (job.kind, job.row_id) == ("challenge", challenge.id)
    assert job.text.startswith("Quiet submarines")
    assert db.session.get(Challenge, challenge.id) is not None


def test_a_failed_encoding_never_fails_the_save(app, make_user, monkeypatch):
    user = make_user()

    def broken(challenge_texts, company_texts):
        raise RuntimeError("encoder unavailable")

    monkeypatch.setattr(worker, "encode_texts", broken)
    save_profile(db.session, user, user.company, _profile(user.company, NEW_TEXT))
    db.session.commit()
    report = worker.EncodingWorker(app).run_once()
    assert (report.claimed, report.failed) == (1, 1)
    db.session.expire_all()
    saved = db.session.scalar(select(Company).where(Company.id == user.company.id))
    assert saved.description == NEW_TEXT


def test_ranking_without_the_worker_encodes_the_saved_text_itself(app, make_user,
                                                                  make_challenge):
    """With no worker (``off``), the rebuild the next ranking makes encodes what is missing."""
    user = make_user()
    challenge = make_challenge(title="Arctic hulls", problem="Corrosion of ice-class hulls.")
    save_profile(db.session, user, user.company, _profile(user.company, NEW_TEXT))
    db.session.commit()
    encoder = matching.get_engine(app).encoder
    before = encoder.embedded
    result = matching.rank_companies(db.session, None, challenge)
    assert [item.company.id for item in result.items] == [user.company.id]
    assert encoder.embedded > before  # the saved text was encoded by the rebuild
    assert len(_jobs()) == 1  # the job stays for the worker, which will find it all stored
