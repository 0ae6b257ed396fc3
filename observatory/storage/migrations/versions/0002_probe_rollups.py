"""Probe rollups (hourly and daily buckets) and per-URL rollup marks, for raw retention.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 15:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('probe_rollups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('url_hash', sa.Text(), nullable=False),
    sa.Column('period', sa.Text(), nullable=False),
    sa.Column('bucket_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('target', sa.Text(), nullable=False),
    sa.Column('up_seconds', sa.Float(), nullable=False),
    sa.Column('degraded_seconds', sa.Float(), nullable=False),
    sa.Column('down_seconds', sa.Float(), nullable=False),
    sa.Column('unknown_seconds', sa.Float(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('latency_count', sa.Integer(), nullable=False),
    sa.Column('latency_sum', sa.Float(), nullable=False),
    sa.Column('latency_hist', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_probe_rollups')),
    sa.UniqueConstraint('url_hash', 'period', 'bucket_start', name=op.f('uq_probe_rollups_url_hash_period_bucket_start'))
    )
    op.create_table('probe_rollup_marks',
    sa.Column('url_hash', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('rolled_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('max_gap_seconds', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('url_hash', name=op.f('pk_probe_rollup_marks'))
    )


def downgrade() -> None:
    op.drop_table('probe_rollup_marks')
    op.drop_table('probe_rollups')
