"""Security headers on every response: one policy for resident and staff pages alike.

The templates carry no inline script or style (scripts and styles come from /static), so the
Content-Security-Policy can refuse inline code outright: an injected ``<script>`` or
``style=`` attribute does nothing even if escaping were ever missed.
"""
from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    # The second-factor page draws its QR code as inline SVG markup, which is not an image load.
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
# "Use my location" on the area page is the only browser feature the site asks for.
PERMISSIONS_POLICY = ("geolocation=(self), camera=(), microphone=(), payment=(), usb=(), "
                      "magnetometer=(), gyroscope=(), accelerometer=()")
# Two years, as the HSTS preload list asks; only sent over TLS (RFC 6797 section 7.2).
HSTS = "max-age=63072000; includeSubDomains"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Survey links may carry a channel or area in the query; other sites get the origin only.
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    # For browsers that predate frame-ancestors.
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


#: Headers a view may set more strictly for itself (a password-reset page whose URL carries
#: a token sends no Referer at all); every other header is the site-wide policy.
VIEW_MAY_TIGHTEN = frozenset({"Referrer-Policy"})


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        if name in VIEW_MAY_TIGHTEN and name in response.headers:
            continue
        response.headers[name] = value
    # request.is_secure follows X-Forwarded-Proto only from a trusted proxy: one gunicorn
    # believes (PULSE_FORWARDED_ALLOW_IPS, default 127.0.0.1) or one PULSE_PROXY_HOPS counts.
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
