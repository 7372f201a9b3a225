"""Dirty marks name the response they add: the aggregation adds it to its month's kept sums

Revision ID: 0016
Revises: 0015

A mark with a response id says "this response was added"; the next incremental run reads
only those responses and adds them to the month's stored sums, instead of reading the whole
month again. Marks without one (an exclusion, a bulk load, new margins) still have the month
counted again whole.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('estimate_dirty', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_id', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('estimate_dirty', schema=None) as batch_op:
        batch_op.drop_column('response_id')
