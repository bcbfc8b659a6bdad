"""encoding jobs: saved texts waiting for the background encoding worker

Revision ID: c0734b9af2de
Revises: 5b7e9c2d1f08
Create Date: 2026-11-30 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0734b9af2de'
down_revision = '5b7e9c2d1f08'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('encoding_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('leased_until', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('challenge', 'company')", name=op.f('ck_encoding_jobs_kind')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_encoding_jobs_attempts')),
    sa.CheckConstraint('length(text_hash) = 64', name=op.f('ck_encoding_jobs_text_hash')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_encoding_jobs')),
    sa.UniqueConstraint('kind', 'row_id', name=op.f('uq_encoding_jobs_kind_row_id'))
    )
    with op.batch_alter_table('encoding_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_encoding_jobs_created_at_id', ['created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('encoding_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_encoding_jobs_created_at_id')

    op.drop_table('encoding_jobs')