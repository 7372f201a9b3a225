"""One response per device per area per wave: a unique index instead of a check before the INSERT

Revision ID: 0009
Revises: 0008

Responses stored twice by the old check's race (two tabs, two processes) keep their rows; only
the later copies lose their device hash, so that the index can be built and nothing is deleted.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE response SET device_hash = NULL "
        "WHERE device_hash IS NOT NULL AND wave_id IS NOT NULL AND id > ("
        "SELECT MIN(earlier.id) FROM response AS earlier "
        "WHERE earlier.device_hash = response.device_hash "
        "AND earlier.area_id = response.area_id AND earlier.wave_id = response.wave_id)")
    op.create_index('uq_response_device_area_wave', 'response',
                    ['device_hash', 'area_id', 'wave_id'], unique=True)


def downgrade():
    op.drop_index('uq_response_device_area_wave', table_name='response')
