"""authoring in the browser: quiz origin, drafts and edit counter; version authorship and documents; audit log

Revision ID: 0005_authoring
Revises: 0004_revocable_sessions
Create Date: 2026-11-27

"""
import sqlalchemy as sa
from alembic import op

revision = '0005_authoring'
down_revision = '0004_revocable_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=10), nullable=False, server_default='file'))
        batch_op.add_column(sa.Column('draft', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('edit_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('changed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('retired_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_quiz_changed_by_id_user'), 'user', ['changed_by_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_quiz_retired_by_id_user'), 'user', ['retired_by_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_check_constraint('origin_known', "origin IN ('file', 'browser')")
        batch_op.create_check_constraint('edit_count_not_negative', 'edit_count >= 0')
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.alter_column('origin', server_default=None)
        batch_op.alter_column('edit_count', server_default=None)

    with op.batch_alter_table('quiz_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=10), nullable=False, server_default='file'))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('document', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('changes', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.create_foreign_key(batch_op.f('fk_quiz_version_created_by_id_user'), 'user', ['created_by_id'],
                                    ['id'], ondelete='SET NULL')
    with op.batch_alter_table('quiz_version', schema=None) as batch_op:
        batch_op.alter_column('origin', server_default=None)
        batch_op.alter_column('changes', server_default=None)

    op.create_table(
        'audit_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=30), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('quiz_id', sa.Integer(), nullable=True),
        sa.Column('version_number', sa.Integer(), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_event_actor_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_audit_event_quiz_id_quiz'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_at', ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_quiz_id'), ['quiz_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_quiz_id'))
        batch_op.drop_index('ix_audit_event_at')
    op.drop_table('audit_event')
    with op.batch_alter_table('quiz_version', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_quiz_version_created_by_id_user'), type_='foreignkey')
        batch_op.drop_column('changes')
        batch_op.drop_column('document')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('origin')
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.drop_constraint('edit_count_not_negative', type_='check')
        batch_op.drop_constraint('origin_known', type_='check')
        batch_op.drop_constraint(batch_op.f('fk_quiz_retired_by_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_quiz_changed_by_id_user'), type_='foreignkey')
        batch_op.drop_column('retired_by_id')
        batch_op.drop_column('changed_by_id')
        batch_op.drop_column('changed_at')
        batch_op.drop_column('edit_count')
        batch_op.drop_column('draft')
        batch_op.drop_column('origin')
