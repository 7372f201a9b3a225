"""Time-based one-time codes (RFC 6238) for the optional second factor."""
from __future__ import annotations

import hmac
from datetime import datetime

import pyotp
import segno
from markupsafe import Markup

#: Codes from one step either side of now are accepted, for clocks a little adrift.
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> Markup:
    """The otpauth URI as an inline SVG QR code, drawn here: no image service sees the secret."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#fff")
    # segno writes only path data derived from the bits of the code, never the text itself.
    # bandit B704: segno's SVG holds only path data drawn from the code's bits.
    return Markup(svg)  # nosec B704


def matching_step(secret: str, code: str, at: datetime, last_step: int | None) -> int | None:
    """Return the time step ``code`` is valid for, or None; a step already used never matches."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    found = None
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        # Compare every candidate so the time taken does not depend on which one matched.
        if hmac.compare_digest(totp.generate_otp(step), code) and found is None:
            found = step
    if found is None or (last_step is not None and found <= last_step):
        return None
    return found
