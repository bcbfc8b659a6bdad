"""events remember the companies per challenge of their last matchmaking

Revision ID: 7c1e5d2a9b40
Revises: 2efc6ca75861
Create Date: 2026-11-27 21:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e5d2a9b40'
down_revision = '2efc6ca75861'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('matchmaking_top_n', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_events_matchmaking_top_n'), 'matchmaking_top_n BETWEEN 1 AND 50')


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_events_matchmaking_top_n'), type_='check')
        batch_op.drop_column('matchmaking_top_n')
