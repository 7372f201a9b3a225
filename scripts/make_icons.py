"""Draw the web app's PNG icons (pulse/static/icons/) to match icons/pulse.svg.

Run once after changing the design: python scripts/make_icons.py (needs Pillow).
"""
from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "pulse" / "static" / "icons"
LINE = [(64, 280), (176, 280), (216, 168), (288, 360), (336, 240), (448, 240)]

for size in (192, 512):
    scale = size / 512
    image = Image.new("RGB", (size, size), "#1d4f91")
    draw = ImageDraw.Draw(image)
    points = [(x * scale, y * scale) for x, y in LINE]
    width = max(2, round(40 * scale))
    draw.line(points, fill="#ffffff", width=width, joint="curve")
    for x, y in (points[0], points[-1]):
        r = width / 2
        draw.ellipse((x - r, y - r, x + r, y + r), fill="#ffffff")
    image.save(ICONS / f"pulse-{size}.png", optimize=True)
