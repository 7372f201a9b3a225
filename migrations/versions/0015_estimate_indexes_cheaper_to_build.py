"""PostgreSQL: the estimate key's text columns in collation "C", a period index of one column

Revision ID: 0015
Revises: 0014

A full rebuild builds the estimate table's indexes once, each by a sort of every row (5.5
million at a million responses), a quarter to a third of its time. On PostgreSQL:
- period, measure and group_label compare bytewise (collation "C") instead of by the
  database's locale, so sorting by them no longer calls the locale's string comparison for
  every pair of rows. They hold codes that sort the same either way;
- the index for one period across every area (0012: period, measure, group_label) becomes
  one on the period alone: the same reads go through it nearly as fast, and it is built by
  a sort several times cheaper.
SQLite compares bytewise already and keeps 0012's index (without it the across-areas read
scanned the table): a no-op there. Figures in bench/RESULTS.md, Aggregation.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_COLUMNS = (("period", 16), ("measure", 64), ("group_label", 64))


def _collate(collation: str) -> str:
    # One ALTER TABLE for the three columns: the unique key on them is rebuilt once, not
    # three times. The type is the same, so the table itself is not rewritten.
    return "ALTER TABLE estimate " + ", ".join(
        f'ALTER COLUMN {name} TYPE VARCHAR({length}) COLLATE "{collation}"'
        for name, length in _COLUMNS)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # Dropped first, so the ALTER does not rebuild it.
        op.drop_index('ix_estimate_period_measure_group', table_name='estimate')
        op.execute(_collate("C"))
        op.create_index('ix_estimate_period', 'estimate', ['period'], unique=False)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_estimate_period', table_name='estimate')
        op.execute(_collate("default"))
        op.create_index('ix_estimate_period_measure_group', 'estimate',
                        ['period', 'measure', 'group_label'], unique=False)
