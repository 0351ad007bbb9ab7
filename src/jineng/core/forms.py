from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from jineng.core import services
from jineng.core.middleware import client_ip
from jineng.core.models import DEFAULT_TOKEN_LIFETIME, TOKEN_LIFETIMES
from jineng.core.security import LockedOut, is_locked


def styled(form: forms.Form) -> forms.Form:
    """Bootstrap classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            continue
        select = isinstance(widget, forms.Select)
        widget.attrs["class"] = "form-select" if select else "form-control"
    return form


# The largest id a database stores (a 64-bit integer); a larger number is no row of any table.
LARGEST_ID = 2**63 - 1


class RowsChoiceField(forms.ModelMultipleChoiceField):
    """Rows chosen by their ids (checkboxes), among the queryset given. A number beyond any id
    is refused as an unknown value: Django passes it to the database in `IN (...)`, where SQLite
    overflows."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            text = str(pk).strip()
            if text.isascii() and text.isdigit() and int(text) > LARGEST_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text},
                )
        return super()._check_values(value)


def error_messages(form: forms.Form) -> list[str]:
    """A bound form's errors as sentences, each led by its field's label where it has one."""
    said = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = field.label if field is not None else None
        for error in errors:
            said.append(
                _("%(field)s: %(error)s") % {"field": label, "error": error} if label else error
            )
    return said


def cleaned(form: forms.Form) -> dict:
    """A bound form's cleaned data, or its errors raised as a ValidationError (for input read
    inside a service call that run_service makes)."""
    if not form.is_valid():
        raise ValidationError(error_messages(form))
    return form.cleaned_data


def form_errors(form: forms.Form, problem: ValidationError) -> None:
    """A service's refusal on the form: by field where it names one, else on the whole form."""
    if hasattr(problem, "error_dict"):
        for name, errors in problem.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, problem.messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class LoginForm(AuthenticationForm):
    """Django's login form, telling a locked-out user so instead of "wrong password"."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy("Wrong username or password."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if is_locked(username, client_ip(self.request)):
            raise forms.ValidationError(str(LockedOut()), code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            if is_locked(username, client_ip(self.request)):  # this failure was the last one
                raise forms.ValidationError(str(LockedOut()), code="locked") from None
            raise


class PasswordChangeForm(SetPasswordForm):
    old_password = forms.CharField(
        label=gettext_lazy("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def clean_old_password(self):
        if not self.user.check_password(self.cleaned_data["old_password"]):
            raise forms.ValidationError(_("Your current password is wrong."))
        return self.cleaned_data["old_password"]

    def save(self, commit=True):
        return services.set_password(self.user, self.cleaned_data["new_password1"])


class CodeForm(forms.Form):
    """The second step of a login, an enrolment's first code, a code before new recovery codes:
    six digits from the authenticator app, or (where allowed) a recovery code."""

    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class ConfirmForm(forms.Form):
    """A button that posts nothing but the CSRF token (revoke a token, reset a second factor)."""


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    days = forms.TypedChoiceField(
        label=gettext_lazy("Lifetime"),
        coerce=int,
        choices=[],
        initial=DEFAULT_TOKEN_LIFETIME,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [
            (days, ngettext("%(days)d day", "%(days)d days", days) % {"days": days})
            for days in TOKEN_LIFETIMES
        ]
