"""Reference views (udata quality score, data.europa.eu MQA, L321-4 candidate) per run.

Revision ID: 0007_reference_views
Revises: 0006_engine
Create Date: 2026-12-05 16:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0007_reference_views'
down_revision: Union[str, Sequence[str], None] = '0006_engine'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('reference_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('dataset_key', sa.Text(), nullable=False),
    sa.Column('udata', sa.JSON(), nullable=False),
    sa.Column('mqa', sa.JSON(), nullable=False),
    sa.Column('candidate', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_reference_views_run_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_views')),
    sa.UniqueConstraint('run_id', 'dataset_key', name=op.f('uq_reference_views_run_id_dataset_key'))
    )


def downgrade() -> None:
    op.drop_table('reference_views')
