"""directory (LDAP) accounts and team locations

Revision ID: identity_0004
Revises: identity_0003
Create Date: 2026-11-27 17:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'identity_0004'
down_revision = 'identity_0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auth_source', sa.String(length=20), server_default='local', nullable=False))
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location', sa.String(length=200), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('location')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('auth_source')
