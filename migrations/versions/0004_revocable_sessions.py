"""revocable sessions, checked answers, reading-time index, deadlines without the close date

Revision ID: 0004_revocable_sessions
Revises: 0003_one_open_attempt
Create Date: 2026-11-27

"""
import secrets
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = '0004_revocable_sessions'
down_revision = '0003_one_open_attempt'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    for (user_id,) in bind.execute(sa.select(user.c.id)).all():
        bind.execute(user.update().where(user.c.id == user_id).values(session_token=secrets.token_urlsafe(24)))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_raw', sa.JSON(), nullable=True))
    response = sa.table('response', sa.column('raw', sa.JSON), sa.column('checked_raw', sa.JSON),
                        sa.column('tries', sa.Integer))
    # Before this revision only the last answer was kept: treat it as the one last checked.
    bind.execute(response.update().where(response.c.tries > 0).values(checked_raw=response.c.raw))

    with op.batch_alter_table('lesson_visit', schema=None) as batch_op:
        batch_op.create_index('ix_lesson_visit_user_seen', ['user_id', 'last_seen_at'], unique=False)

    # An attempt's deadline no longer includes the close date it saw at its start (the quiz's close date
    # now applies instead): recompute it from the time limit alone for attempts still open.
    attempt = sa.table('attempt', sa.column('id', sa.Integer), sa.column('quiz_version_id', sa.Integer),
                       sa.column('state', sa.String), sa.column('started_at', sa.DateTime(timezone=True)),
                       sa.column('deadline', sa.DateTime(timezone=True)))
    version = sa.table('quiz_version', sa.column('id', sa.Integer), sa.column('settings', sa.JSON))
    rows = bind.execute(sa.select(attempt.c.id, attempt.c.started_at, version.c.settings)
                        .join(version, version.c.id == attempt.c.quiz_version_id)
                        .where(attempt.c.state == 'in_progress')).all()
    for attempt_id, started_at, settings in rows:
        limit = (settings or {}).get('time_limit_seconds')
        deadline = started_at + timedelta(seconds=limit) if limit else None
        bind.execute(attempt.update().where(attempt.c.id == attempt_id).values(deadline=deadline))


def downgrade():
    with op.batch_alter_table('lesson_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_lesson_visit_user_seen')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('checked_raw')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_token')
