"""The store's version: one row every write transaction bumps first.

Readers that cache (the HTTP API) compare it to see whether anything changed; on PostgreSQL it also
makes concurrent writers take their locks in one order (this row first), so they queue instead of
deadlocking, and a merge sees the events another writer committed just before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 00:15:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "store_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("store_state")
