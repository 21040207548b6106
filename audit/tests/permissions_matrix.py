from tests.test_permissions import SIGN_IN, everyone

MATRIX = {
    "audit:security-events": ("get", None, {**everyone(403), "anonymous": SIGN_IN, "administrator": 200}),
}
