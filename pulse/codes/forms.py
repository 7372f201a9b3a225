"""The code entry form."""
from __future__ import annotations

from wtforms import StringField

from ..survey.forms import PostedFormOnly


class CodeForm(PostedFormOnly):
    # Checked by pulse.codes.access.check, which knows every way a code can be wrong.
    code = StringField()
