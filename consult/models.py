"""Every model of every area, imported together so the metadata (and Alembic) sees all."""

from consult.api.models import ApiToken
from consult.audit.models import AuditEvent
from consult.auth.models import RecoveryCode, User
from consult.comments.models import Comment, Endorsement
from consult.drafts.models import Consultation, Paragraph, Version
from consult.moderation.models import (
    DismissedSuggestion,
    Merge,
    MergeMember,
    ModeratorRemark,
    Report,
)
from consult.notifications.models import Notification
from consult.revisions.models import RevisionChange

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Comment",
    "Consultation",
    "DismissedSuggestion",
    "Endorsement",
    "Merge",
    "MergeMember",
    "ModeratorRemark",
    "Notification",
    "Paragraph",
    "RecoveryCode",
    "Report",
    "RevisionChange",
    "User",
    "Version",
]
