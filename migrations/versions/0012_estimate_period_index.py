"""Index on estimate leading with the period: one period across every area

Revision ID: 0012
Revises: 0011

The unique key leads with the area, so a read of one period for every ward (the API's
``?period=&measure=&group=``, an export of one period) scanned the whole table. A full
rebuild drops this index with the table's keys and builds it once after the insert
(pulse.estimates.store), so it costs the rebuild one sort, not an update per row.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('estimate', schema=None) as batch_op:
        batch_op.create_index('ix_estimate_period_measure_group',
                              ['period', 'measure', 'group_label'], unique=False)


def downgrade():
    with op.batch_alter_table('estimate', schema=None) as batch_op:
        batch_op.drop_index('ix_estimate_period_measure_group')
