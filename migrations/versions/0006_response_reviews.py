"""Response reviews: who excluded or restored a response, when, and why

Revision ID: 0006
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('response_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("action IN ('exclude', 'restore')", name=op.f('ck_response_review_action')),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'],
                            name=op.f('fk_response_review_response_id_response'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_response_review_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_review'))
    )
    with op.batch_alter_table('response_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_review_response_id'), ['response_id'], unique=False)


def downgrade():
    with op.batch_alter_table('response_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_review_response_id'))
    op.drop_table('response_review')
