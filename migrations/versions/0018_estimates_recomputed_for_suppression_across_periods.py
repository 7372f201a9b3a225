"""Every stored month marked dirty, so the next aggregation applies suppression across periods

Revision ID: 0018
Revises: 0017

A quarter's or rolling year's count, standard error, interval and modelled estimate are now
published only when every month it holds publishes its count (a month under the minimum
could otherwise be worked out from its quarter and the quarter's other months, or from two
rolling years a month apart). Rows stored earlier still show those counts, and an
incremental run rewrites only the periods its dirty marks name, so, as in 0017, one mark
for every area and every month whose sums are kept makes the scheduler's next
``aggregate`` rewrite them all. No schema change; going down leaves the marks.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # marked_at as the application stores it, naive UTC (CURRENT_TIMESTAMP would be the
    # PostgreSQL session's local time).
    op.execute(sa.text(
        "INSERT INTO estimate_dirty (area_id, month, marked_at) "
        "SELECT area.id, estimate_month_stats.month, :now "
        "FROM area CROSS JOIN estimate_month_stats").bindparams(
            now=datetime.now(UTC).replace(tzinfo=None)))


def downgrade():
    pass
