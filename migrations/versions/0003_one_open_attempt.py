"""at most one open attempt per student and quiz

Revision ID: 0003_one_open_attempt
Revises: 0002_quizzes
Create Date: 2026-11-27

"""
import sqlalchemy as sa
from alembic import op

revision = '0003_one_open_attempt'
down_revision = '0002_quizzes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index('uq_attempt_one_open', ['user_id', 'quiz_id'], unique=True,
                              sqlite_where=sa.text("state = 'in_progress'"),
                              postgresql_where=sa.text("state = 'in_progress'"))


def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('uq_attempt_one_open')
