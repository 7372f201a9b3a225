"""The rows of each export, read in batches through a server-side cursor, never all at once.

Each source gives its header, a COUNT for the audit row (taken before a streamed body starts)
and a generator of plain tuples: numbers as numbers, empty cells as None, timestamps as naive
UTC datetimes. Resident text is the redacted text only; the writers neutralise formulas.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import Select, func, select

from ..estimates import reasons
from ..estimates.queries import EXPORT_COLUMNS
from ..extensions import db
from ..models import (Answer, Area, Comment, Estimate, Instrument, InstrumentVersion, Question,
                      Response, Topic, TopicPrediction)
from . import estimates_csv
from .filters import ExportFilter
from .rounding import rounded
from .writers import Tally

#: Rows fetched per round trip; the only rows held in memory at any time.
BATCH = 2000


@dataclass(frozen=True)
class Source:
    columns: Callable[[ExportFilter], tuple[str, ...]]
    count: Callable[[ExportFilter], int]
    # Called with the header ``columns`` gave, so the body always matches it.
    rows: Callable[[ExportFilter, tuple[str, ...]], Iterator[tuple]]
    # The whole CSV (header included) as bytes, made by the database, where a source has it:
    # the same cells as ``rows`` through the CSV writer, without a Python object per row.
    csv: Callable[[ExportFilter, Tally], Iterator[bytes]] | None = None


def _stream(stmt: Select):
    # Core execution on the session's connection: plain rows, none of the ORM's per-row work.
    return db.session.connection().execute(
        stmt.execution_options(yield_per=BATCH, stream_results=True))


def _count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _naive(at):
    # Whole seconds, naive UTC: XLSX has no time zones, and CSV then reads "2026-10-15 09:30:05".
    return None if at is None else at.replace(tzinfo=None, microsecond=0)


# --- estimates ------------------------------------------------------------------------------

def _estimates(f: ExportFilter) -> Select:
    stmt = (select(Area.code, Estimate.period, Estimate.measure, Estimate.group_label, Estimate.n,
                   Estimate.effective_n, Estimate.estimate, Estimate.ci_low, Estimate.ci_high,
                   Estimate.suppressed, Estimate.suppressed_reason, Estimate.change,
                   Estimate.change_significant, Estimate.modelled_estimate)
            .join(Area, Area.id == Estimate.area_id)
            .where(*f.estimate_clauses(Estimate.area_id, Estimate.period, Estimate.period_end)))
    return stmt


def estimate_rows(f: ExportFilter, columns: tuple[str, ...] = ()) -> Iterator[tuple]:
    """The estimates export (columns as ``estimates export`` always had); suppressed cells empty."""
    # The unique key's order, so the database reads the index instead of sorting every row
    # (sorting 500,000 estimates cost more than writing them).
    stmt = _estimates(f).order_by(Estimate.area_id, Estimate.period, Estimate.measure,
                                  Estimate.group_label)
    primary = reasons.primary()   # names the configured minimum, as the database's CSV does
    for (code, period, measure, group, n, eff, est, low, high, suppressed, reason, change,
         significant, modelled) in _stream(stmt):
        if suppressed:
            # Whatever is stored, a suppressed cell leaves with its reason and no figure.
            yield (code, period, measure, group, None, None, None, None, None, primary,
                   None, None, None)
            continue
        yield (code, period, measure, group, n, rounded(eff, 1), rounded(est, 2),
               rounded(low, 2), rounded(high, 2), "count withheld" if reason else "no",
               rounded(change, 2),
               None if change is None else
               ("significant" if significant else "no significant change"),
               rounded(modelled, 2))


ESTIMATES = Source(columns=lambda f: EXPORT_COLUMNS,
                   count=lambda f: _count(_estimates(f)), rows=estimate_rows,
                   csv=estimates_csv.chunks)


# --- comments -------------------------------------------------------------------------------

COMMENT_COLUMNS = ("area_code", "submitted_at", "question", "redacted_text", "topic",
                   "topic_label", "confidence", "secondary_topics", "needs_review")


def _time(stmt: Select, column, f: ExportFilter) -> Select:
    start, end = f.time_bounds()
    if start is not None:
        stmt = stmt.where(column >= start)
    if end is not None:
        stmt = stmt.where(column < end)
    return stmt


def _comments(f: ExportFilter) -> Select:
    stmt = (select(Area.code, Comment.submitted_at, Question.code, Comment.redacted_text,
                   Topic.code, Topic.label, TopicPrediction.confidence,
                   TopicPrediction.secondary_topics, TopicPrediction.needs_review)
            .join(Area, Area.id == Comment.area_id)
            .join(Question, Question.id == Comment.question_id)
            .outerjoin(TopicPrediction, TopicPrediction.comment_id == Comment.id)
            .outerjoin(Topic, Topic.id == TopicPrediction.topic_id)
            .where(f.area_clause(Comment.area_id)))
    return _time(stmt, Comment.submitted_at, f)


def comment_rows(f: ExportFilter, columns: tuple[str, ...] = ()) -> Iterator[tuple]:
    """Redacted text only (never ``raw_text``), with the live model's topic and confidence."""
    stmt = _comments(f).order_by(Comment.submitted_at, Comment.id)
    for code, at, question, text, topic, label, confidence, secondary, review in _stream(stmt):
        yield (code, _naive(at), question, text, topic, label, rounded(confidence, 3),
               " ".join(secondary or ()) or None,
               None if review is None else ("yes" if review else "no"))


