"""The decision record: one hash-chained table of records and the chain's head.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "records",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("case_id", sa.String(64), index=True),
        sa.Column("case_kind", sa.String(32)),
        sa.Column("area", sa.String(64)),
        sa.Column("as_of", sa.String(10)),
        sa.Column("facts", sa.Text),
        sa.Column("result", sa.Text),
        sa.Column("status", sa.String(16)),
        sa.Column("ruleset_name", sa.String(64)),
        sa.Column("ruleset_version", sa.String(64)),
        sa.Column("ruleset_sha256", sa.String(64)),
        sa.Column("tool_version", sa.String(32), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False, index=True),
        sa.Column("outcome", sa.String(64)),
        sa.Column("value", sa.Text),
        sa.Column("reason", sa.Text),
        sa.Column("refers_to", sa.Integer, index=True),
        sa.Column("source_key", sa.String(200), unique=True),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    chain_head = op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("writes", sa.Integer, nullable=False),
    )
    op.bulk_insert(chain_head, [{"id": 1, "seq": 0, "hash": "0" * 64, "writes": 0}])


def downgrade() -> None:
    op.drop_table("chain_head")
    op.drop_table("records")
