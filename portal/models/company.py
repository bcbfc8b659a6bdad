from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.models.taxonomy import Area
from portal.search import search_text

company_areas = Table(
    "company_areas",
    Base.metadata,
    Column("company_id", ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


class Company(Base):
    """A company or research institute profile (the matcher's "company" side)."""

    __tablename__ = "companies"
    __table_args__ = (
        CheckConstraint("kind IN ('company', 'research')", name="kind"),
        CheckConstraint("trl IS NULL OR (trl BETWEEN 1 AND 9)", name="trl"),
        CheckConstraint("clearance IN ('none', 'in_process', 'facility')", name="clearance"),
        CheckConstraint(
            "size_band IS NULL OR size_band IN ('1-9', '10-49', '50-249', '250+')",
            name="size_band",
        ),
        CheckConstraint("org_number IS NOT NULL OR country IS NOT NULL", name="org_or_country"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="company")
    name: Mapped[str] = mapped_column(String(200), index=True)
    org_number: Mapped[str | None] = mapped_column(String(9), unique=True)
    # ISO 3166 alpha-2; "NO" for Norwegian companies.
    country: Mapped[str | None] = mapped_column(String(2), default="NO")
    county: Mapped[str | None] = mapped_column(String(64), index=True)
    municipality: Mapped[str | None] = mapped_column(String(100))
    size_band: Mapped[str | None] = mapped_column(String(8))
    website: Mapped[str | None] = mapped_column(String(300))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    trl: Mapped[int | None] = mapped_column(Integer)
    clearance: Mapped[str] = mapped_column(String(16), default="none")
    clearance_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set when the last user of the profile deleted their account: out of matching and events.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True)
    )
    export_control_experience: Mapped[bool] = mapped_column(Boolean, default=False)
    norwegian_owned: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Stems of name and description (portal.search); kept up to date on save.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    areas: Mapped[list[Area]] = relationship(secondary=company_areas, order_by=Area.position)
    users: Mapped[list["User"]] = relationship(  # noqa: F821
        back_populates="company", foreign_keys="User.company_id"
    )

    @property
    def matching_text(self) -> str:
        return "\n".join(part for part in (self.name, self.description) if part)

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.name!r}>"


@event.listens_for(Company, "before_insert")
@event.listens_for(Company, "before_update")
def _refresh_search_text(mapper, connection, target: Company) -> None:
    target.search_text = search_text(target.name, target.description)
