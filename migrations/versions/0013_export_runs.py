"""Background export runs in a table (was a status file per run)

Revision ID: 0013
Revises: 0012

A status file beside the workbook worked on one host only, and a restart lost queued runs.
In a table, the scheduler's ``exports`` job builds runs a dead process left queued or running.
Runs still in status files when this is applied are not carried over: they are at most 24
hours old and are asked for again.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_export_run_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_run')),
    sa.UniqueConstraint('token', name=op.f('uq_export_run_token'))
    )
    with op.batch_alter_table('export_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_run_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_run_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_run_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('export_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_run_user_id'))
        batch_op.drop_index(batch_op.f('ix_export_run_status'))
        batch_op.drop_index(batch_op.f('ix_export_run_created_at'))

    op.drop_table('export_run')
