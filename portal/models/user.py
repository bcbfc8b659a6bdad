from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.models.enums import AccountStatus, Role


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('sme', 'military', 'organiser', 'admin')", name="role"),
        CheckConstraint("status IN ('pending', 'active', 'disabled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16), default=Role.SME)
    status: Mapped[str] = mapped_column(String(16), default=AccountStatus.PENDING)
    # Military users own challenges on behalf of their unit.
    unit: Mapped[str | None] = mapped_column(String(200))
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    # Rotated at logout and password change: a cookie carrying an old token is refused.
    session_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # "nb", "nn" or "en"; None follows the browser (cookie, then Accept-Language).
    locale: Mapped[str | None] = mapped_column(String(8))
    # Set when the owner follows the verification link; invitations go to verified addresses only.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)

    company: Mapped["Company | None"] = relationship(  # noqa: F821
        back_populates="users", foreign_keys=[company_id]
    )
    api_tokens: Mapped[list["ApiToken"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.status != AccountStatus.DISABLED

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_approved(self) -> bool:
        return self.status == AccountStatus.ACTIVE

    def has_role(self, *roles: str) -> bool:
        return self.is_approved and self.role in roles

    @property
    def is_vetted_sme(self) -> bool:
        return (
            self.role == Role.SME
            and self.company is not None
            and self.company.clearance_verified
        )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ApiToken(Base):
    """A personal API token; only its sha256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(back_populates="api_tokens")
