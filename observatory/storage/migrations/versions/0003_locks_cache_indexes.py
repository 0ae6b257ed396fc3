"""Run locks (crash-safe concurrency), HTTP validators cache, indexes for report queries.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 10:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('run_locks',
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('owner', sa.Text(), nullable=False),
    sa.Column('host', sa.Text(), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_run_locks'))
    )
    op.create_table('http_cache',
    sa.Column('url_hash', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('etag', sa.Text(), nullable=True),
    sa.Column('last_modified', sa.Text(), nullable=True),
    sa.Column('content_length', sa.BigInteger(), nullable=True),
    sa.Column('content_hash', sa.Text(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('url_hash', name=op.f('pk_http_cache'))
    )
    op.create_index(op.f('ix_runs_kind_status_started_at'), 'runs', ['kind', 'status', 'started_at'], unique=False)
    op.create_index(op.f('ix_distribution_observations_run_id_dataset_observation_id_position'), 'distribution_observations', ['run_id', 'dataset_observation_id', 'position'], unique=False)
    op.create_index(op.f('ix_criterion_results_run_id_dataset_score_id_position'), 'criterion_results', ['run_id', 'dataset_score_id', 'position'], unique=False)
    op.create_index(op.f('ix_validation_reports_distribution_key_run_id'), 'validation_reports', ['distribution_key', 'run_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_validation_reports_distribution_key_run_id'), table_name='validation_reports')
    op.drop_index(op.f('ix_criterion_results_run_id_dataset_score_id_position'), table_name='criterion_results')
    op.drop_index(op.f('ix_distribution_observations_run_id_dataset_observation_id_position'), table_name='distribution_observations')
    op.drop_index(op.f('ix_runs_kind_status_started_at'), table_name='runs')
    op.drop_table('http_cache')
    op.drop_table('run_locks')
