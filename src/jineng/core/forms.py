from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from jineng.core import services
from jineng.core.middleware import client_ip
from jineng.core.security import LockedOut, is_locked


class LoginForm(AuthenticationForm):
    """Django's login form, telling a locked-out user so instead of "wrong password"."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password."),
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
        label=_("Current password"),
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
