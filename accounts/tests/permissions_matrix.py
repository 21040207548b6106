from tests.test_permissions import SIGN_IN, everyone, signed_in

MATRIX = {
    "accounts:password-reset": ("get", None, everyone(200)),
    "accounts:password-reset-sent": ("get", None, everyone(200)),
    # An unknown or used link answers with "This link has expired", to anyone.
    "accounts:password-reset-new-password": (
        "get",
        lambda world: {"uidb64": "MQ", "token": "set-password"},
        everyone(200),
    ),
    "accounts:password-reset-complete": ("get", None, everyone(200)),
    "accounts:account": ("get", None, signed_in(200)),
    "accounts:two-factor-set-up": ("get", None, signed_in(200)),
    # Nobody in the world has an authenticator app, so there is no code to ask for: back home.
    "accounts:two-factor-verify": ("get", None, everyone(302)),
    # Nobody in the world has an authenticator app, so there is nothing to turn off: back to the account.
    "accounts:two-factor-turn-off": ("post", None, {**everyone(302), "anonymous": SIGN_IN}),
    "health": ("get", None, everyone(200)),
    # The timeout warning's "Stay signed in": JSON, so a signed-out page learns it rather than being redirected.
    "accounts:keep-alive": ("post", None, {**everyone(200), "anonymous": 401}),
}