COMMENTS = Source(columns=lambda f: COMMENT_COLUMNS,
                  count=lambda f: _count(_comments(f)), rows=comment_rows)


# --- responses ------------------------------------------------------------------------------

RESPONSE_COLUMNS = ("area_code", "submitted_at", "channel", "language", "instrument",
                    "age_band", "sex", "ethnicity")
DONT_KNOW = "dk"


def _responses(f: ExportFilter) -> Select:
    # No id, device hash, submission key or wave: nothing that links a row to an access code
    # or to a device. Excluded responses stay out, as they do from every estimate.
    stmt = (select(Response.id, Area.code, Response.submitted_at, Response.channel,
                   Response.language, Response.version_id, Response.age_band, Response.sex,
                   Response.ethnicity)
            .join(Area, Area.id == Response.area_id)
            .where(Response.excluded.is_(False), f.area_clause(Response.area_id)))
    return _time(stmt, Response.submitted_at, f)


def question_codes(f: ExportFilter) -> list[str]:
    """Scale questions of the versions the responses answered, in form order.

    Free-text questions are left out on purpose: even redacted, a resident's words beside
    their area, age band, sex, ethnicity and time could identify them. Analysts read the text
    in the comments export, which carries none of those.
    """
    versions = _responses(f).with_only_columns(Response.version_id).distinct()
    rows = db.session.execute(
        select(Question.code, func.min(Question.position))
        .where(Question.version_id.in_(versions), Question.kind == "scale",
               Question.demographic.is_(False))
        .group_by(Question.code).order_by(func.min(Question.position), Question.code))
    return [code for code, _ in rows]


def response_rows(f: ExportFilter, columns: tuple[str, ...] = ()) -> Iterator[tuple]:
    """One row per response: its facts, then an answer per question code ("dk", or empty)."""
    codes = list(columns[len(RESPONSE_COLUMNS):]) if columns else question_codes(f)
    position = {code: i for i, code in enumerate(codes)}
    instruments = {vid: f"{code} v{n}" for vid, code, n in db.session.execute(
        select(InstrumentVersion.id, Instrument.code, InstrumentVersion.version)
        .join(Instrument, Instrument.id == InstrumentVersion.instrument_id))}
    # Question ids (of every version) to the column of their code, so answers need no join.
    slot = {qid: position[code] for qid, code in db.session.execute(
        select(Question.id, Question.code).where(Question.code.in_(codes),
                                                 Question.kind == "scale"))}
    # Filtered by response only: a question_id condition lets SQLite pick that index and read
    # every answer to the question. Free-text answers are skipped below, never written.
    answers = select(Answer.response_id, Answer.question_id, Answer.value, Answer.dont_know)
    stmt = _responses(f).order_by(Response.id)
    for batch in _stream(stmt).partitions():
        # The answers of one batch in one query: 10 answers a response would be 10x the rows
        # through the cursor if joined, and a join sorted by response costs PostgreSQL a sort.
        ids = [r[0] for r in batch]
        cells: dict[int, list] = {rid: [None] * len(codes) for rid in ids}
        for rid, qid, value, dont_know in db.session.connection().execute(
                answers.where(Answer.response_id.in_(ids))).all():
            i = slot.get(qid)
            if i is not None:
                cells[rid][i] = DONT_KNOW if dont_know else value
        for rid, code, at, channel, language, vid, age, sex, ethnicity in batch:
            yield (code, _naive(at), channel, language, instruments.get(vid), age, sex,
                   ethnicity, *cells[rid])


def _response_columns(f: ExportFilter) -> tuple[str, ...]:
    return RESPONSE_COLUMNS + tuple(question_codes(f))


RESPONSES = Source(columns=_response_columns, count=lambda f: _count(_responses(f)),
                   rows=response_rows)

SOURCES = {"estimates": ESTIMATES, "comments": COMMENTS, "responses": RESPONSES}
