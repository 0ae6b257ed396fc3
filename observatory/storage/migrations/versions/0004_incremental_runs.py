"""Incremental runs: deleted datasets kept and dated, record dates for classification,
when a score was computed, rows a carried copy shares (distributions, criterion results)
and the earlier probes a run reused.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 12:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('datasets', sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('dataset_observations', sa.Column('metadata_modified', sa.DateTime(timezone=True), nullable=True))
    op.add_column('dataset_observations', sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('dataset_observations', sa.Column('distributions_of', sa.Integer(), nullable=True))
    op.add_column('dataset_scores', sa.Column('scored_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('dataset_scores', sa.Column('results_of', sa.Integer(), nullable=True))
    op.create_table('run_probes',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('probe_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['probe_id'], ['probe_results.id'], name=op.f('fk_run_probes_probe_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_run_probes_run_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('run_id', 'probe_id', name=op.f('pk_run_probes'))
    )
    op.create_index(op.f('ix_run_probes_probe_id'), 'run_probes', ['probe_id'], unique=False)


def downgrade() -> None:
    # columns dropped in place (SQLite >= 3.35): a batch copy of a parent table would
    # cascade-delete its children's rows
    op.drop_index(op.f('ix_run_probes_probe_id'), table_name='run_probes')
    op.drop_table('run_probes')
    op.drop_column('dataset_scores', 'results_of')
    op.drop_column('dataset_scores', 'scored_at')
    op.drop_column('dataset_observations', 'distributions_of')
    op.drop_column('dataset_observations', 'deleted_at')
    op.drop_column('dataset_observations', 'metadata_modified')
    op.drop_column('datasets', 'deleted_at')
