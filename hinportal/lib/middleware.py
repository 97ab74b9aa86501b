"""Request and response rules that hold for every page: unreadable bodies, private pages and
how long a signed-in session lasts."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.cache import patch_cache_control

Handler = Callable[[HttpRequest], HttpResponse]
# Pages that are never anyone's but the person's own, signed in or not (sign-in and reset forms
# carry a CSRF token; the staff screens and the workspace answer differently per person).
PRIVATE_PREFIXES = ("/admin/", "/account/", "/shortlists/")


def reject_unreadable_bodies(get_response: Handler) -> Handler:
    """Answer 400 to a form body Django cannot decode (for example a charset it does not know),
    before the CSRF check reads it and fails again while rendering its own error page."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                request.POST  # noqa: B018 (parse now, so that a failure is ours to answer)
            except (RequestDataTooBig, TooManyFieldsSent):
                raise  # Django answers these itself, with the right status
            except (BadRequest, MultiPartParserError, LookupError, UnicodeError, ValueError):
                return render(request, "400.html", status=400)
        return get_response(request)

    return middleware


def is_private_path(path: str) -> bool:
    """Pages that are someone's own whoever asks (forms with a CSRF token, the staff screens, workspaces)."""
    return path.startswith(PRIVATE_PREFIXES) or "/workspace/" in path


def is_private(request: HttpRequest) -> bool:
    return is_private_path(request.path) or request.user.is_authenticated


def private_pages_not_stored(get_response: Handler) -> Handler:
    """Tell browsers and shared caches never to keep a private page (Cache-Control: no-store)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if is_private(request):
            response.headers.pop("Expires", None)
            patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response

    return middleware


SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
# A session that is still in use is written back at most this often, not on every request.
TOUCH_EVERY = 60


@receiver(user_logged_in, dispatch_uid="hinportal.start_signed_in_session")
def _start_signed_in_session(sender: object, request: HttpRequest, **kwargs: object) -> None:
    now = time.time()
    request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = now
    request.session.set_expiry(settings.SIGNED_IN_IDLE_MINUTES * 60)


def signed_in_sessions_expire(get_response: Handler) -> Handler:
    """A signed-in session ends after SIGNED_IN_IDLE_MINUTES without a request, and in any case
    SIGNED_IN_MAX_HOURS after signing in; an anonymous visitor's session is left as Django keeps it.
    (Changing a password ends the person's other sessions: Django checks the session's hash.)"""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            idle = settings.SIGNED_IN_IDLE_MINUTES * 60
            started, last_seen = session.get(SIGNED_IN_AT, 0), session.get(LAST_SEEN, 0)
            if now - last_seen > idle or now - started > settings.SIGNED_IN_MAX_HOURS * 3600:
                logout(request)
                messages.info(request, "You were signed out because you had not used the portal for a while.")
            elif now - last_seen > TOUCH_EVERY:
                session[LAST_SEEN] = now
                session.set_expiry(idle)
        return get_response(request)

    return middleware


def permissions_policy(get_response: Handler) -> Handler:
    """Switch off browser features the portal never uses (settings.PERMISSIONS_POLICY)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def public_pages_cacheable(get_response: Handler) -> Handler:
    """Let browsers and shared caches (a CDN) keep a page anyone would see alike for a short while
    and serve it stale while they fetch it again: a GET from a visitor who sends no cookie, answered
    200 with no cookie set and no caching said already. Anything personal (a signed-in page, a form
    with its CSRF token, a flash message) comes with a cookie one way or the other, so it never
    qualifies. ConditionalGetMiddleware adds the ETag that lets them revalidate for a 304."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not is_private(request)
            and not request.COOKIES
            and not response.cookies
            and "Cache-Control" not in response.headers
            and not response.streaming
        ):
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PUBLIC_PAGE_SECONDS,
                stale_while_revalidate=settings.PUBLIC_PAGE_STALE_SECONDS,
            )
        return response

    return middleware
