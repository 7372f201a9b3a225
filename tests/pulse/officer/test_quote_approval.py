"""Approving a resident's words for publication is an explicit choice: approved=1 or 0."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support import csrf_from


def _approval(app, text):
    from pulse.extensions import db
    from pulse.models import Comment

    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.redacted_text == text))
        return comment.id, comment.quote_approved_at, comment.quote_approved_by


@pytest.mark.parametrize("fields", [
    {}, {"approved": ""}, {"approved": "yes"}, {"approved": "true"}, {"approved": " 1"},
    {"approved": "\uff11"}, {"approved": "2"},
])
def test_an_approval_without_an_explicit_0_or_1_is_refused_and_saves_nothing(
        app, auth, client, comments, fields):
    auth.login("officer", areas=[comments.borough])
    comment_id, *before = _approval(app, "Rubbish on the corner 0")
    assert before == [None, None]
    token = csrf_from(client, "/officer/comments")
    response = client.post(f"/officer/comments/{comment_id}/approve",
                           data={"csrf_token": token, "back": "labelling", **fields})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page and "approved=1" in page and "approved=0" in page
    assert '<a class="go" href="/officer/labelling">Back to the comments</a>' in page
    assert _approval(app, "Rubbish on the corner 0")[1:] == (None, None)


def test_a_refused_withdrawal_leaves_the_approval_standing(app, auth, client, comments):
    auth.login("officer", areas=[comments.borough])
    comment_id, *_ = _approval(app, "Rubbish on the corner 1")
    token = csrf_from(client, "/officer/comments")
    approve = f"/officer/comments/{comment_id}/approve"
    assert client.post(approve, data={"csrf_token": token, "approved": "1"}).status_code == 303
    approved = _approval(app, "Rubbish on the corner 1")[1:]
    assert None not in approved
    assert client.post(approve, data={"csrf_token": token}).status_code == 400
    assert _approval(app, "Rubbish on the corner 1")[1:] == approved
    assert client.post(approve, data={"csrf_token": token, "approved": "0"}).status_code == 303
    assert _approval(app, "Rubbish on the corner 1")[1:] == (None, None)
