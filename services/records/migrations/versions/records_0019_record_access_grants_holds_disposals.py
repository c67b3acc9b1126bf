"""record access grants, break-glass, legal holds, disposals, audit on behalf

Revision ID: records_0019
Revises: records_0018
Create Date: 2026-11-27 17:29:41.210365
"""
from alembic import op
import sqlalchemy as sa


revision = 'records_0019'
down_revision = 'records_0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_people',
    sa.Column('audit_id', sa.BigInteger(), nullable=False),
    sa.Column('person_id', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('audit_id', 'person_id', name=op.f('pk_audit_people'))
    )
    with op.batch_alter_table('audit_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_people_person_id'), ['person_id'], unique=False)

    op.create_table('disposals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('former_person_id', sa.BigInteger(), nullable=False),
    sa.Column('rule', sa.String(length=60), nullable=False),
    sa.Column('keep_until', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('disposed_by_user', sa.Integer(), nullable=False),
    sa.Column('disposed_by_name', sa.String(length=200), nullable=False),
    sa.Column('disposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rows_removed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disposals'))
    )
    with op.batch_alter_table('disposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disposals_former_person_id'), ['former_person_id'], unique=False)

    op.create_table('legal_holds',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('placed_by_user', sa.Integer(), nullable=False),
    sa.Column('placed_by_name', sa.String(length=200), nullable=False),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_by_user', sa.Integer(), nullable=True),
    sa.Column('released_by_name', sa.String(length=200), server_default='', nullable=False),
    sa.Column('release_reason', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_legal_holds_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_holds'))
    )
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_holds_person_id'), ['person_id'], unique=False)

    op.create_table('record_grants',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('granted_by_user', sa.Integer(), nullable=False),
    sa.Column('granted_by_name', sa.String(length=200), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_user', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('review_outcome', sa.String(length=20), server_default='', nullable=False),
    sa.Column('review_note', sa.Text(), server_default='', nullable=False),
    sa.Column('reviewed_by_user', sa.Integer(), nullable=True),
    sa.Column('reviewed_by_name', sa.String(length=200), server_default='', nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_record_grants_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_grants'))
    )
    with op.batch_alter_table('record_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_grants_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_record_grants_person_user', ['person_id', 'user_id'], unique=False)

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_behalf_user', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('on_behalf_username', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('actor_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('on_behalf_name', sa.String(length=200), server_default='', nullable=False))

    with op.batch_alter_table('chronology_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entered_by_name', sa.String(length=200), server_default='', nullable=False))

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entered_by_user', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('entered_by_name', sa.String(length=200), server_default='', nullable=False))

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_level', sa.String(length=12), server_default='open', nullable=False))
    # A record restricted before grants existed stays restricted (now: explicit grant only).
    op.execute("UPDATE people SET access_level = 'restricted' WHERE restricted")
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('restricted')

    # Index the children each existing audit row touched, for the "who has seen" report.
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, person_ids FROM audit_log WHERE person_ids <> ''")).fetchall()
    pairs = {(row[0], int(p)) for row in rows for p in row[1].split(",") if p.strip().isdigit()}
    if pairs:
        bind.execute(sa.text("INSERT INTO audit_people (audit_id, person_id) VALUES (:a, :p)"),
                     [{"a": a, "p": p} for a, p in sorted(pairs)])


def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('restricted', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE people SET restricted = (access_level <> 'open')")
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('access_level')

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('entered_by_name')
        batch_op.drop_column('entered_by_user')

    with op.batch_alter_table('chronology_entries', schema=None) as batch_op:
        batch_op.drop_column('entered_by_name')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('reason')
        batch_op.drop_column('actor_name')
        batch_op.drop_column('on_behalf_name')
        batch_op.drop_column('on_behalf_username')
        batch_op.drop_column('on_behalf_user')

    with op.batch_alter_table('record_grants', schema=None) as batch_op:
        batch_op.drop_index('ix_record_grants_person_user')
        batch_op.drop_index(batch_op.f('ix_record_grants_person_id'))

    op.drop_table('record_grants')
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_holds_person_id'))

    op.drop_table('legal_holds')
    with op.batch_alter_table('disposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disposals_former_person_id'))

    op.drop_table('disposals')
    with op.batch_alter_table('audit_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_people_person_id'))

    op.drop_table('audit_people')
