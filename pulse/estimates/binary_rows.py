"""Whole estimate rows in PostgreSQL's binary COPY format, made by numpy.

A full rebuild on PostgreSQL copies its rows straight into the just emptied estimate table
instead of staging them and turning them into rows with an ``INSERT ... SELECT``: the
staging table's own COPY, the joins to the label tables and a sequence call per row all go,
and COPY writes the heap several rows to a WAL record instead of one.

Rows of the binary format vary in length (text fields; a NULL is a length of -1 and no
value), so each chunk of rows is first laid out at its widest, every field at a fixed
place, and a byte mask then keeps the bytes each row really has, in row order.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime

import numpy as np

from analysis import suppression

from . import reasons

# Binary COPY: signature, flags (none) and header extension length (none); and the trailer.
HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
TRAILER = b"\xff\xff"
_EPOCH = datetime(2000, 1, 1)            # PostgreSQL's timestamp zero
_CHUNK = 100_000                         # rows laid out at once: some tens of MB

# The estimate table's columns in COPY order and how each is written: the staging field
# (see store._STAGE) or lookup it comes from.
_INT, _FLOAT, _BOOL, _TEXT, _TIME = ">i4", ">f8", "u1", "text", ">i8"
COLUMNS = (("id", _INT), ("area_id", _INT), ("period", _TEXT), ("period_kind", _TEXT),
           ("period_end", _INT), ("measure", _TEXT), ("group_label", _TEXT), ("unit", _TEXT),
           ("n", _INT), ("effective_n", _FLOAT), ("estimate", _FLOAT),
           ("std_error", _FLOAT), ("ci_low", _FLOAT), ("ci_high", _FLOAT),
           ("suppressed", _BOOL), ("suppressed_reason", _TEXT), ("weighted", _BOOL),
           ("change", _FLOAT), ("change_significant", _BOOL), ("modelled_estimate", _FLOAT),
           ("computed_at", _TIME))
_FLOATS = {"effective_n": "n_eff", "estimate": "est", "std_error": "se", "ci_low": "lo",
           "ci_high": "hi", "change": "chg", "modelled_estimate": "modelled"}


def chunks(staged: np.ndarray, labels: dict[str, list], first_id: int,
           computed_at: datetime) -> Iterator[bytes]:
    """The COPY data (header and trailer included) of the rows of ``staged`` (plain staging
    columns), in order, with ids counting up from ``first_id``.

    ``labels`` gives each lookup index its value: ``period``, ``period_kind`` and
    ``period_end`` by period index, ``measure`` and ``unit`` by measure index,
    ``group_label`` by group index.
    """
    # The primary reason names the configured minimum, the one the aggregation ran with.
    # Read here, in the caller's application context: the data is made in :func:`ahead`'s
    # thread, which has none.
    said = [reasons.words(r) for r in range(max(suppression.REASONS) + 1)]
    return _chunks(staged, labels, said, first_id, computed_at)


def _chunks(staged: np.ndarray, labels: dict[str, list], said: list[str | None],
            first_id: int, computed_at: datetime) -> Iterator[bytes]:
    texts = {name: _lookup(values) for name, values in
             {**labels, "suppressed_reason": said}.items() if name != "period_end"}
    period_end = np.asarray(labels["period_end"], dtype=np.int32)
    at = computed_at.replace(tzinfo=None) - _EPOCH
    micros = (at.days * 86_400 + at.seconds) * 1_000_000 + at.microseconds
    dtype = np.dtype([("count", ">i2")] + [
        f for name, kind in COLUMNS
        for f in ((name + "_len", ">i4"),
                  (name, texts[name][0].dtype if kind == _TEXT else kind))])
    yield HEADER
    for start in range(0, len(staged), _CHUNK):
        yield _encode(staged[start:start + _CHUNK], dtype, texts, period_end, micros,
                      first_id + start)
    yield TRAILER


def _lookup(values: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Each index's UTF-8 bytes (padded to the longest) and length, -1 for NULL."""
    raw = [None if v is None else str(v).encode() for v in values]
    width = max([len(b) for b in raw if b is not None] + [1])
    return (np.array([b or b"" for b in raw], dtype=f"S{width}"),
            np.array([-1 if b is None else len(b) for b in raw], dtype=np.int32))


def _encode(rows: np.ndarray, dtype: np.dtype, texts: dict, period_end: np.ndarray,
            micros: int, first_id: int) -> bytes:
    n = len(rows)
    out = np.empty(n, dtype=dtype)
    out["count"] = len(COLUMNS)
    index = {"period": rows["p"], "period_kind": rows["p"], "measure": rows["m"],
             "unit": rows["m"], "group_label": rows["g"], "suppressed_reason": rows["reason"]}
    for name, values in (("id", np.arange(first_id, first_id + n)),
                         ("area_id", rows["area_id"]), ("period_end", period_end[rows["p"]]),
                         ("suppressed", rows["reason"] == suppression.PRIMARY),
                         ("weighted", rows["weighted"]), ("computed_at", micros)):
        out[name + "_len"] = out.dtype[name].itemsize
        out[name] = values
    for name, at in index.items():
        padded, length = texts[name]
        out[name + "_len"] = length[at]
        out[name] = padded[at]
    for name, field in _FLOATS.items():
        out[name + "_len"] = np.where(np.isnan(rows[field]), -1, 8)
        out[name] = rows[field]
    null_n = np.isnan(rows["n"])
    out["n_len"] = np.where(null_n, -1, 4)
    out["n"] = np.where(null_n, 0, rows["n"])
    out["change_significant_len"] = np.where(rows["sig"] < 0, -1, 1)
    out["change_significant"] = rows["sig"] > 0
    # Keep, of each row's widest layout, the bytes it has: all of a fixed-width field, the
    # length of a text field's value, none of a NULL's.
    keep = np.ones((n, dtype.itemsize), dtype=bool)
    for name, kind in COLUMNS:
        if kind == _TEXT or name in _FLOATS or name in ("n", "change_significant"):
            start, width = dtype.fields[name][1], dtype[name].itemsize
            keep[:, start:start + width] = (np.arange(width)
                                            < out[name + "_len"].astype(np.int32)[:, None])
    return out.view(np.uint8).reshape(n, dtype.itemsize)[keep].tobytes()


def ahead(items: Iterable[bytes], depth: int = 2) -> Iterator[bytes]:
    """``items``, made in a thread up to ``depth`` ahead of the consumer.

    The server parses and stores one chunk while the next is laid out here (numpy lets go
    of the interpreter lock for its loops); at most ``depth`` chunks wait in memory.
    """
    done = object()
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(done)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, raised there
            put(error)

    worker = threading.Thread(target=make, daemon=True)
    worker.start()
    try:
        while (item := waiting.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()
