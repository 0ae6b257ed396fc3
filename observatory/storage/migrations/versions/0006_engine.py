"""Probe schedule: when a file's validators were first seen (its age for the schedule).

Revision ID: 0006_engine
Revises: 0004
Create Date: 2026-12-05 06:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0006_engine'
down_revision: Union[str, Sequence[str], None] = '0005_structure'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('http_cache', sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('http_cache', 'changed_at')
