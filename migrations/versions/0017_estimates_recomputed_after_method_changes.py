"""Every stored month marked dirty, so the next aggregation recomputes every estimate

Revision ID: 0017
Revises: 0016

The method changed under stored rows: score intervals use the unbiased weighted variance
(they were about 5% too narrow at 10 responses), a withheld count also withholds its standard
error, interval and modelled estimate, and secondary suppression covers trees deeper than two
levels. An incremental run rewrites only the periods its dirty marks name, so without this
the old rows would stay until someone ran ``flask aggregate --full``. One mark (with no
response named: the month is counted again whole) for every area and every month whose sums
are kept makes the scheduler's next ``aggregate`` rewrite them all. No schema change; marks
are notes for the next run, so going down leaves them (the older code reads them the same).
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
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
