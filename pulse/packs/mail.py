"""Sending a finished pack by e-mail (stdlib smtplib), only when SMTP_HOST is configured."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage


def smtp_configured(config) -> bool:
    return bool(config.get("SMTP_HOST"))


def send_pack(config, recipients: list[str], subject: str, body: str, filename: str,
              data: bytes) -> None:
    """One message with the PDF attached, to every recipient; raises on SMTP failure."""
    message = EmailMessage()
    message["From"] = config.get("SMTP_FROM") or "pulse@localhost"
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message.set_content(body)
    message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25),
                      timeout=30) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(message)
