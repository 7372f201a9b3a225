"""comments, topics, text models, topic predictions and labels

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 09:58:31.830829

Free-text answers get a table of their own: the raw text with its purge deadline, the redacted
text everyone reads, and the safeguarding flag. Topics are rows (admins rename or retire them);
text_model is the registry of trained models, one of them live.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('text_model',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('artifact_path', sa.String(length=500), nullable=False),
    sa.Column('macro_f1', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('promoted_at', sa.DateTime(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_text_model')),
    sa.UniqueConstraint('version', name=op.f('uq_text_model_version'))
    )
    with op.batch_alter_table('text_model', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_text_model_status'), ['status'], unique=False)

    op.create_table('topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('severity', sa.Float(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic')),
    sa.UniqueConstraint('code', name=op.f('uq_topic_code'))
    )
    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('raw_text', sa.Text(), nullable=True),
    sa.Column('purge_after', sa.DateTime(), nullable=True),
    sa.Column('redacted_text', sa.Text(), nullable=False),
    sa.Column('safeguarding_flag', sa.Boolean(), nullable=False),
    sa.Column('safeguarding_reasons', sa.JSON(), nullable=False),
    sa.Column('safeguarding_score', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_comment_area_id_area')),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_comment_question_id_question')),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_comment_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment'))
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_purge_after'), ['purge_after'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_response_id'), ['response_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_safeguarding_flag'), ['safeguarding_flag'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('topic_label',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('labelled_by', sa.String(length=120), nullable=False),
    sa.Column('labelled_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_topic_label_comment_id_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_topic_label_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_label'))
    )
    with op.batch_alter_table('topic_label', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_label_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_label_topic_id'), ['topic_id'], unique=False)

    op.create_table('topic_prediction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('secondary_topics', sa.JSON(), nullable=False),
    sa.Column('needs_review', sa.Boolean(), nullable=False),
    sa.Column('predicted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_topic_prediction_comment_id_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['model_id'], ['text_model.id'], name=op.f('fk_topic_prediction_model_id_text_model')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_topic_prediction_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_prediction')),
    sa.UniqueConstraint('comment_id', name=op.f('uq_topic_prediction_comment_id'))
    )
    with op.batch_alter_table('topic_prediction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_prediction_model_id'), ['model_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_prediction_needs_review'), ['needs_review'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_prediction_topic_id'), ['topic_id'], unique=False)



def downgrade():
    with op.batch_alter_table('topic_prediction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_prediction_topic_id'))
        batch_op.drop_index(batch_op.f('ix_topic_prediction_needs_review'))
        batch_op.drop_index(batch_op.f('ix_topic_prediction_model_id'))

    op.drop_table('topic_prediction')
    with op.batch_alter_table('topic_label', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_label_topic_id'))
        batch_op.drop_index(batch_op.f('ix_topic_label_comment_id'))

    op.drop_table('topic_label')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_comment_safeguarding_flag'))
        batch_op.drop_index(batch_op.f('ix_comment_response_id'))
        batch_op.drop_index(batch_op.f('ix_comment_purge_after'))
        batch_op.drop_index(batch_op.f('ix_comment_area_id'))

    op.drop_table('comment')
    op.drop_table('topic')
    with op.batch_alter_table('text_model', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_text_model_status'))

    op.drop_table('text_model')
