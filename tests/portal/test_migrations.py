"""The Alembic migrations are the schema: they must match the models and be reversible."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from portal.db import Base, db
from portal.models import Area


def test_upgrade_head_matches_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_taxonomy_is_seeded_with_descriptions_and_crosswalk(app):
    areas = db.session.scalars(select(Area)).all()
    assert sum(a.kind == "priority" for a in areas) == 8
    assert sum(a.kind == "emerging" for a in areas) == 8
    assert all(len(a.description) > 80 for a in areas)
    quantum = db.session.scalar(select(Area).where(Area.slug == "quantum-technology"))
    assert "c2-decision-support" in {a.slug for a in quantum.related_priorities}


def test_downgrade_base_then_upgrade_again(app):
    downgrade(revision="base")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade()
    assert db.session.scalar(select(func.count(Area.id))) == 16
