"""localized names and inbox notes: clients read names in their language, admins read notes in theirs

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 22:00:00

``staff.names`` and ``services.names`` hold a master's or a service's name in other languages
(``{"es": "Corte"}``): clients reading that language see it, the others the plain name.

``inbox_items.note`` holds what ShowUp itself says about an item (why a no-show was forgiven,
that our answer was not delivered, that the rules were held back) as a code and its
parameters; the inbox relay words it in the admins' language.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ('staff', 'services'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('names', sa.JSON(), nullable=True))
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.drop_column('note')
    for table in ('services', 'staff'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('names')
