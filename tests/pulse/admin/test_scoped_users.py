"""An admin linked to areas manages only accounts whose every area lies in their scope."""
from __future__ import annotations

from tests.support import csrf_from, make_user

SCOPED = "bellingham.admin@example.org"


def _setup(app, auth, tree) -> dict[str, int]:
    """Accounts inside, partly inside and outside Bellingham; the scoped admin signed in."""
    ids = {}
    with app.app_context():
        ids["inside"] = make_user("north.officer@example.org", "officer", [tree.ward_a_child])
        ids["helper"] = make_user("bel.analyst@example.org", "analyst", [tree.ward_a])
        ids["straddles"] = make_user("two.wards@example.org", "officer", [tree.ward_a, tree.ward_b])
        ids["outside"] = make_user("peckham@example.org", "viewer", [tree.other_ward])
        ids["everything"] = make_user("chief@example.org", "admin")
    auth.login("admin", areas=[tree.ward_a], email=SCOPED)
    return ids


def _user(app, user_id):
    from pulse.auth.queries import user_by_id

    with app.app_context():
        user = user_by_id(user_id)
        return user.role, sorted(a.code for a in user.areas), user.disabled_at


def test_lists_only_accounts_wholly_inside_their_areas(app, client, auth, tree):
    _setup(app, auth, tree)
    page = client.get("/admin/users/").get_data(as_text=True)
    for shown in ("north.officer@", "bel.analyst@", SCOPED):
        assert shown in page
    for hidden in ("two.wards@", "peckham@", "chief@"):
        assert hidden not in page


def test_accounts_outside_are_404_for_every_action(app, client, auth, tree):
    ids = _setup(app, auth, tree)
    token = csrf_from(client, "/admin/users/")
    for key in ("straddles", "outside", "everything"):
        uid = ids[key]
        before = _user(app, uid)
        assert client.get(f"/admin/users/{uid}").status_code == 404
        assert client.post(f"/admin/users/{uid}", data={
            "csrf_token": token, "role": "viewer", "areas": tree.ward_a}).status_code == 404
        for action in ("disable", "enable", "reset"):
            assert client.post(f"/admin/users/{uid}/{action}",
                               data={"csrf_token": token}).status_code == 404
        assert _user(app, uid) == before


def test_cannot_grant_areas_outside_scope_nor_make_an_unscoped_admin(app, client, auth, tree):
    from pulse.auth.queries import user_by_email

    ids = _setup(app, auth, tree)
    token = csrf_from(client, "/admin/users/new")
    wider = client.post("/admin/users/new", data={
        "csrf_token": token, "email": "new@example.org", "role": "officer",
        "areas": f"{tree.ward_a_child} {tree.ward_b} {tree.other_ward}"})
    text = wider.get_data(as_text=True)
    assert wider.status_code == 422
    assert f"{tree.ward_b}, {tree.other_ward} outside your areas" in text
    unscoped = client.post("/admin/users/new", data={
        "csrf_token": token, "email": "new@example.org", "role": "admin", "areas": ""})
    assert unscoped.status_code == 422
    assert "Give this admin at least one of your areas" in unscoped.get_data(as_text=True)
    with app.app_context():
        assert user_by_email("new@example.org") is None

    # Editing: neither widening someone's areas nor turning them into an admin of everything.
    uid = ids["inside"]
    widen = client.post(f"/admin/users/{uid}", data={
        "csrf_token": token, "role": "officer", "areas": f"{tree.ward_a} {tree.borough}"})
    assert widen.status_code == 422 and "outside your areas" in widen.get_data(as_text=True)
    promote = client.post(f"/admin/users/{uid}", data={
        "csrf_token": token, "role": "admin", "areas": ""})
    assert promote.status_code == 422
    assert "Give this admin at least one of your areas" in promote.get_data(as_text=True)
    # Nor themselves: clearing their own areas would make them an admin of every area.
    own = _user_id(app, SCOPED)
    clear = client.post(f"/admin/users/{own}", data={"csrf_token": token, "role": "admin",
                                                     "areas": ""})
    assert clear.status_code == 422
    assert _user(app, own)[1] == [tree.ward_a]
    assert _user(app, uid)[:2] == ("officer", [tree.ward_a_child])


def test_manages_accounts_inside_their_areas(app, client, auth, tree):
    from pulse.auth.queries import user_by_email

    ids = _setup(app, auth, tree)
    token = csrf_from(client, "/admin/users/new")
    made = client.post("/admin/users/new", data={
        "csrf_token": token, "email": "deputy@example.org", "role": "admin",
        "areas": tree.ward_a_child})
    assert made.status_code == 200 and "reset?token=" in made.get_data(as_text=True)
    with app.app_context():
        deputy = user_by_email("deputy@example.org")
        assert deputy.role == "admin" and not deputy.sees_all_areas
    uid = ids["inside"]
    assert client.post(f"/admin/users/{uid}", data={
        "csrf_token": token, "role": "analyst", "areas": tree.ward_a}).status_code == 302
    assert _user(app, uid)[:2] == ("analyst", [tree.ward_a])
    assert client.post(f"/admin/users/{uid}/disable",
                       data={"csrf_token": token}).status_code == 302
    assert _user(app, uid)[2] is not None


def test_admin_without_areas_still_manages_everyone(app, client, auth, tree):
    ids = _setup(app, auth, tree)
    auth.logout()
    auth.login("admin", email="chief@example.org")
    page = client.get("/admin/users/").get_data(as_text=True)
    for shown in ("north.officer@", "two.wards@", "peckham@", SCOPED):
        assert shown in page
    assert client.get(f"/admin/users/{ids['straddles']}").status_code == 200


def _user_id(app, email):
    from pulse.auth.queries import user_by_email

    with app.app_context():
        return user_by_email(email).id
