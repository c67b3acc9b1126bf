"""subject access requests: the request, the items gathered for it, and its redactions

Revision ID: records_0020
Revises: records_0019
Create Date: 2026-11-28 00:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'records_0020'
down_revision = 'records_0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sar_requests',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('requester', sa.Text(), nullable=False),
    sa.Column('received_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('opened_by_user', sa.Integer(), nullable=False),
    sa.Column('opened_by_name', sa.String(length=200), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released_by_user', sa.Integer(), nullable=True),
    sa.Column('released_by_name', sa.String(length=200), server_default='', nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_sar_requests_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sar_requests'))
    )
    with op.batch_alter_table('sar_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sar_requests_person_id'), ['person_id'], unique=False)

    op.create_table('sar_items',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('request_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['sar_requests.id'], name=op.f('fk_sar_items_request_id_sar_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sar_items'))
    )
    with op.batch_alter_table('sar_items', schema=None) as batch_op:
        batch_op.create_index('ix_sar_items_request_position', ['request_id', 'position'], unique=True)

    op.create_table('sar_redactions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('request_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('withhold', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('made_by_user', sa.Integer(), nullable=False),
    sa.Column('made_by_name', sa.String(length=200), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by_user', sa.Integer(), nullable=True),
    sa.Column('undone_by_name', sa.String(length=200), server_default='', nullable=False),
    sa.Column('undo_note', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['sar_requests.id'], name=op.f('fk_sar_redactions_request_id_sar_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sar_redactions'))
    )
    with op.batch_alter_table('sar_redactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sar_redactions_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sar_redactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sar_redactions_request_id'))

    op.drop_table('sar_redactions')
    with op.batch_alter_table('sar_items', schema=None) as batch_op:
        batch_op.drop_index('ix_sar_items_request_position')

    op.drop_table('sar_items')
    with op.batch_alter_table('sar_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sar_requests_person_id'))

    op.drop_table('sar_requests')
