"""Per-month sufficient statistics of the estimates, for incremental recomputation

Revision ID: 0010
Revises: 0009

An incremental run recomputes only the months whose responses changed and sums the other
months of a quarter or rolling year from this table, instead of reloading their responses.
The table is filled by the next `flask aggregate --full` (or, month by month, by incremental
runs); until then a missing month is computed from its responses.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('estimate_month_stats',
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('layout', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_estimate_month_stats'))
    )


def downgrade():
    op.drop_table('estimate_month_stats')
