"""languages and Norwegian search: users' language, area names per language, stemmed search text

Revision ID: 5b7e9c2d1f08
Revises: 7c1e5d2a9b40
Create Date: 2026-11-30 04:30:00

"""
from alembic import op
import sqlalchemy as sa

from portal.search import search_text


# revision identifiers, used by Alembic.
revision = '5b7e9c2d1f08'
down_revision = '7c1e5d2a9b40'
branch_labels = None
depends_on = None


# slug: (Bokmål, Nynorsk)
AREA_NAMES = {
    'c2-decision-support': (
        'Kommando og kontroll, informasjon, beslutningsstøtte og kampsystemer',
        'Kommando og kontroll, informasjon, avgjerdsstøtte og kampsystem'),
    'systems-integration': ('Systemintegrasjon', 'Systemintegrasjon'),
    'autonomy-ai': ('Autonome systemer og kunstig intelligens',
                    'Autonome system og kunstig intelligens'),
    'missile-technology': ('Missilteknologi', 'Missilteknologi'),
    'underwater-technology': ('Undervannsteknologi', 'Undervassteknologi'),
    'ammunition-propulsion-explosives': (
        'Ammunisjon, fremdriftsteknologi og militære eksplosiver',
        'Ammunisjon, framdriftsteknologi og militære eksplosiv'),
    'materials-technology': ('Materialteknologi utviklet eller videreutviklet for militær bruk',
                             'Materialteknologi utvikla eller vidareutvikla for militær bruk'),
    'lifecycle-support': ('Livsløpsstøtte for militære systemer',
                          'Livsløpsstøtte for militære system'),
    'big-data': ('Stordata', 'Stordata'),
    'artificial-intelligence': ('Kunstig intelligens', 'Kunstig intelligens'),
    'autonomous-systems': ('Autonome systemer', 'Autonome system'),
    'quantum-technology': ('Kvanteteknologi', 'Kvanteteknologi'),
    'space-technology': ('Romteknologi', 'Romteknologi'),
    'hypersonic-technology': ('Hypersonisk teknologi', 'Hypersonisk teknologi'),
    'biotechnology-human-enhancement': ('Bioteknologi og menneskelig ytelsesforbedring',
                                        'Bioteknologi og betring av menneskeleg yteevne'),
    'innovative-materials': ('Innovative materialer og produksjonsmetoder',
                             'Innovative materiale og produksjonsmetodar'),
}


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_nb', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('name_nn', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('description_nb', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('description_nn', sa.Text(), nullable=True))
    for table in ('challenges', 'companies'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False,
                                          server_default=''))

    conn = op.get_bind()
    areas = sa.table('areas', sa.column('slug', sa.String), sa.column('name_nb', sa.String),
                     sa.column('name_nn', sa.String))
    for slug, (nb, nn) in AREA_NAMES.items():
        conn.execute(areas.update().where(areas.c.slug == slug).values(name_nb=nb, name_nn=nn))

    challenges = sa.table('challenges', sa.column('id', sa.Integer), sa.column('title', sa.String),
                          sa.column('problem', sa.Text), sa.column('context', sa.Text),
                          sa.column('effect', sa.Text), sa.column('search_text', sa.Text))
    rows = conn.execute(sa.select(challenges.c.id, challenges.c.title, challenges.c.problem,
                                  challenges.c.context, challenges.c.effect)).all()
    for row in rows:
        conn.execute(challenges.update().where(challenges.c.id == row.id).values(
            search_text=search_text(row.title, row.problem, row.context, row.effect)))
    companies = sa.table('companies', sa.column('id', sa.Integer), sa.column('name', sa.String),
                         sa.column('description', sa.Text), sa.column('search_text', sa.Text))
    rows = conn.execute(sa.select(companies.c.id, companies.c.name, companies.c.description)).all()
    for row in rows:
        conn.execute(companies.update().where(companies.c.id == row.id).values(
            search_text=search_text(row.name, row.description)))


def downgrade():
    for table in ('companies', 'challenges'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('search_text')
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.drop_column('description_nn')
        batch_op.drop_column('description_nb')
        batch_op.drop_column('name_nn')
        batch_op.drop_column('name_nb')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')
