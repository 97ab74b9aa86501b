from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    """The portal's own address (settings.SITE_URL), for canonical links and Open Graph tags."""
    return {"site_url": settings.SITE_URL}
