"""notifications name their challenge; users record when their email was verified; companies
record when they were withdrawn

Revision ID: a4f1c9e7d2b3
Revises: f17ba66bab70
Create Date: 2026-11-30 04:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4f1c9e7d2b3'
down_revision = 'f17ba66bab70'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('challenge_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notifications_challenge_id'), ['challenge_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notifications_challenge_id_challenges'),
                                    'challenges', ['challenge_id'], ['id'], ondelete='CASCADE')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
    # Accounts that existed before verification was introduced count as verified: their
    # owners have been receiving mail at these addresses.
    op.execute("UPDATE users SET email_verified_at = created_at")


def downgrade():
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_challenge_id_challenges'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notifications_challenge_id'))
        batch_op.drop_column('challenge_id')
