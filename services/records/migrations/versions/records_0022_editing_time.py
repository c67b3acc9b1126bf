"""editing time: each person's time at the editor on each document, per day, from their saves

Revision ID: records_0022
Revises: records_0021
Create Date: 2026-11-28 04:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'records_0022'
down_revision = 'records_0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('editing_time',
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('user_name', sa.String(length=200), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('saves', sa.Integer(), nullable=False),
    sa.Column('sittings', sa.Integer(), nullable=False),
    sa.Column('last_saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_editing_time_document_id_documents')),
    sa.PrimaryKeyConstraint('document_id', 'user_id', 'day', name=op.f('pk_editing_time'))
    )
    with op.batch_alter_table('editing_time', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_editing_time_day'), ['day'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('editing_time', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_editing_time_day'))

    op.drop_table('editing_time')
