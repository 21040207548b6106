from tests.test_permissions import everyone

MATRIX = {
    # The timeout warning's "Stay signed in": JSON, so a signed-out page learns it rather than being redirected.
    "accounts:keep-alive": ("post", None, {**everyone(200), "anonymous": 401}),
}
