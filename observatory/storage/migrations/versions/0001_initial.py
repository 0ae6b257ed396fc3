"""Initial schema: runs, identities, per-run observations, probes, validations, scores.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 13:27:07.652129

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_runs'))
    )
    op.create_index(op.f('ix_runs_kind_started_at'), 'runs', ['kind', 'started_at'], unique=False)

    op.create_table('catalogues',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('first_seen_run_id', sa.Integer(), nullable=False),
    sa.Column('last_seen_run_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['first_seen_run_id'], ['runs.id'], name=op.f('fk_catalogues_first_seen_run_id')),
    sa.ForeignKeyConstraint(['last_seen_run_id'], ['runs.id'], name=op.f('fk_catalogues_last_seen_run_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogues'))
    )
    op.create_table('datasets',
    sa.Column('catalogue_id', sa.Text(), nullable=False),
    sa.Column('source_id', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('organization_key', sa.Text(), nullable=True),
    sa.Column('spdr', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_seen_run_id', sa.Integer(), nullable=False),
    sa.Column('last_seen_run_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['first_seen_run_id'], ['runs.id'], name=op.f('fk_datasets_first_seen_run_id')),
    sa.ForeignKeyConstraint(['last_seen_run_id'], ['runs.id'], name=op.f('fk_datasets_last_seen_run_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_datasets')),
    sa.UniqueConstraint('key', name=op.f('uq_datasets_key'))
    )
    op.create_index(op.f('ix_datasets_catalogue_id'), 'datasets', ['catalogue_id'], unique=False)
    op.create_index(op.f('ix_datasets_organization_key'), 'datasets', ['organization_key'], unique=False)
    op.create_index(op.f('ix_datasets_spdr'), 'datasets', ['spdr'], unique=False)

    op.create_table('distributions',
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_seen_run_id', sa.Integer(), nullable=False),
    sa.Column('last_seen_run_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['first_seen_run_id'], ['runs.id'], name=op.f('fk_distributions_first_seen_run_id')),
    sa.ForeignKeyConstraint(['last_seen_run_id'], ['runs.id'], name=op.f('fk_distributions_last_seen_run_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distributions')),
    sa.UniqueConstraint('key', name=op.f('uq_distributions_key'))
    )
    op.create_table('organisations',
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_seen_run_id', sa.Integer(), nullable=False),
    sa.Column('last_seen_run_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['first_seen_run_id'], ['runs.id'], name=op.f('fk_organisations_first_seen_run_id')),
    sa.ForeignKeyConstraint(['last_seen_run_id'], ['runs.id'], name=op.f('fk_organisations_last_seen_run_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('key', name=op.f('uq_organisations_key'))
    )
    op.create_table('probe_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('url_hash', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('target', sa.Text(), nullable=False),
    sa.Column('check_name', sa.Text(), nullable=True),
    sa.Column('method', sa.Text(), nullable=True),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('final_url', sa.Text(), nullable=True),
    sa.Column('content_type', sa.Text(), nullable=True),
    sa.Column('content_length', sa.BigInteger(), nullable=True),
    sa.Column('last_modified', sa.Text(), nullable=True),
    sa.Column('etag', sa.Text(), nullable=True),
    sa.Column('latency_ms', sa.Float(), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_probe_results_run_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_probe_results'))
    )
    op.create_index(op.f('ix_probe_results_checked_at'), 'probe_results', ['checked_at'], unique=False)
    op.create_index(op.f('ix_probe_results_run_id'), 'probe_results', ['run_id'], unique=False)
    op.create_index(op.f('ix_probe_results_url_hash_checked_at'), 'probe_results', ['url_hash', 'checked_at'], unique=False)

    op.create_table('services',
    sa.Column('catalogue_id', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('endpoint_url', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_seen_run_id', sa.Integer(), nullable=False),
    sa.Column('last_seen_run_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['first_seen_run_id'], ['runs.id'], name=op.f('fk_services_first_seen_run_id')),
    sa.ForeignKeyConstraint(['last_seen_run_id'], ['runs.id'], name=op.f('fk_services_last_seen_run_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('key', name=op.f('uq_services_key'))
    )
    op.create_index(op.f('ix_services_catalogue_id'), 'services', ['catalogue_id'], unique=False)

    op.create_table('validation_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('distribution_key', sa.Text(), nullable=True),
    sa.Column('schema_url', sa.Text(), nullable=True),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('error_counts', sa.JSON(), nullable=False),
    sa.Column('row_count', sa.BigInteger(), nullable=True),
    sa.Column('detected_format', sa.Text(), nullable=True),
    sa.Column('partial', sa.Boolean(), nullable=False),
    sa.Column('fatal', sa.Text(), nullable=True),
    sa.Column('stats', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_validation_reports_run_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_validation_reports'))
    )
    op.create_index(op.f('ix_validation_reports_distribution_key'), 'validation_reports', ['distribution_key'], unique=False)
    op.create_index(op.f('ix_validation_reports_run_id'), 'validation_reports', ['run_id'], unique=False)

    op.create_table('catalogue_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('catalogue_id', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('dataset_count', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['catalogue_id'], ['catalogues.id'], name=op.f('fk_catalogue_runs_catalogue_id')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_catalogue_runs_run_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_runs')),
    sa.UniqueConstraint('run_id', 'catalogue_id', name=op.f('uq_catalogue_runs_run_id_catalogue_id'))
    )
    op.create_index(op.f('ix_catalogue_runs_catalogue_id'), 'catalogue_runs', ['catalogue_id'], unique=False)

    op.create_table('dataset_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('dataset_key', sa.Text(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=True),
    sa.Column('overall', sa.Float(), nullable=True),
    sa.Column('completeness', sa.Float(), nullable=True),
    sa.Column('freshness', sa.Float(), nullable=True),
    sa.Column('conformity', sa.Float(), nullable=True),
    sa.Column('availability', sa.Float(), nullable=True),
    sa.Column('pillars', sa.JSON(), nullable=False),
    sa.Column('legal', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_dataset_scores_dataset_id')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_dataset_scores_run_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dataset_scores')),
    sa.UniqueConstraint('run_id', 'dataset_key', name=op.f('uq_dataset_scores_run_id_dataset_key'))
    )
    op.create_index(op.f('ix_dataset_scores_dataset_id'), 'dataset_scores', ['dataset_id'], unique=False)
    op.create_index(op.f('ix_dataset_scores_dataset_key_run_id'), 'dataset_scores', ['dataset_key', 'run_id'], unique=False)

    op.create_table('criterion_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('dataset_score_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Text(), nullable=False),
    sa.Column('pillar', sa.Text(), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('fix_hint', sa.Text(), nullable=True),
    sa.Column('label', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_score_id'], ['dataset_scores.id'], name=op.f('fk_criterion_results_dataset_score_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_criterion_results_run_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion_results')),
    sa.UniqueConstraint('dataset_score_id', 'position', name=op.f('uq_criterion_results_dataset_score_id_position'))
    )
    op.create_index(op.f('ix_criterion_results_criterion_id'), 'criterion_results', ['criterion_id'], unique=False)
    op.create_index(op.f('ix_criterion_results_run_id'), 'criterion_results', ['run_id'], unique=False)

    op.create_table('dataset_observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('catalogue_run_id', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.Text(), nullable=False),
    sa.Column('metadata', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['catalogue_run_id'], ['catalogue_runs.id'], name=op.f('fk_dataset_observations_catalogue_run_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_dataset_observations_dataset_id')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_dataset_observations_run_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dataset_observations')),
    sa.UniqueConstraint('run_id', 'dataset_id', name=op.f('uq_dataset_observations_run_id_dataset_id'))
    )
    op.create_index(op.f('ix_dataset_observations_catalogue_run_id'), 'dataset_observations', ['catalogue_run_id'], unique=False)
    op.create_index(op.f('ix_dataset_observations_dataset_id'), 'dataset_observations', ['dataset_id'], unique=False)

    op.create_table('organisation_observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('catalogue_run_id', sa.Integer(), nullable=False),
    sa.Column('metadata', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['catalogue_run_id'], ['catalogue_runs.id'], name=op.f('fk_organisation_observations_catalogue_run_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_observations_organisation_id')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_organisation_observations_run_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_observations')),
    sa.UniqueConstraint('run_id', 'organisation_id', name=op.f('uq_organisation_observations_run_id_organisation_id'))
    )
    op.create_index(op.f('ix_organisation_observations_catalogue_run_id'), 'organisation_observations', ['catalogue_run_id'], unique=False)
    op.create_index(op.f('ix_organisation_observations_organisation_id'), 'organisation_observations', ['organisation_id'], unique=False)

    op.create_table('service_observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('catalogue_run_id', sa.Integer(), nullable=False),
    sa.Column('metadata', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['catalogue_run_id'], ['catalogue_runs.id'], name=op.f('fk_service_observations_catalogue_run_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_service_observations_run_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_observations_service_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_observations')),
    sa.UniqueConstraint('run_id', 'service_id', name=op.f('uq_service_observations_run_id_service_id'))
    )
    op.create_index(op.f('ix_service_observations_catalogue_run_id'), 'service_observations', ['catalogue_run_id'], unique=False)
    op.create_index(op.f('ix_service_observations_service_id'), 'service_observations', ['service_id'], unique=False)

    op.create_table('source_errors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('catalogue_run_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['catalogue_run_id'], ['catalogue_runs.id'], name=op.f('fk_source_errors_catalogue_run_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_source_errors_run_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_errors'))
    )
    op.create_index(op.f('ix_source_errors_catalogue_run_id'), 'source_errors', ['catalogue_run_id'], unique=False)
    op.create_index(op.f('ix_source_errors_run_id'), 'source_errors', ['run_id'], unique=False)

    op.create_table('distribution_observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('dataset_observation_id', sa.Integer(), nullable=False),
    sa.Column('distribution_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('format', sa.Text(), nullable=True),
    sa.Column('metadata', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_observation_id'], ['dataset_observations.id'], name=op.f('fk_distribution_observations_dataset_observation_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['distribution_id'], ['distributions.id'], name=op.f('fk_distribution_observations_distribution_id')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_distribution_observations_run_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_observations')),
    sa.UniqueConstraint('dataset_observation_id', 'position', name=op.f('uq_distribution_observations_dataset_observation_id_position'))
    )
    op.create_index(op.f('ix_distribution_observations_distribution_id'), 'distribution_observations', ['distribution_id'], unique=False)
    op.create_index(op.f('ix_distribution_observations_run_id'), 'distribution_observations', ['run_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_distribution_observations_run_id'), table_name='distribution_observations')
    op.drop_index(op.f('ix_distribution_observations_distribution_id'), table_name='distribution_observations')

    op.drop_table('distribution_observations')
    op.drop_index(op.f('ix_source_errors_run_id'), table_name='source_errors')
    op.drop_index(op.f('ix_source_errors_catalogue_run_id'), table_name='source_errors')

    op.drop_table('source_errors')
    op.drop_index(op.f('ix_service_observations_service_id'), table_name='service_observations')
    op.drop_index(op.f('ix_service_observations_catalogue_run_id'), table_name='service_observations')

    op.drop_table('service_observations')
    op.drop_index(op.f('ix_organisation_observations_organisation_id'), table_name='organisation_observations')
    op.drop_index(op.f('ix_organisation_observations_catalogue_run_id'), table_name='organisation_observations')

    op.drop_table('organisation_observations')
    op.drop_index(op.f('ix_dataset_observations_dataset_id'), table_name='dataset_observations')
    op.drop_index(op.f('ix_dataset_observations_catalogue_run_id'), table_name='dataset_observations')

    op.drop_table('dataset_observations')
    op.drop_index(op.f('ix_criterion_results_run_id'), table_name='criterion_results')
    op.drop_index(op.f('ix_criterion_results_criterion_id'), table_name='criterion_results')

    op.drop_table('criterion_results')
    op.drop_index(op.f('ix_dataset_scores_dataset_key_run_id'), table_name='dataset_scores')
    op.drop_index(op.f('ix_dataset_scores_dataset_id'), table_name='dataset_scores')

    op.drop_table('dataset_scores')
    op.drop_index(op.f('ix_catalogue_runs_catalogue_id'), table_name='catalogue_runs')

    op.drop_table('catalogue_runs')
    op.drop_index(op.f('ix_validation_reports_run_id'), table_name='validation_reports')
    op.drop_index(op.f('ix_validation_reports_distribution_key'), table_name='validation_reports')

    op.drop_table('validation_reports')
    op.drop_index(op.f('ix_services_catalogue_id'), table_name='services')

    op.drop_table('services')
    op.drop_index(op.f('ix_probe_results_url_hash_checked_at'), table_name='probe_results')
    op.drop_index(op.f('ix_probe_results_run_id'), table_name='probe_results')
    op.drop_index(op.f('ix_probe_results_checked_at'), table_name='probe_results')

    op.drop_table('probe_results')
    op.drop_table('organisations')
    op.drop_table('distributions')
    op.drop_index(op.f('ix_datasets_spdr'), table_name='datasets')
    op.drop_index(op.f('ix_datasets_organization_key'), table_name='datasets')
    op.drop_index(op.f('ix_datasets_catalogue_id'), table_name='datasets')

    op.drop_table('datasets')
    op.drop_table('catalogues')
    op.drop_index(op.f('ix_runs_kind_started_at'), table_name='runs')

    op.drop_table('runs')
