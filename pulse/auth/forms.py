"""Forms for signing in, account settings and user administration."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..models.user import ROLES
from .passwords import MAX_LENGTH

ROLE_LABELS = {
    "admin": _l("Admin – users, areas, instruments and topics, everywhere"),
    "analyst": _l("Analyst – everything in their areas, exports, labelling"),
    "officer": _l("Officer – their areas, priorities, actions, labelling"),
    "viewer": _l("Viewer – read-only, for council partners"),
}


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter your email address.")),
                                                        Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                         Length(max=MAX_LENGTH)])


class CodeForm(FlaskForm):
    code = StringField(_l("Six-digit code from your authenticator app"),
                       validators=[DataRequired(_l("Enter the code.")), Length(max=12)])


class NewPasswordForm(FlaskForm):
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a new password.")), Length(max=MAX_LENGTH)])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Enter the new password again.")),
        EqualTo("new_password", _l("The two passwords are not the same."))])


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password.")), Length(max=MAX_LENGTH)])


class RemoveTotpForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=MAX_LENGTH)])


def split_codes(text: str | None) -> list[str]:
    return [c for c in re.split(r"[\s,;]+", text or "") if c]


class UserForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter an email address.")),
                                                        Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES],
                       validators=[DataRequired(_l("Choose a role."))])
    areas = TextAreaField(_l("Area codes"), validators=[Length(max=4000)],
                          description=_l("One or more area codes, separated by spaces, commas "
                                         "or new lines. The user sees each area and everything "
                                         "inside it. An admin given no areas sees all of them."))
    totp_required = BooleanField(_l("Require a second factor (authenticator app)"))

    @property
    def area_codes(self) -> list[str]:
        return split_codes(self.areas.data)


class EditUserForm(UserForm):
    # The address is the sign-in name; changing it is a new account.
    email = None  # type: ignore[assignment]


class IssueResetForm(FlaskForm):
    clear_totp = BooleanField(_l("Also remove their second factor (lost phone)"))
