"""Topic shares per area, period and topic, with Wilson intervals and suppression

Revision ID: 0011
Revises: 0010

Written whole by the topic-shares job (and after each retrain); the officer area page, the
briefing packs and the API read it instead of counting comments on every request.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('topic_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_end', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('share', sa.Float(), nullable=True),
    sa.Column('ci_low', sa.Float(), nullable=True),
    sa.Column('ci_high', sa.Float(), nullable=True),
    sa.Column('suppressed', sa.Boolean(), nullable=False),
    sa.Column('suppressed_reason', sa.String(length=80), nullable=True),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_topic_share_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_topic_share_topic_id_topic'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_share')),
    sa.UniqueConstraint('area_id', 'period_kind', 'period_end', 'topic_id', name=op.f('uq_topic_share_area_id'))
    )
    with op.batch_alter_table('topic_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_share_topic_id'), ['topic_id'], unique=False)


def downgrade():
    with op.batch_alter_table('topic_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_share_topic_id'))

    op.drop_table('topic_share')
