"""The response headers, scored as the MDN HTTP Observatory scores a site.

The scoring followed (developer.mozilla.org/en-US/observatory/docs/tests_and_scoring), for the
tests a response's headers decide; each starts from 100:
- Content-Security-Policy: missing -25; allows 'unsafe-inline' or 'unsafe-eval' in script-src
  -20; implemented without them 0; and with default-src 'none' +10.
- Cookies: a cookie without Secure -20 (session cookie without HttpOnly -30); all Secure,
  session cookies HttpOnly and SameSite set +5; none set 0.
- Referrer-Policy: no-referrer, same-origin, strict-origin or strict-origin-when-cross-origin +5;
  unsafe-url or no-referrer-when-downgrade -5; missing 0.
- Strict-Transport-Security: missing or under six months -20; six months or more 0.
- X-Content-Type-Options: missing -5; nosniff 0.
- X-Frame-Options: missing -20; set 0; replaced by CSP frame-ancestors +5.
"""

from django.contrib.auth.models import User

from conftest import sign_in_fully

SAFE_REFERRERS = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        if words := part.split():
            parsed[words[0].lower()] = words[1:]
    return parsed


def observatory_score(response) -> tuple[int, dict[str, int]]:
    score: dict[str, int] = {}
    csp = directives(response.headers.get("Content-Security-Policy", ""))
    script = csp.get("script-src", csp.get("default-src", []))
    if not csp:
        score["csp"] = -25
    elif "'unsafe-inline'" in script or "'unsafe-eval'" in script:
        score["csp"] = -20
    else:
        score["csp"] = 10 if csp.get("default-src") == ["'none'"] else 0
    cookies = list(response.cookies.values())
    if not cookies:
        score["cookies"] = 0
    elif any(not c["secure"] for c in cookies):
        score["cookies"] = -20
    else:
        score["cookies"] = 5 if all(c["samesite"] for c in cookies) else 0
    referrer = response.headers.get("Referrer-Policy", "")
    score["referrer"] = 5 if referrer in SAFE_REFERRERS else (-5 if referrer else 0)
    hsts = response.headers.get("Strict-Transport-Security", "")
    max_age = int(hsts.split("max-age=")[1].split(";")[0]) if "max-age=" in hsts else 0
    score["hsts"] = 0 if max_age >= 15768000 else -20
    score["nosniff"] = 0 if response.headers.get("X-Content-Type-Options") == "nosniff" else -5
    if csp.get("frame-ancestors"):
        score["framing"] = 5
    else:
        score["framing"] = 0 if response.headers.get("X-Frame-Options") else -20
    return 100 + sum(score.values()), score


def https(settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True


def test_public_pages_score_at_least_115(client, db, settings):
    https(settings)
    for path in ("/", "/innovations/", "/account/sign-in/"):
        total, parts = observatory_score(client.get(path, secure=True))
        assert total >= 115, (path, parts)
        assert parts["csp"] == 10 and parts["framing"] == 5, (path, parts)


def test_the_staff_screens_score_at_least_115_with_their_cookies(client, db, settings):
    https(settings)
    User.objects.create_superuser("admin", "admin@example.org", "x" * 20)
    sign_in_fully(client, User.objects.get())
    response = client.get("/admin/", secure=True)
    total, parts = observatory_score(response)
    assert total >= 115, parts


def test_no_page_allows_inline_script_or_style_and_features_are_switched_off(client, db):
    for path in ("/", "/admin/login/", "/health/"):
        response = client.get(path)
        policy = directives(response.headers["Content-Security-Policy"])
        assert policy["default-src"] == ["'none'"]
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
        assert "camera=()" in response.headers["Permissions-Policy"]
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    html = client.get("/").content.decode()
    assert "<script>" not in html and '<script type="module">' not in html
