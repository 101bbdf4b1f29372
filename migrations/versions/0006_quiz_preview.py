"""quiz previews: an instructor's run of a quiz as a student, kept apart from attempts

Revision ID: 0006_quiz_preview
Revises: 0005_authoring
Create Date: 2026-11-28

"""
import sqlalchemy as sa
from alembic import op

revision = '0006_quiz_preview'
down_revision = '0005_authoring'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'quiz_preview',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('quiz_id', sa.Integer(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('settings', sa.JSON(), nullable=False),
        sa.Column('questions', sa.JSON(), nullable=False),
        sa.Column('seed', sa.Integer(), nullable=False),
        sa.Column('question_ids', sa.JSON(), nullable=False),
        sa.Column('orders', sa.JSON(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('marks', sa.JSON(), nullable=False),
        sa.Column('score', sa.Float(), nullable=True),
        sa.Column('max_score', sa.Float(), nullable=True),
        sa.Column('percent', sa.Float(), nullable=True),
        sa.CheckConstraint("state IN ('in_progress', 'submitted')", name=op.f('ck_quiz_preview_state_known')),
        sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_quiz_preview_quiz_id_quiz'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_quiz_preview_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_preview')),
        sa.UniqueConstraint('user_id', 'quiz_id', name=op.f('uq_quiz_preview_user_id_quiz_id')),
    )
    with op.batch_alter_table('quiz_preview', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_preview_quiz_id'), ['quiz_id'], unique=False)


def downgrade():
    with op.batch_alter_table('quiz_preview', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_preview_quiz_id'))
    op.drop_table('quiz_preview')
