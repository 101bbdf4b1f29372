"""every checked try of an immediate-feedback question

Revision ID: 0007_response_tries
Revises: 0006_quiz_preview
Create Date: 2026-11-27

"""
import sqlalchemy as sa
from alembic import op

revision = '0007_response_tries'
down_revision = '0006_quiz_preview'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'response_try',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('raw', sa.JSON(), nullable=False),
        sa.Column('fraction', sa.Float(), nullable=False),
        sa.Column('penalised_fraction', sa.Float(), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('number >= 1', name=op.f('ck_response_try_number_positive')),
        sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_response_try_response_id_response'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_response_try')),
        sa.UniqueConstraint('response_id', 'number', name=op.f('uq_response_try_response_id_number')),
    )
    with op.batch_alter_table('response_try', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_try_response_id'), ['response_id'], unique=False)


def downgrade():
    with op.batch_alter_table('response_try', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_try_response_id'))
    op.drop_table('response_try')
