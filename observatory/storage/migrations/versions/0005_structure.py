"""Structures of SPDR files (columns, types, declared schema), one row per change.

Revision ID: 0005_structure
Revises: 0004
Create Date: 2026-12-05 06:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa



revision: str = '0005_structure'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('file_structures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('spdr', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('url_hash', sa.Text(), nullable=False),
    sa.Column('signature', sa.Text(), nullable=False),
    sa.Column('structure', sa.JSON(), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_file_structures'))
    )
    op.create_index(op.f('ix_file_structures_url_hash_first_seen'), 'file_structures', ['url_hash', 'first_seen'], unique=False)
    op.create_index(op.f('ix_file_structures_spdr_first_seen'), 'file_structures', ['spdr', 'first_seen'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_file_structures_spdr_first_seen'), table_name='file_structures')
    op.drop_index(op.f('ix_file_structures_url_hash_first_seen'), table_name='file_structures')
    op.drop_table('file_structures')
