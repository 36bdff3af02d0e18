"""Pending references: a statement or denial that arrives before the report of the incident it
refers to waits here, and is attached when an event it fits is created.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_references",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pending_references_report_id", "pending_references", ["report_id"])
    op.create_index("ix_pending_references_date", "pending_references", ["date"])


def downgrade() -> None:
    op.drop_index("ix_pending_references_date", table_name="pending_references")
    op.drop_index("ix_pending_references_report_id", table_name="pending_references")
    op.drop_table("pending_references")
