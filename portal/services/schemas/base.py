"""Field types and the base class shared by every resource schema.

JSON input is taken as it is typed: a number is never read from a string, a boolean never from
``"yes"``, and a text is checked as sent (the web forms count the same characters) and stored
stripped.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from portal.services.validation import TRL_MAX, TRL_MIN


class Output(Schema):
    """Output (and parameters): the document does not forbid fields a later version adds."""

    class Meta:
        unknown = EXCLUDE


class Strict(Schema):
    """Input schema: unknown or read-only fields are refused, never ignored."""

    class Meta:
        unknown = RAISE


class Length(validate.Length):
    """Length in characters, with messages that read after the field's name."""

    message_min = "must be at least {min} characters."
    message_max = "must be at most {max} characters."
    message_all = "must be {min} to {max} characters."


class Text(fields.String):
    """A string checked as sent (length and, when ``blank`` is False, not only spaces) and
    loaded stripped."""

    def __init__(self, *, min_length: int | None = None, max_length: int | None = None,
                 blank: bool = True, **kwargs: Any) -> None:
        if not blank and min_length is None:
            min_length = 1
        validators = [Length(min=min_length, max=max_length)]
        super().__init__(validate=validators, **kwargs)
        self.blank = blank

    def _deserialize(self, value: Any, attr: str | None,
                     data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not self.blank and not text.strip():
            raise ValidationError("must not be empty.")
        return text

    def deserialize(self, value: Any, attr: str | None = None,
                    data: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        # Validators see the text as sent; the loaded value is stripped.
        loaded = super().deserialize(value, attr, data, **kwargs)
        return loaded.strip() if isinstance(loaded, str) else loaded


class WholeNumber(fields.Integer):
    """An integer that is a JSON number (never a string or a boolean)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None,
                     data: Mapping[str, Any] | None, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise ValidationError("must be a whole number.")
        return int(super()._deserialize(value, attr, data, **kwargs))


class Flag(fields.Boolean):
    """``true`` or ``false`` only."""

    def _deserialize(self, value: Any, attr: str | None,
                     data: Mapping[str, Any] | None, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("must be true or false.")
        return value


class IsoDate(fields.Date):
    """A date as ``YYYY-MM-DD`` (a JSON string)."""

    def _deserialize(self, value: Any, attr: str | None,
                     data: Mapping[str, Any] | None, **kwargs: Any) -> date:
        if not isinstance(value, str):
            raise ValidationError("must be an ISO date (YYYY-MM-DD).")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValidationError("must be an ISO date (YYYY-MM-DD).") from None


def trl(**kwargs: Any) -> WholeNumber:
    """A Technology Readiness Level, 1 to 9."""
    return WholeNumber(validate=validate.Range(min=TRL_MIN, max=TRL_MAX), **kwargs)


def choice(values: Any, **kwargs: Any) -> fields.String:
    """A string from a closed vocabulary (an enum class or a list of strings)."""
    return fields.String(validate=validate.OneOf([str(v) for v in values]), **kwargs)


def slugs(**kwargs: Any) -> fields.List[str]:
    """A list of technology area slugs (see /taxonomy)."""
    return fields.List(fields.String(), **kwargs)


def first_error(schema: Schema, errors: Mapping[str, Any]) -> tuple[str, str]:
    """The first problem of a failed load as ``(field, message)``: unknown fields first, then
    the fields in the order the schema declares them, then rules over several fields."""
    declared = list(schema.fields)
    unknown = sorted(name for name in errors if name not in declared and name != "_schema")
    if unknown:
        return unknown[0], f"Unknown or read-only field(s): {', '.join(unknown)}."
    for name in declared:
        if name in errors:
            text = _text(errors[name])
            return name, f"{name} {text}" if text.startswith(("is ", "must ")) \
                else f"{name}: {text}"
    field, message = _text(errors.get("_schema", "invalid.")).partition(": ")[::2]
    return (field, f"{field}: {message}") if message else ("", field)


def _text(error: Any) -> str:
    while isinstance(error, (list, dict)):
        if not error:
            return "invalid."
        error = error[0] if isinstance(error, list) else next(iter(error.values()))
    message = str(error)
    if message == "Missing data for required field.":
        return "is required."
    return message[:1].lower() + message[1:]
