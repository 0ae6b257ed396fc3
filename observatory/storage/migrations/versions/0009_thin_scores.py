"""Thin carried scores: a score carried over unchanged is a row naming the full row whose
values and criterion results it shares (``score_of``), not a copy of its values; a carried
observation no longer copies the record's digest and date either (the shared one has them).
A score states until when it holds (``holds_until``; unknown for the scores before).

Revision ID: 0009_thin_scores
Revises: 0008_thin_rows
Create Date: 2026-12-07 03:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0009_thin_scores'
down_revision: Union[str, Sequence[str], None] = '0008_thin_rows'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# what a thin row takes from the row it names, on the way down (0008 copied them)
VALUES = ('overall', 'completeness', 'freshness', 'conformity', 'availability', 'pillars',
          'legal', 'scored_at', 'digest')
RESULT_COLUMNS = ('position, criterion_id, pillar, status, score, weight, evidence, fix_hint,'
                  ' label')


def upgrade() -> None:
    op.add_column('dataset_scores', sa.Column('score_of', sa.Integer(), nullable=True))
    op.add_column('dataset_scores', sa.Column('holds_until', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE dataset_observations SET content_hash = '', metadata_modified = NULL"
        " WHERE distributions_of IS NOT NULL"
    )


def downgrade() -> None:
    """Each thin row becomes the copy 0008 made: the values of the row it names, sharing
    that row's full set of results, with that row's own delta rows copied."""
    op.execute(
        f"INSERT INTO criterion_results (run_id, dataset_score_id, {RESULT_COLUMNS})"
        f" SELECT t.run_id, t.id, {', '.join('c.' + n.strip() for n in RESULT_COLUMNS.split(','))}"
        " FROM dataset_scores t JOIN dataset_scores s ON s.id = t.score_of"
        " JOIN criterion_results c ON c.dataset_score_id = s.id"
        " WHERE s.results_of IS NOT NULL"
    )
    for name in VALUES:
        value = f"(SELECT s.{name} FROM dataset_scores s WHERE s.id = dataset_scores.score_of)"
        if name == 'scored_at':  # a copy scored again and found equal has its own date
            value = f"COALESCE(scored_at, {value})"
        op.execute(
            f"UPDATE dataset_scores SET {name} = {value} WHERE score_of IS NOT NULL"
        )
    op.execute(
        "UPDATE dataset_scores SET results_of = (SELECT COALESCE(s.results_of, s.id)"
        " FROM dataset_scores s WHERE s.id = dataset_scores.score_of)"
        " WHERE score_of IS NOT NULL"
    )
    for name in ('content_hash', 'metadata_modified'):
        op.execute(
            f"UPDATE dataset_observations SET {name} = (SELECT o.{name} FROM dataset_observations o"
            " WHERE o.id = dataset_observations.distributions_of) WHERE distributions_of IS NOT NULL"
        )
    op.drop_column('dataset_scores', 'holds_until')
    op.drop_column('dataset_scores', 'score_of')  # in place: a batch copy would cascade
