"""duplicate refusals: each likely-duplicate child or twin document the service refused

Revision ID: records_0021
Revises: records_0020
Create Date: 2026-11-28 04:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'records_0021'
down_revision = 'records_0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('duplicate_refusals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('existing', sa.String(length=100), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_duplicate_refusals_person_id_people'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_refusals'))
    )
    with op.batch_alter_table('duplicate_refusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duplicate_refusals_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_duplicate_refusals_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('duplicate_refusals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duplicate_refusals_person_id'))
        batch_op.drop_index(batch_op.f('ix_duplicate_refusals_at'))

    op.drop_table('duplicate_refusals')
