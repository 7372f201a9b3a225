"""The rebuild's COPY data, read back by a plain decoder of PostgreSQL's binary format, is
exactly the reference rows (``store.rows_of``); and the read-ahead thread keeps order and
hands errors over. The database round trip is in test_bulk_path (on PostgreSQL)."""
import struct
from datetime import UTC, datetime, timedelta

import pytest

from tests.pulse.estimates.support import add_margins, add_responses, make_tree

NOW = datetime(2026, 4, 2, 9, 30, 15, 250, tzinfo=UTC)
MONTHS = [(2025, 12), (2026, 1), (2026, 2)]


def _decode(data: bytes, kinds: list[str]) -> list[tuple]:
    """Rows of binary COPY data, field by field (independent of the numpy layout)."""
    assert data.startswith(b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8)
    at, rows = 19, []
    while True:
        (count,) = struct.unpack_from(">h", data, at)
        at += 2
        if count == -1:
            assert at == len(data)
            return rows
        assert count == len(kinds)
        row = []
        for kind in kinds:
            (size,) = struct.unpack_from(">i", data, at)
            at += 4
            if size == -1:
                row.append(None)
                continue
            raw = data[at:at + size]
            at += size
            if kind == ">i4":
                row.append(struct.unpack(">i", raw)[0])
            elif kind == ">f8":
                row.append(struct.unpack(">d", raw)[0])
            elif kind == "u1":
                row.append(raw == b"\x01")
            elif kind == ">i8":
                row.append(datetime(2000, 1, 1) + timedelta(microseconds=struct.unpack(">q", raw)[0]))
            else:
                row.append(raw.decode())
        rows.append(tuple(row))


def test_copy_data_is_the_reference_rows(app, monkeypatch):
    from analysis.aggregate import Prepared, compute_all
    from analysis.periods import all_periods
    from pulse.estimates import binary_rows, rebuild, store
    from pulse.estimates.loading import data_months, load_context, load_responses

    # Small chunks, so rows cross chunk boundaries and ids carry on across them.
    monkeypatch.setattr(binary_rows, "_CHUNK", 97)
    with app.app_context():
        make_tree()
        add_margins()
        add_responses(400, MONTHS, seed=5)
        ctx = load_context()
        tables = compute_all(Prepared(load_responses(ctx), ctx.tree, ctx.measures),
                             all_periods(*data_months()), ctx.targets, 10)
        data = b"".join(binary_rows.chunks(store.staged(tables, ctx),
                                           rebuild.copy_labels(tables, ctx), 41, NOW))
        expected = [row for t in tables for row in store.rows_of(t, ctx, NOW)]
    rows = _decode(data, [kind for _, kind in binary_rows.COLUMNS])
    names = [name for name, _ in binary_rows.COLUMNS]
    assert names[1:] == list(store.COLUMNS)
    assert [r[0] for r in rows] == list(range(41, 41 + len(expected)))
    assert [r[1:] for r in rows] == expected
    # The data has what the test is about: NULLs, both reasons, changes both ways.
    assert any(r[names.index("estimate")] is None for r in rows)
    assert {r[names.index("suppressed_reason")] for r in rows} >= {None, "fewer than 10 responses"}
    assert {r[names.index("change_significant")] for r in rows} >= {None, False}
    assert len(rows) > 3 * 97


def test_ahead_keeps_order_and_hands_errors_over():
    from pulse.estimates.binary_rows import ahead

    assert list(ahead(iter(range(50)))) == list(range(50))

    def failing():
        yield 1
        raise ValueError("made up")

    with pytest.raises(ValueError, match="made up"):
        list(ahead(failing()))

    # A consumer that stops early stops the producer too (no thread left waiting).
    made = []

    def endless():
        for i in range(10_000):
            made.append(i)
            yield i

    got = ahead(endless(), depth=2)
    assert next(got) == 0
    got.close()
    assert len(made) < 10
