"""A judgement of a match: relevant or not, with an optional comment.

Pages only (no API yet): the feedback form and the feedback service read these limits and
choices; ``FeedbackSchema`` states them for a future API.
"""


from portal.services.schemas.base import Strict, Text, choice

VERDICTS = ("relevant", "not_relevant")
COMMENT_MAX_LENGTH = 1000


class FeedbackSchema(Strict):
    verdict = choice(VERDICTS, required=True)
    comment = Text(allow_none=True, max_length=COMMENT_MAX_LENGTH)
