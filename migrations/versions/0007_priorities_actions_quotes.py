"""Priority decisions, actions ("you said, we did"), quote approval and labels by account

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('priority_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'],
                            name=op.f('fk_priority_decision_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'],
                            name=op.f('fk_priority_decision_topic_id_topic')),
    sa.ForeignKeyConstraint(['decided_by'], ['user_account.id'],
                            name=op.f('fk_priority_decision_decided_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_decision'))
    )
    op.create_index(op.f('ix_priority_decision_area_id'), 'priority_decision', ['area_id'])
    op.create_table('action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('public_text', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['priority_decision.id'],
                            name=op.f('fk_action_decision_id_priority_decision'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_action_area_id_area'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_action_topic_id_topic')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'],
                            name=op.f('fk_action_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action'))
    )
    op.create_index(op.f('ix_action_area_id'), 'action', ['area_id'])
    with op.batch_alter_table('comment') as batch:
        batch.add_column(sa.Column('quote_approved_by', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('quote_approved_at', sa.DateTime(), nullable=True))
        batch.create_foreign_key(op.f('fk_comment_quote_approved_by_user_account'),
                                 'user_account', ['quote_approved_by'], ['id'])
    with op.batch_alter_table('topic_label') as batch:
        batch.add_column(sa.Column('labelled_by_user_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_topic_label_labelled_by_user_id_user_account'),
                                 'user_account', ['labelled_by_user_id'], ['id'])
        batch.create_index(op.f('ix_topic_label_labelled_by_user_id'), ['labelled_by_user_id'])


def downgrade():
    with op.batch_alter_table('topic_label') as batch:
        batch.drop_index(op.f('ix_topic_label_labelled_by_user_id'))
        batch.drop_constraint(op.f('fk_topic_label_labelled_by_user_id_user_account'),
                              type_='foreignkey')
        batch.drop_column('labelled_by_user_id')
    with op.batch_alter_table('comment') as batch:
        batch.drop_constraint(op.f('fk_comment_quote_approved_by_user_account'),
                              type_='foreignkey')
        batch.drop_column('quote_approved_at')
        batch.drop_column('quote_approved_by')
    op.drop_index(op.f('ix_action_area_id'), table_name='action')
    op.drop_table('action')
    op.drop_index(op.f('ix_priority_decision_area_id'), table_name='priority_decision')
    op.drop_table('priority_decision')
