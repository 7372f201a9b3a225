"""Comment explorer and labelling queue: filters, scope, labels by account, quote approval."""
from __future__ import annotations

from sqlalchemy import select

from tests.pulse.officer.conftest import XSS
from tests.support import csrf_from


def _ids(app):
    from pulse.extensions import db
    from pulse.models import Comment

    with app.app_context():
        return {c.redacted_text: c.id for c in db.session.scalars(select(Comment))}


def test_filters_search_and_pages(auth, client, comments):
    auth.login("viewer", areas=[comments.borough])
    page = client.get("/officer/comments?topic=litter").get_data(as_text=True)
    assert page.count('<li class="comment">') == 4 and "Noisy groups" not in page
    page = client.get("/officer/comments?q=corner+3").get_data(as_text=True)
    assert page.count('<li class="comment">') == 1 and "Rubbish on the corner 3" in page
    page = client.get("/officer/comments?period=2026-10").get_data(as_text=True)
    assert page.count('<li class="comment">') == 4
    page = client.get("/officer/comments?confidence=high").get_data(as_text=True)
    # Confidence 0.4 + 0.03 i reaches 0.8 from the 15th comment.
    assert page.count('<li class="comment">') == 2
    assert "Page 1 of 1" in page and "Label this comment" not in page   # viewers read only
    for bad in ("period=soon", "topic=nope", "confidence=very", "page=x"):
        assert client.get(f"/officer/comments?{bad}").status_code == 400, bad
    assert "RAW-SECRET" not in client.get("/officer/comments").get_data(as_text=True)


def test_scope_of_comments(app, auth, client, comments):
    auth.login("officer", areas=[comments.ward_b])
    page = client.get("/officer/comments").get_data(as_text=True)
    assert "No comments match." in page
    assert client.get(f"/officer/comments?area={comments.ward_a}").status_code == 404
    assert "Nothing to label." in client.get("/officer/labelling").get_data(as_text=True)
    comment_id = next(iter(_ids(app).values()))
    token = csrf_from(client, "/officer/comments")
    for action in ("label", "approve"):
        response = client.post(f"/officer/comments/{comment_id}/{action}",
                               data={"csrf_token": token, "topic": "asb"})
        assert response.status_code == 404, action


def test_xss_escaped_in_explorer_and_queue(auth, client, comments):
    auth.login("analyst", areas=[comments.borough])
    for path in ("/officer/comments", "/officer/labelling", "/officer/comments?q=script"):
        page = client.get(path).get_data(as_text=True)
        assert XSS not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;" in page, path


