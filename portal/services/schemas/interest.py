"""An expression of interest: the SME's pitch and the challenge owner's verdict on it.

Pages only (no API yet): the interest form and the interests service read these limits and
choices; ``InterestSchema`` states them for a future API.
"""


from portal.models.enums import InterestStatus
from portal.services.schemas.base import Strict, Text, choice

PITCH_MIN_LENGTH = 20
PITCH_MAX_LENGTH = 2000
STATUSES = tuple(InterestStatus)


class InterestSchema(Strict):
    pitch = Text(required=True, blank=False, min_length=PITCH_MIN_LENGTH,
                 max_length=PITCH_MAX_LENGTH)
    status = choice(STATUSES, dump_only=True)
