"""Every stored month marked dirty, so the next aggregation checks areas and breakdowns together

Revision ID: 0019
Revises: 0018

A month's counts are now withheld until neither partition (the neighbourhoods under their
parent, the categories of a breakdown under an area's count) leaves a suppressed count
derivable, and until no suppressed count is pinned down by a parent's table of children
and categories taken whole (analysis.aggregate._suppress). Rows stored earlier were checked
one partition after the other, once, which left some counts under the minimum derivable;
an incremental run rewrites only the periods its dirty marks name, so, as in 0017 and 0018,
one mark for every area and every month whose sums are kept makes the scheduler's next
``aggregate`` rewrite them all. No schema change; going down leaves the marks.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
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
