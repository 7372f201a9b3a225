"""Free-text comments: redaction, safeguarding flags and topic classification (plain Python)."""
