"""Thin rows for what did not change: a carried observation shares its record, reference
views are stored once per distinct document, reused probes are kept as ranges of ids, a
score carries the digest the next run compares with; indexes that served no query dropped.

Revision ID: 0008_thin_rows
Revises: 0007_reference_views
Create Date: 2026-12-07 00:10:00

"""
import json
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from observatory.storage.carry import id_ranges
from observatory.storage.views import digest


revision: str = '0008_thin_rows'
down_revision: Union[str, Sequence[str], None] = '0007_reference_views'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

CHUNK = 5000


def upgrade() -> None:
    op.create_table('reference_view_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.Text(), nullable=False),
    sa.Column('udata', sa.JSON(), nullable=False),
    sa.Column('mqa', sa.JSON(), nullable=False),
    sa.Column('candidate', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_view_documents')),
    sa.UniqueConstraint('digest', name=op.f('uq_reference_view_documents_digest'))
    )
    op.create_table('run_probe_ranges',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('first_id', sa.Integer(), nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_run_probe_ranges_run_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('run_id', 'first_id', name=op.f('pk_run_probe_ranges'))
    )
    op.add_column('reference_views', sa.Column('document_id', sa.Integer(), nullable=True))
    op.add_column('dataset_scores', sa.Column('digest', sa.Text(), nullable=True))
    bind = op.get_bind()
    _move_views(bind)
    _move_probe_links(bind)
    _thin_observations(bind)
    if bind.dialect.name == 'sqlite':  # a copy of the table (it has no children)
        with op.batch_alter_table('reference_views', recreate='always') as batch:
            _views_point_to_documents(batch)
    else:  # in place: a copy would restart the id sequence at 1
        _views_point_to_documents(op)
    op.drop_index(op.f('ix_run_probes_probe_id'), table_name='run_probes')
    op.drop_table('run_probes')
    # unused (criterion id) or the prefix of a composite index (run id): space for nothing
    op.drop_index(op.f('ix_criterion_results_criterion_id'), table_name='criterion_results')
    op.drop_index(op.f('ix_criterion_results_run_id'), table_name='criterion_results')
    op.drop_index(op.f('ix_distribution_observations_run_id'), table_name='distribution_observations')


def _views_point_to_documents(target) -> None:  # type: ignore[no-untyped-def]
    table = {} if target is not op else {'table_name': 'reference_views'}
    for name in ('udata', 'mqa', 'candidate'):
        target.drop_column(column_name=name, **table)
    target.alter_column(column_name='document_id', existing_type=sa.Integer(), nullable=False, **table)
    fk = op.f('fk_reference_views_document_id')
    if target is op:
        op.create_foreign_key(fk, 'reference_views', 'reference_view_documents', ['document_id'], ['id'])
    else:
        target.create_foreign_key(fk, 'reference_view_documents', ['document_id'], ['id'])


def _views_inline(target) -> None:  # type: ignore[no-untyped-def]
    table = {} if target is not op else {'table_name': 'reference_views'}
    if target is op:
        op.drop_constraint(op.f('fk_reference_views_document_id'), 'reference_views', type_='foreignkey')
    else:
        target.drop_constraint(op.f('fk_reference_views_document_id'), type_='foreignkey')
    target.drop_column(column_name='document_id', **table)
    for name in ('udata', 'mqa'):
        target.alter_column(column_name=name, existing_type=sa.JSON(), nullable=False, **table)


def _move_views(bind: sa.Connection) -> None:
    """Each stored view's JSON into a document (one per distinct text), pointed to by id."""
    views = sa.table('reference_views', sa.column('id', sa.Integer), sa.column('document_id', sa.Integer),
                     *(sa.column(n, sa.JSON) for n in ('udata', 'mqa', 'candidate')))
    docs = sa.table('reference_view_documents', sa.column('id', sa.Integer), sa.column('digest', sa.Text),
                    *(sa.column(n, sa.JSON) for n in ('udata', 'mqa', 'candidate')))
    known: dict[str, int] = {}
    last = 0
    while True:
        rows = bind.execute(
            sa.select(views.c.id, views.c.udata, views.c.mqa, views.c.candidate)
            .where(views.c.id > last).order_by(views.c.id).limit(CHUNK)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        texts = [[json.dumps(p) for p in (r.udata, r.mqa, r.candidate)] for r in rows]
        keys = [digest(t) for t in texts]
        new = {}
        for row, key in zip(rows, keys):
            if key not in known and key not in new:
                new[key] = {'digest': key, 'udata': row.udata, 'mqa': row.mqa,
                            'candidate': sa.JSON.NULL if row.candidate is None else row.candidate}
        if new:  # one statement per chunk, then their ids
            bind.execute(docs.insert(), list(new.values()))
            found = sa.select(docs.c.digest, docs.c.id).where(docs.c.digest.in_(list(new)))
            known.update(bind.execute(found).tuples().all())
        links = [{'view_id': row.id, 'doc': known[key]} for row, key in zip(rows, keys)]
        bind.execute(
            views.update().where(views.c.id == sa.bindparam('view_id')).values(document_id=sa.bindparam('doc')),
            links,
        )


def _move_probe_links(bind: sa.Connection) -> None:
    """Each run's reused probes as ranges of consecutive ids."""
    links = sa.table('run_probes', sa.column('run_id', sa.Integer), sa.column('probe_id', sa.Integer))
    ranges = sa.table('run_probe_ranges', *(sa.column(n, sa.Integer) for n in ('run_id', 'first_id', 'last_id')))
    runs = bind.execute(sa.select(links.c.run_id).distinct().order_by(links.c.run_id)).scalars().all()
    for run_id in runs:
        ids = bind.execute(sa.select(links.c.probe_id).where(links.c.run_id == run_id)).scalars()
        rows = [{'run_id': run_id, 'first_id': a, 'last_id': b} for a, b in id_ranges(ids)]
        if rows:
            bind.execute(ranges.insert(), rows)


def _thin_observations(bind: sa.Connection) -> None:
    """A carried observation's record is the one it shares (its own copy becomes JSON null)."""
    obs = sa.table('dataset_observations', sa.column('metadata', sa.JSON),
                   sa.column('distributions_of', sa.Integer))
    bind.execute(obs.update().where(obs.c.distributions_of.is_not(None)).values(metadata=sa.JSON.NULL))


def _full_score_sets() -> None:
    """A delta (a score sharing its base's results with rows of its own) gets the base's
    rows it does not override: before 0008, a score's rows are all or none of them."""
    own = "SELECT 1 FROM criterion_results o WHERE o.dataset_score_id = s.id"
    op.execute(
        "INSERT INTO criterion_results (run_id, dataset_score_id, position, criterion_id, pillar,"
        " status, score, weight, evidence, fix_hint, label)"
        " SELECT s.run_id, s.id, c.position, c.criterion_id, c.pillar, c.status, c.score,"
        " c.weight, c.evidence, c.fix_hint, c.label"
        " FROM dataset_scores s JOIN criterion_results c ON c.dataset_score_id = s.results_of"
        f" WHERE s.results_of IS NOT NULL AND EXISTS ({own})"
        f" AND NOT EXISTS ({own} AND o.position = c.position)"
    )
    op.execute(
        "UPDATE dataset_scores SET results_of = NULL WHERE results_of IS NOT NULL AND EXISTS"
        " (SELECT 1 FROM criterion_results o WHERE o.dataset_score_id = dataset_scores.id)"
    )


def downgrade() -> None:
    op.create_index(op.f('ix_distribution_observations_run_id'), 'distribution_observations', ['run_id'], unique=False)
    op.create_index(op.f('ix_criterion_results_run_id'), 'criterion_results', ['run_id'], unique=False)
    op.create_index(op.f('ix_criterion_results_criterion_id'), 'criterion_results', ['criterion_id'], unique=False)
    op.create_table('run_probes',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('probe_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['probe_id'], ['probe_results.id'], name=op.f('fk_run_probes_probe_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_run_probes_run_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('run_id', 'probe_id', name=op.f('pk_run_probes'))
    )
    op.create_index(op.f('ix_run_probes_probe_id'), 'run_probes', ['probe_id'], unique=False)
    op.execute(
        "INSERT INTO run_probes (run_id, probe_id) SELECT r.run_id, p.id FROM run_probe_ranges r"
        " JOIN probe_results p ON p.id >= r.first_id AND p.id <= r.last_id AND p.run_id < r.run_id"
    )
    op.execute(
        "UPDATE dataset_observations SET metadata = (SELECT o.metadata FROM dataset_observations o"
        " WHERE o.id = dataset_observations.distributions_of) WHERE distributions_of IS NOT NULL"
    )
    for name in ('udata', 'mqa', 'candidate'):
        op.add_column('reference_views', sa.Column(name, sa.JSON(), nullable=True))
        op.execute(
            f"UPDATE reference_views SET {name} = (SELECT d.{name} FROM reference_view_documents d"
            " WHERE d.id = reference_views.document_id)"
        )
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('reference_views', recreate='always') as batch:
            _views_inline(batch)
    else:
        _views_inline(op)
    _full_score_sets()
    op.drop_table('run_probe_ranges')
    op.drop_table('reference_view_documents')
    op.drop_column('dataset_scores', 'digest')  # in place: a batch copy would cascade
