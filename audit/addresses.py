import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The address the person's browser connected from.

    Each of the TRUSTED_PROXY_COUNT reverse proxies in front of the app appends the address it received
    the request from to X-Forwarded-For, so the browser's is that many entries from the right; entries
    further left were written by the browser and prove nothing. django-axes uses this too, so lockouts
    and the security event log agree on the address.
    """
    address = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= count:
            address = forwarded[-count]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
