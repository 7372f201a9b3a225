"""Posters, leaflets and social posts: what they say, and that their QR codes open the survey.

The PDFs are read back with pypdf (text and embedded images) and each QR image is decoded
with zxing-cpp, a real decoder: the test proves what a phone camera would see.
"""
from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import zxingcpp
from pypdf import PdfReader

from pulse.distribution import links, printed, social
from pulse.distribution.qr import qr_matrix, qr_png
from pulse.distribution.wording import TEXT
from pulse.extensions import db
from pulse.models import Area, Wave

BASE = "https://pulse.example.org"


def read_pdf(path_or_bytes):
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    return PdfReader(io.BytesIO(data))


def decoded_qr_codes(page) -> list[str]:
    found = []
    for image in page.images:
        found.extend(b.text for b in zxingcpp.read_barcodes(image.image))
    return found


def flat(text: str) -> str:
    return " ".join(text.split())


def run_ok(runner, *args):
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_poster_in_english_and_welsh(app, runner, survey_area, tmp_path):
    out = tmp_path / "poster.pdf"
    run_ok(runner, "distribute", "poster", "--area", survey_area.ward, "--base-url", BASE,
           "--out", str(out))
    reader = read_pdf(out)
    assert len(reader.pages) == 2  # every enabled language, in PULSE_LANGUAGES order
    english, welsh = (flat(p.extract_text()) for p in reader.pages)
    for text in (english, welsh):
        assert "Bellingham" in text
        assert f"pulse.example.org/s/{survey_area.ward}" in text
    assert "How safe do you feel where you live?" in english
    assert "sŵn" in welsh and "ger eich tŷ" in welsh
    assert "Pa mor ddiogel ydych chi’n teimlo" in welsh
    assert decoded_qr_codes(reader.pages[0]) == [f"{BASE}/s/{survey_area.ward}?via=qr"]
    assert decoded_qr_codes(reader.pages[1]) == [f"{BASE}/s/{survey_area.ward}?via=qr&lang=cy"]
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    assert reader.metadata.title.startswith("Your neighbourhood")


def test_leaflet_is_a6_in_the_language_asked_for(app, runner, survey_area, tmp_path):
    out = tmp_path / "leaflet.pdf"
    run_ok(runner, "distribute", "leaflet", "--area", survey_area.ward, "--lang", "cy",
           "--base-url", BASE, "--out", str(out))
    reader = read_pdf(out)
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (105, 148)
    text = flat(reader.pages[0].extract_text())
    assert "Bellingham" in text and "tŷ" in text and "ŵ" in text
    assert decoded_qr_codes(reader.pages[0]) == [f"{BASE}/s/{survey_area.ward}?via=qr&lang=cy"]


def test_qr_link_opens_the_survey_and_records_the_qr_channel(app, runner, survey_area, tmp_path):
    out = tmp_path / "poster.pdf"
    run_ok(runner, "distribute", "poster", "--area", survey_area.ward, "--lang", "en",
           "--base-url", BASE, "--out", str(out))
    [url] = decoded_qr_codes(read_pdf(out).pages[0])
    path = url.removeprefix(BASE)
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and 'name="via" value="qr"' in page.get_data(as_text=True)


def test_wave_closing_date_is_printed(app, runner, survey_area, tmp_path):
    with app.app_context():
        wave = db.session.get(Wave, survey_area.wave_id)
        wave.closes_at = datetime(2027, 1, 1, tzinfo=UTC)  # first moment it no longer takes answers
        db.session.commit()
    out = tmp_path / "poster.pdf"
    run_ok(runner, "distribute", "poster", "--area", survey_area.ward, "--wave",
           str(survey_area.wave_id), "--base-url", BASE, "--out", str(out))
    english, welsh = (flat(p.extract_text()) for p in read_pdf(out).pages)
    assert "Open until 31 December 2026" in english
    assert "Ar agor tan 31 Rhagfyr 2026" in welsh


def test_qr_images_match_segno_matrix_module_for_module():
    """The embedded PNG is the segno matrix, each module 8 pixels with a 4-module quiet zone."""
    from PIL import Image

    url = f"{BASE}/s/E05000437?via=qr"
    matrix = qr_matrix(url)
    image = Image.open(io.BytesIO(qr_png(url))).convert("1")
    size = len(matrix)
    assert image.size == ((size + 8) * 8, (size + 8) * 8)
    for r in range(size):
        for c in range(size):
            pixel = image.getpixel(((c + 4) * 8 + 4, (r + 4) * 8 + 4))
            assert (pixel == 0) == matrix[r][c]


