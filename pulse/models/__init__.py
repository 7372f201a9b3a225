"""Database models, one module per aggregate."""
from .access_code import AccessCode
from .api_token import ApiToken
from .area import Area, PopulationMargin
from .audit import AuditEvent
from .comment import Comment, TopicLabel, TopicPrediction
from .estimate import DirtyCell, Estimate, MonthStats
from .export_run import ExportRun
from .job import JobLock, JobRun
from .instrument import Instrument, InstrumentVersion, Question
from .pack import PackRun, PackSubscription
from .priority import ACTION_STATUSES, Action, PriorityDecision
from .response import CHANNELS, Answer, Response
from .review import ResponseReview
from .topic import TextModel, Topic
from .user import LoginSession, LoginThrottle, PasswordReset, User, UserArea
from .wave import Wave

__all__ = [
    "Area", "PopulationMargin", "Instrument", "InstrumentVersion", "Question",
    "Wave", "Response", "Answer", "CHANNELS", "AccessCode", "ResponseReview",
    "User", "UserArea", "LoginSession", "LoginThrottle", "PasswordReset",
    "Estimate", "DirtyCell", "MonthStats", "JobRun", "JobLock",
    "Comment", "TopicPrediction", "TopicLabel", "Topic", "TextModel",
    "Action", "PriorityDecision", "ACTION_STATUSES",
    "AuditEvent", "ApiToken", "PackRun", "PackSubscription", "ExportRun",
]
