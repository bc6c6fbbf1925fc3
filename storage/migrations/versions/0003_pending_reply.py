"""Prompts waiting for a typed reply (退回 comment, 调整类别 reason, 脱困 date, 返贫 reason) and what they answer.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pendingreply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pendingreply', schema=None) as batch_op:
        batch_op.create_index('ix_pendingreply_chat_message', ['chat_id', 'message_id'], unique=False)
        batch_op.create_index('ix_pendingreply_user', ['user_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pendingreply_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pendingreply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pendingreply_created_at'))
        batch_op.drop_index('ix_pendingreply_user')
        batch_op.drop_index('ix_pendingreply_chat_message')

    op.drop_table('pendingreply')
