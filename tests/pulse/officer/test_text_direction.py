"""Free text is shown inside an element that isolates its direction: a right-to-left mark or
override left unclosed in an action's words or a comment cannot flip the rest of the line."""
from __future__ import annotations

from tests.pulse.officer.test_priorities import AHEAD, _post

#: Right-to-left override, never closed, then Arabic: direction that would leak past the text.
WORDS = "\u202eEvening patrols by the shops \u0645\u0631\u062d\u0628\u0627"


def test_public_actions_words_are_isolated(auth, client, comments, priority_comments):
    auth.login("officer", areas=[comments.borough])
    reply = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                           "owner": "Sgt Patel", "due": AHEAD, "public": "1",
                           "public_text": WORDS})
    assert reply.status_code == 303, reply.get_data(as_text=True)[-1500:]
    page = client.get(f"/s/{comments.ward_a}/you-said-we-did").get_data(as_text=True)
    assert f'<span dir="auto">{WORDS}</span>' in page
    assert '<strong dir="auto">Antisocial behaviour</strong>' in page


def test_comments_are_isolated_on_staff_pages(auth, client, comments):
    auth.login("officer", areas=[comments.borough])
    for path in ("/officer/comments?q=corner+0", "/officer/labelling"):
        page = client.get(path).get_data(as_text=True)
        assert '<blockquote dir="auto">' in page and "<blockquote>" not in page, path
