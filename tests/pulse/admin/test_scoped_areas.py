"""An admin linked to areas manages only their subtree of the area tree: listing, edits, uploads."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.pulse.admin.test_areas import SQUARE, _count_areas, _feature, _geojson, _post_file
from tests.support import csrf_from, form_tokens

SCOPED = "bellingham.admin@example.org"


def _scoped_admin(auth, tree):
    """An admin for Bellingham (and Bellingham North inside it), nothing else."""
    auth.login("admin", areas=[tree.ward_a], email=SCOPED)


def _area(app, code):
    from pulse.extensions import db
    from pulse.models import Area

    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == code))
        return area and (area.name, area.parent.code if area.parent else None, area.retired_at,
                         area.boundary)


def _confirm_token(page: str) -> str:
    return page.split('name="token" type="hidden" value="')[1].split('"')[0]


def test_area_tree_lists_only_their_subtree(app, client, auth, tree):
    _scoped_admin(auth, tree)
    page = client.get("/admin/areas/").get_data(as_text=True)
    assert f'href="/admin/areas/{tree.ward_a}"' in page
    assert f'href="/admin/areas/{tree.ward_a_child}"' in page
    for outside in (tree.borough, tree.ward_b, tree.other_borough, tree.other_ward):
        assert f'href="/admin/areas/{outside}"' not in page
    # Bellingham starts their tree (no indent); Bellingham North sits one level under it.
    assert page.count("— ") == 1


def test_admin_without_areas_still_sees_the_whole_tree(app, client, auth, tree):
    auth.login("admin")
    page = client.get("/admin/areas/").get_data(as_text=True)
    for code in (tree.borough, tree.ward_a, tree.ward_a_child, tree.ward_b, tree.other_borough,
                 tree.other_ward):
        assert f'href="/admin/areas/{code}"' in page


def test_editing_or_retiring_outside_scope_is_404_and_changes_nothing(app, client, auth, tree):
    _scoped_admin(auth, tree)
    token = csrf_from(client, "/admin/areas/")
    before = _area(app, tree.ward_b)
    for code in (tree.ward_b, tree.borough, tree.other_ward):
        assert client.get(f"/admin/areas/{code}").status_code == 404
        assert client.post(f"/admin/areas/{code}", data={"csrf_token": token, "name": "Mine now",
                                                         "parent": tree.ward_a}).status_code == 404
        assert client.post(f"/admin/areas/{code}/retire",
                           data={"csrf_token": token}).status_code == 404
        assert client.post(f"/admin/areas/{code}/restore",
                           data={"csrf_token": token}).status_code == 404
    assert _area(app, tree.ward_b) == before


def test_edits_inside_scope_stay_inside_it(app, client, auth, tree):
    # An admin for two wards in different boroughs: Bellingham and Peckham.
    auth.login("admin", areas=[tree.ward_a, tree.other_ward], email=SCOPED)
    child = f"/admin/areas/{tree.ward_a_child}"
    page = client.get(child).get_data(as_text=True)
    # Only their areas as parents; no top level, nothing of Blackheath or Southwark.
    assert f'value="{tree.ward_a}"' in page and "None (top level)" not in page
    assert f'value="{tree.ward_b}"' not in page and f'value="{tree.other_borough}"' not in page
    token = csrf_from(client, child)
    away = client.post(child, data={"csrf_token": token, "name": "North", "parent": tree.ward_b})
    assert away.status_code == 422 and "No area has that code" in away.get_data(as_text=True)
    top = client.post(child, data={"csrf_token": token, "name": "North", "parent": ""})
    assert top.status_code == 422 and "top level is outside" in top.get_data(as_text=True)
    assert _area(app, tree.ward_a_child)[:2] == ("Bellingham North", tree.ward_a)

    # Their top area keeps its parent (offered as it is) and can be renamed, not moved.
    root = f"/admin/areas/{tree.ward_a}"
    page = client.get(root).get_data(as_text=True)
    assert f'<option selected value="{tree.borough}">' in page
    renamed = client.post(root, data={"csrf_token": token, "name": "Bellingham Ward",
                                      "parent": tree.borough})
    assert renamed.status_code == 302
    moved = client.post(root, data={"csrf_token": token, "name": "Bellingham Ward",
                                    "parent": tree.other_ward})
    assert moved.status_code == 422
    assert "cannot be moved from here" in moved.get_data(as_text=True)
    assert _area(app, tree.ward_a)[:2] == ("Bellingham Ward", tree.borough)
    # From one of their areas to another is theirs to do.
    assert client.post(child, data={"csrf_token": token, "name": "Bellingham North",
                                    "parent": tree.other_ward}).status_code == 302
    assert _area(app, tree.ward_a_child)[1] == tree.other_ward

    assert client.post(f"{child}/retire", data={"csrf_token": token}).status_code == 302
    assert _area(app, tree.ward_a_child)[2] is not None


def test_boundary_upload_rejects_features_outside_scope_and_stores_nothing_of_them(
        app, client, auth, tree):
    _scoped_admin(auth, tree)
    before, blackheath = _count_areas(app), _area(app, tree.ward_b)
    content = _geojson(_feature("BEL-S1", "Bellingham South"),
                       _feature(tree.ward_a_child, "Bellingham North (new)"),
                       _feature(tree.ward_b, "Blackheath (taken over)"),
                       _feature(tree.other_ward, "Peckham (taken over)"))
    page = _post_file(client, "/admin/areas/boundaries", content, "areas.geojson",
                      parent=tree.ward_a, level="neighbourhood")
    text = page.get_data(as_text=True)
    assert page.status_code == 200, text[:1000]
    assert "1 areas will be created, 1 updated, 2 features rejected" in text
    assert f"<td>3</td><td>{tree.ward_b}: outside your areas</td>" in text
    assert f"<td>4</td><td>{tree.other_ward}: outside your areas</td>" in text
    done = client.post("/admin/areas/boundaries/confirm",
                       data={"csrf_token": form_tokens(text)["csrf_token"],
                             "token": _confirm_token(text)})
    assert done.status_code == 302
    assert _count_areas(app) == before + 1
    assert _area(app, "BEL-S1")[1] == tree.ward_a
    assert _area(app, tree.ward_a_child)[0] == "Bellingham North (new)"
    assert _area(app, tree.ward_a_child)[3] == SQUARE
    assert _area(app, tree.ward_b) == blackheath
    assert _area(app, tree.other_ward)[0] == "Peckham"


def test_boundary_upload_needs_a_parent_in_scope(app, client, auth, tree):
    _scoped_admin(auth, tree)
    before = _count_areas(app)
    content = _geojson(_feature("NEW-1", "Somewhere"))
    form = client.get("/admin/areas/boundaries").get_data(as_text=True)
    assert "None (top level)" not in form and f'value="{tree.ward_b}"' not in form
    for parent, message in (("", "new areas at the top level would be outside your areas"),
                            (tree.ward_b, "No area has that code")):
        page = _post_file(client, "/admin/areas/boundaries", content, "areas.geojson",
                          parent=parent, level="ward")
        assert page.status_code == 422 and message in page.get_data(as_text=True)
    assert _count_areas(app) == before


def test_margins_rows_outside_scope_are_reported_and_nothing_is_stored(app, client, auth, tree):
    from pulse.extensions import db
    from pulse.models import PopulationMargin

    _scoped_admin(auth, tree)
    mixed = (f"area_code,dimension,category,population\n{tree.ward_a},sex,female,500\n"
             f"{tree.ward_b},sex,female,400\n{tree.other_ward},sex,male,300\n"
             f"{tree.ward_a_child},sex,male,200\n").encode()
    page = _post_file(client, "/admin/areas/margins", mixed, "m.csv")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "2 rows have problems" in text
    assert f"{tree.ward_b} is outside your areas" in text
    assert f"{tree.other_ward} is outside your areas" in text
    assert "Store these margins" not in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PopulationMargin)) == 0
    inside = (f"area_code,dimension,category,population\n{tree.ward_a},sex,female,500\n"
              f"{tree.ward_a_child},sex,male,200\n").encode()
    text = _post_file(client, "/admin/areas/margins", inside, "m.csv").get_data(as_text=True)
    done = client.post("/admin/areas/margins/confirm",
                       data={"csrf_token": form_tokens(text)["csrf_token"],
                             "token": _confirm_token(text)})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.sum(PopulationMargin.population))) == 700