def test_social_posts_per_language_fit_x(app, runner, survey_area):
    output = run_ok(runner, "distribute", "social", "--area", survey_area.ward,
                    "--base-url", BASE)
    assert output.count("[en, short]") == 1 and output.count("[cy, long]") == 1
    assert f"{BASE}/s/{survey_area.ward}\n" in output or f"{BASE}/s/{survey_area.ward} " in output
    assert f"{BASE}/s/{survey_area.ward}?lang=cy" in output
    material = printed.Material("cy", "X", "A" * 200, "t", "u", "l")
    link = f"{BASE}/s/X?lang=cy"
    short, long_ = social.posts(material, link)
    assert social.x_length(short.text, link) <= social.X_LIMIT and link in short.text
    assert "A" * 200 in long_.text


def test_every_language_has_all_wording():
    keys = set(TEXT["en"])
    for language, wording in TEXT.items():
        assert set(wording) == keys, language
        for key, value in wording.items():
            assert value.strip(), (language, key)


@pytest.mark.parametrize("args, message", [
    (["--area", "NOPE"], "no area with code NOPE"),
    (["--area", "E05000437", "--lang", "fr"], "'fr' is not enabled"),
    (["--area", "E05000437", "--base-url", "pulse.example.org"], "is not a web address"),
    (["--area", "E05000437", "--base-url", "https://x.org/?a=1"], "without ? or #"),
    (["--area", "E05000437", "--wave", "999"], "no wave 999"),
    ([], "give --area CODE"),
])
def test_bad_distribution_requests_say_why(runner, survey_area, tmp_path, args, message):
    result = runner.invoke(args=["distribute", "poster", *args, "--out",
                                 str(tmp_path / "p.pdf")])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "p.pdf").exists()


def test_a_wave_for_another_area_is_refused(app, runner, survey_area, tmp_path):
    from pulse.areas.operations import ensure_area, open_wave

    with app.app_context():
        other = ensure_area("W05000001", "Somewhere in Wales", "ward")
        wave = open_wave(other, db.session.get(Wave, survey_area.wave_id).instrument,
                         name="Elsewhere", opens_at=datetime.now(UTC))
        db.session.commit()
        wave_id = wave.id
    result = runner.invoke(args=["distribute", "leaflet", "--area", survey_area.ward,
                                 "--wave", str(wave_id), "--out", str(tmp_path / "l.pdf")])
    assert result.exit_code == 2 and "does not include E05000437" in result.output


def test_an_existing_file_is_never_overwritten(runner, survey_area, tmp_path):
    out = tmp_path / "poster.pdf"
    out.write_bytes(b"keep me")
    result = runner.invoke(args=["distribute", "poster", "--area", survey_area.ward,
                                 "--out", str(out)])
    assert result.exit_code == 2 and "already exists" in result.output
    assert out.read_bytes() == b"keep me"


def test_public_url_comes_from_config_and_is_checked(app):
    with app.app_context():
        app.config["PULSE_PUBLIC_URL"] = "https://pulse.example.org/survey/"
        assert links.public_base() == "https://pulse.example.org/survey"
        assert links.survey_url(links.public_base(), "E1", via="qr", language="cy") == \
            "https://pulse.example.org/survey/s/E1?via=qr&lang=cy"
        assert links.display("https://pulse.example.org/s/E1?via=qr") == "pulse.example.org/s/E1"
        app.config.update(PULSE_PUBLIC_URL="", TESTING=False, PULSE_DEMO=False)
        with pytest.raises(links.NoPublicUrl, match="PULSE_PUBLIC_URL"):
            links.public_base()


def test_public_url_is_read_from_the_environment():
    from pulse.config import from_environment

    assert from_environment({"PULSE_PUBLIC_URL": "https://a.example"}) == {
        "PULSE_PUBLIC_URL": "https://a.example"}


def test_area_names_print_with_the_embedded_font(app, survey_area):
    with app.app_context():
        area = db.session.scalar(db.select(Area).where(Area.code == survey_area.ward))
        area.name = "Ystâd Ŵyn a Thŷ Gwyn"
        db.session.commit()
        from pulse.distribution.material import material_for

        data = printed.leaflet([material_for(area, None, "cy", BASE)])
    text = flat(read_pdf(data).pages[0].extract_text())
    assert "Ystâd Ŵyn a Thŷ Gwyn" in text
    assert b"DejaVu" in data  # the font is embedded, not substituted by the viewer


def test_poster_for_a_code_only_wave_says_so(app, runner, survey_area, tmp_path):
    with app.app_context():
        db.session.get(Wave, survey_area.wave_id).access = "code"
        db.session.commit()
    result = runner.invoke(args=["distribute", "poster", "--area", survey_area.ward,
                                 "--base-url", BASE, "--out", str(tmp_path / "p.pdf")])
    assert result.exit_code == 0 and "takes answers only with a single-use code" in result.output
