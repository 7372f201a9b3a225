"""Room on every estimate page for updates in place (PostgreSQL fillfactor 50)

Revision ID: 0014
Revises: 0013

An incremental aggregation updates the rows it recomputes (about 4% of the table at a
million responses: the latest month, quarter and rolling year of every area) instead of
deleting and inserting them. No key column changes, so PostgreSQL can make each a heap-only
update, which touches none of the three indexes, when the row's page has room for the new
version. A rebuild writes each period's rows together, so an update rewrites whole pages and
needs half of each page free: at 100,000 responses fillfactor 100 made 35 of 62,632 updates
heap-only, 85 made 18%, 50 made 99% (bench/RESULTS.md, Aggregation). The price is a heap
twice the size (about 2 GB at a million responses). The setting is the table's, so it
holds through the rebuild's truncate and rebuilt keys. SQLite has no such setting (it
rewrites a row in place and leaves indexes on unchanged columns alone): a no-op there.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE estimate SET (fillfactor = 50)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE estimate RESET (fillfactor)")
