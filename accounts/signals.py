from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .selectors import TWO_FACTOR_STEP, two_factor_step_for


@receiver(user_logged_in, dispatch_uid="accounts_two_factor_step")
def decide_two_factor_step(sender, request, user, **kwargs):
    """The password was right: decide whether the person must also enter a code, or set up an app."""
    session = getattr(request, "session", None)
    if session is not None:
        session[TWO_FACTOR_STEP] = two_factor_step_for(user)
