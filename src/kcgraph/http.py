"""Outbound HTTP for ``publish`` and ``query --endpoint``: requests go only to the origin
the user gave. Redirects are followed by hand, and only within that origin (scheme, host,
port); a redirect elsewhere is a one-line error naming both URLs, before anything is sent
there. Credentials (HTTP digest) therefore only ever answer challenges of that origin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from .errors import KcgraphError

if TYPE_CHECKING:
    import requests

__all__ = ["CrossOriginRedirect", "check_http_url", "origin", "reason", "send"]

#: Same-origin redirects followed before giving up.
MAX_REDIRECTS = 5
_DEFAULT_PORTS = {"http": 80, "https": 443}


class CrossOriginRedirect(KcgraphError):
    """The endpoint redirected to another origin; nothing was sent there."""


def check_http_url(url: str) -> str:
    if not url.startswith(("http://", "https://")) or not urlsplit(url).hostname:
        raise KcgraphError(f"{url}: the endpoint must be an http(s) URL")
    return url


def origin(url: str) -> tuple[str, str, int]:
    """Scheme, host and port of a URL (the default port made explicit).

    >>> origin("HTTP://Example.org/a") == origin("http://example.org:80/b")
    True
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme, 0)


def send(session: requests.Session, method: str, url: str, **kwargs: Any) -> requests.Response:
    """``session.request`` that follows redirects within ``url``'s origin only.

    A 303 (or a 301/302 answering POST) becomes a GET without a body, as browsers do; 307
    and 308 repeat the request as it was. Raises :class:`CrossOriginRedirect` naming both
    URLs when the target is another origin.
    """
    start = url
    for _ in range(MAX_REDIRECTS + 1):
        response = session.request(method, url, allow_redirects=False, **kwargs)
        if not response.is_redirect:
            return response
        target = urljoin(url, response.headers["location"])
        if origin(target) != origin(start):
            response.close()
            raise CrossOriginRedirect(
                f"{start}: redirected to {target}, another origin; nothing was sent there"
            )
        if response.status_code == 303 or (response.status_code in (301, 302) and method != "GET"):
            method = "GET"
            kwargs = {k: v for k, v in kwargs.items() if k not in ("data", "json", "files")}
        kwargs.pop("params", None)  # the Location carries its own query string
        response.close()
        url = target
    raise KcgraphError(f"{start}: more than {MAX_REDIRECTS} redirects")


def reason(exc: Exception) -> str:
    """A requests error as a short phrase (timed out, connection refused, ...)."""
    text = str(exc)
    for marker in ("Read timed out", "Connection refused", "Name or service not known"):
        if marker in text:
            return marker.lower() if marker != "Read timed out" else "no answer (timed out)"
    return text.splitlines()[0][:200] if text else type(exc).__name__
