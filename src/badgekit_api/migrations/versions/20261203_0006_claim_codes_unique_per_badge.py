"""claim codes unique per badge, not per system, as in the original

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Order matters on MySQL / MariaDB: each foreign key needs an index starting with its
    # column, so the new index for `system_id` and the new key for `badge_id` come before
    # the old ones go. Existing rows, unique per system, are unique per badge too.
    with op.batch_alter_table("claim_codes") as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_claim_codes_badge_id_code"), ["badge_id", "code"]
        )
        batch_op.create_index("ix_claim_codes_system_id_code", ["system_id", "code"])
        batch_op.drop_constraint(batch_op.f("uq_claim_codes_system_id_code"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_claim_codes_badge_id"))


def downgrade() -> None:
    # Fails, changing nothing, while two badges of one system share a code: which of them
    # would lose it is not for a migration to decide.
    with op.batch_alter_table("claim_codes") as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_codes_badge_id"), ["badge_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_claim_codes_system_id_code"), ["system_id", "code"]
        )
        batch_op.drop_index("ix_claim_codes_system_id_code")
        batch_op.drop_constraint(batch_op.f("uq_claim_codes_badge_id_code"), type_="unique")
