"""The code entry form."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField


class CodeForm(FlaskForm):
    # Checked by pulse.codes.access.check, which knows every way a code can be wrong.
    code = StringField()
