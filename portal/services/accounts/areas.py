"""The technology-area taxonomy, as administrators extend it."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import Area, User
from portal.services import audit
from portal.services.accounts.errors import AccountError

AREA_KINDS: tuple[str, ...] = ("priority", "emerging")


def slugify(name: str) -> str:
    """URL-safe slug: lower-case ASCII words joined by hyphens."""
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})
    slug = re.sub(r"[^a-z0-9]+", "-", name.translate(table).lower()).strip("-")
    return slug[:64] or "area"


AREA_TRANSLATIONS = ("name_nb", "name_nn", "description_nb", "description_nn")


def add_area(session: Session, admin: User, *, name: str, kind: str, description: str,
             related_ids: list[int] | None = None,
             translations: dict[str, str | None] | None = None) -> Area:
    """Add a technology area to the taxonomy, linked to areas of the other kind.

    Args:
        session: the database session (not committed here).
        admin: the administrator adding it.
        name: unique display name.
        kind: "priority" or "emerging".
        description: a few sentences; the matcher uses them to suggest areas.
        related_ids: ids of areas of the other kind (the crosswalk).
        translations: ``name_nb``, ``name_nn``, ``description_nb``, ``description_nn``; empty
            ones are stored as None (pages then show the English).

    Returns:
        The new area, flushed.

    Raises:
        AccountError: duplicate name, unknown kind, or related areas of the same kind.
    """
    name = " ".join(name.split())
    if kind not in AREA_KINDS:
        raise AccountError(_l("Choose priority area or emerging technology."), "kind")
    if session.scalar(select(Area.id).where(func.lower(Area.name) == name.lower())):
        raise AccountError(_l("An area with this name already exists."), "name")
    slug = base = slugify(name)
    n = 2
    while session.scalar(select(Area.id).where(Area.slug == slug)) is not None:
        slug = f"{base[:60]}-{n}"
        n += 1
    related = list(session.scalars(select(Area).where(Area.id.in_(related_ids or []))))
    if any(area.kind == kind for area in related):
        raise AccountError(_l("Related areas must be of the other kind."), "related")
    position = (session.scalar(select(func.max(Area.position)).where(Area.kind == kind)) or 0) + 1
    area = Area(slug=slug, name=name, kind=kind, description=description.strip(),
                position=position)
    for key in AREA_TRANSLATIONS:
        value = ((translations or {}).get(key) or "").strip()
        setattr(area, key, value or None)
    if kind == "emerging":
        area.related_priorities = related
    else:
        area.related_emerging = related
    session.add(area)
    session.flush()
    audit.record(session, "add_area", actor=admin, target=area,
                 details={"name": name, "kind": kind, "related": [a.slug for a in related]})
    return area