def test_labelling_queue_least_confident_first_and_who_labelled(app, auth, client, comments):
    from pulse.extensions import db
    from pulse.models import TopicLabel

    auth.login("officer", areas=[comments.borough])
    page = client.get("/officer/labelling").get_data(as_text=True)
    assert page.index(XSS.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")) \
        < page.index("Noisy groups outside the shops 0")
    assert 'data-key="1"' in page and "labelling.js" in page
    ids = _ids(app)
    token = csrf_from(client, "/officer/labelling")
    response = client.post(f"/officer/comments/{ids[XSS]}/label",
                           data={"csrf_token": token, "topic": "litter", "back": "labelling"})
    assert response.status_code == 303 and response.location.endswith("/officer/labelling")
    page = client.get("/officer/labelling").get_data(as_text=True)
    assert "officer@example.org" in page and "Litter &amp; fly-tipping" in page
    # Labelled comments leave the queue; the next least confident is first.
    assert page.index("Noisy groups outside the shops 0") < page.index("Noisy groups outside the shops 1")
    with app.app_context():
        row = db.session.scalar(select(TopicLabel))
        assert row.labelled_by_user_id is not None and row.source == "screen"
    bad = client.post(f"/officer/comments/{ids[XSS]}/label",
                      data={"csrf_token": token, "topic": "nope", "back": "https://evil.example"})
    assert bad.status_code == 303 and bad.location.endswith("/officer/comments")


def test_a_viewer_reads_the_queue_without_instructions_to_label(auth, client, comments):
    auth.login("viewer", areas=[comments.borough])
    page = client.get("/officer/labelling").get_data(as_text=True)
    assert "Noisy groups outside the shops 0" in page       # the queue is there to read
    assert "press the number" not in page and "labelling.js" not in page
    assert 'data-key="1"' not in page
    assert "your role may read the queue" in page


def test_approve_quote_one_click(app, auth, client, comments):
    from pulse.extensions import db
    from pulse.models import Comment

    auth.login("officer", areas=[comments.borough])
    ids = _ids(app)
    comment_id = ids["Rubbish on the corner 0"]
    token = csrf_from(client, "/officer/comments")
    client.post(f"/officer/comments/{comment_id}/approve",
                data={"csrf_token": token, "approved": "1"})
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert comment.quote_approved_at is not None and comment.quote_approved_by is not None
        flagged = db.session.get(Comment, ids["Rubbish on the corner 1"])
        flagged.safeguarding_flag = True
        db.session.commit()
    client.post(f"/officer/comments/{ids['Rubbish on the corner 1']}/approve",
                data={"csrf_token": token, "approved": "1"})
    with app.app_context():
        assert db.session.get(Comment, ids["Rubbish on the corner 1"]).quote_approved_at is None
    client.post(f"/officer/comments/{comment_id}/approve",
                data={"csrf_token": token, "approved": "0"})
    with app.app_context():
        assert db.session.get(Comment, comment_id).quote_approved_at is None


def test_a_page_past_the_last_says_there_is_no_such_page(auth, client, comments):
    """page=99999 is not "No comments match": it says there is no such page and links to the
    last one, keeping the filters."""
    auth.login("viewer", areas=[comments.borough])
    response = client.get("/officer/comments?topic=asb&page=99999")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "No comments match." not in page
    assert "There is no page 99999: the comments that match fill 1 page." in page
    assert '<a href="?topic=asb&amp;page=1">Go to page 1</a>' in page
    assert client.get("/officer/comments?topic=asb&page=1").status_code == 200
    nothing = client.get("/officer/comments?q=nowhere+at+all").get_data(as_text=True)
    assert "No comments match." in nothing and "There is no page" not in nothing


def test_a_period_in_other_digits_is_refused(auth, client, comments):
    """２０２６-10 is not read as 2026-10: the period box takes the forms it names, in ASCII."""
    auth.login("viewer", areas=[comments.borough])
    response = client.get("/officer/comments", query_string={"period": "\uff12\uff10\uff12\uff16-10"})
    assert response.status_code == 400
    assert "is not a period (use 2026-10, 2026-Q4 or R12-2026-10)" in response.get_data(
        as_text=True)


def test_a_page_past_any_database_integer_is_no_such_page(auth, client, comments):
    """A page number past a 64-bit integer (its offset cannot be sent to the database) is a
    page past the last like any other, not a 500."""
    auth.login("viewer", areas=[comments.borough])
    huge = 10 ** 20
    response = client.get(f"/officer/comments?topic=asb&page={huge}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert f"There is no page {huge}: the comments that match fill 1 page." in page
    assert '<a href="?topic=asb&amp;page=1">Go to page 1</a>' in page


def test_an_id_past_any_stored_one_is_404(auth, client, comments):
    """An action or comment id no row can have (past a 64-bit integer) is a 404 like any other
    unknown id, not a 500."""
    from tests.support import csrf_from

    auth.login("officer", areas=[comments.borough])
    token = csrf_from(client, "/officer/comments")
    for path in ("/officer/actions/{}", "/officer/comments/{}/label",
                 "/officer/comments/{}/approve"):
        for number in (2 ** 31, 10 ** 20):
            response = client.post(path.format(number), data={
                "csrf_token": token, "topic": "asb", "status": "done", "page": comments.borough})
            assert response.status_code == 404, (path, number)
