"""A save refreshes the index after the commit; a failure to refresh never fails the save."""

import logging

from sqlalchemy import select

from portal.db import db
from portal.models import Company
from portal.services import matching
from portal.services.matching import refresh
from portal.services.profiles import ProfileData, save_profile

NEW_TEXT = "Ice-class hull sensors and corrosion monitoring for Arctic patrol vessels."


def _profile(company: Company, description: str) -> ProfileData:
    return ProfileData(name=company.name, kind=company.kind, org_number=company.org_number,
                       country="SE", county=company.county,
                       description=description, trl=company.trl, clearance=company.clearance)


def test_saved_profile_is_encoded_once_committed(app, make_user):
    user = make_user()
    encoder = matching.get_engine(app).encoder
    before = encoder.embedded
    save_profile(db.session, user, user.company, _profile(user.company, NEW_TEXT))
    assert encoder.embedded == before  # nothing before the commit
    db.session.commit()
    assert encoder.embedded == before + 1
    assert matching.index_company(db.session, user.company) == {"encoded": 0, "reused": 1}


def test_rolled_back_save_encodes_nothing(app, make_user):
    user = make_user()
    encoder = matching.get_engine(app).encoder
    before = encoder.embedded
    save_profile(db.session, user, user.company, _profile(user.company, NEW_TEXT))
    db.session.rollback()
    db.session.commit()
    assert encoder.embedded == before


def test_a_failed_refresh_never_fails_the_save(app, make_user, monkeypatch, caplog):
    user = make_user()

    def broken(text: str):
        raise RuntimeError("encoder unavailable")

    monkeypatch.setattr(refresh, "encode_text", broken)
    save_profile(db.session, user, user.company, _profile(user.company, NEW_TEXT))
    with caplog.at_level(logging.ERROR, logger=refresh.__name__):
        db.session.commit()
    assert any("could not refresh the index" in r.getMessage() for r in caplog.records)
    db.session.expire_all()
    saved = db.session.scalar(select(Company).where(Company.id == user.company.id))
    assert saved.description == NEW_TEXT
