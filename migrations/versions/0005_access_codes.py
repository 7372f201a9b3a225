"""single-use access codes, and who may answer a wave (open, code, both)

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-27 09:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('access_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.Column('used_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_access_code_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_access_code_code_hash'))
    )
    with op.batch_alter_table('access_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_code_area_id'), ['area_id'], unique=False)

    # Existing waves stay open to anyone with the link, as they were.
    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access', sa.String(length=8), server_default='open',
                                      nullable=False))
        batch_op.create_check_constraint('access', "access IN ('open', 'code', 'both')")


def downgrade():
    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_wave_access'), type_='check')
        batch_op.drop_column('access')

    with op.batch_alter_table('access_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_code_area_id'))

    op.drop_table('access_code')
