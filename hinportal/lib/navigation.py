"""Where a form sends the person afterwards: back to the page they came from, if it is one of ours."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest) -> str | None:
    """The `next` page a form or its link carries (POST first, then GET), if it is a path on this
    site; never `//elsewhere.example`, `https://elsewhere.example` or `/\\elsewhere.example`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    ours = url_has_allowed_host_and_scheme(target, allowed_hosts=None, require_https=request.is_secure())
    return target if ours and target.startswith("/") and not target.startswith("//") else None
