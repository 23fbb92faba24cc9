"""Outbound HTTP for ``publish`` and ``query --endpoint``: requests go only to the origin
the user gave. Redirects are followed by hand, and only within that origin (scheme, host,
port); a redirect elsewhere is a one-line error naming both URLs, before anything is sent
there. Credentials (HTTP digest) therefore only ever answer challenges of that origin.

Every exchange has a total deadline and a size cap (:func:`fetch`): a server that sends a
byte a second, or an answer without end, is one error line within the deadline, never a
hang or a ``MemoryError``. A URL's user info (``alice:pw@``) never appears in a message
(:func:`redact`), and a malformed URL is one line too."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from ..errors import KcgraphError

if TYPE_CHECKING:
    import requests

__all__ = [
    "Answer",
    "CrossOriginRedirect",
    "check_http_url",
    "fetch",
    "origin",
    "reason",
    "redact",
    "send",
]

#: Same-origin redirects followed before giving up.
MAX_REDIRECTS = 5
_DEFAULT_PORTS = {"http": 80, "https": 443}


class CrossOriginRedirect(KcgraphError):
    """The endpoint redirected to another origin; nothing was sent there."""


def redact(text: str, url: str | None = None) -> str:
    """``text`` without the user info of ``url`` (or of every http(s) URL in it).

    >>> redact("http://alice:pw@host/sparql: refused")
    'http://***@host/sparql: refused'
    """
    import re

    secrets = []
    if url is not None:
        netloc = url.split("://", 1)[-1].split("/", 1)[0]
        if "@" in netloc:
            secrets.append(netloc.rsplit("@", 1)[0])
    out = re.sub(r"(https?://)[^/@\s]*@", r"\1***@", text)
    for secret in secrets:
        out = out.replace(secret, "***")
    return out


def check_http_url(url: str) -> str:
    """``url`` if it is a well-formed http(s) URL with a host, else one error line."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port out of range or not a number raises here
    except ValueError as exc:
        raise KcgraphError(f"{redact(url)}: not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise KcgraphError(f"{redact(url)}: the endpoint must be an http(s) URL")
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


@dataclass(frozen=True)
class Answer:
    """An endpoint's whole answer."""

    status: int
    body: bytes
    encoding: str | None

    @property
    def text(self) -> str:
        return self.body.decode(self.encoding or "utf-8", "replace")


def fetch(
    session: requests.Session,
    method: str,
    url: str,
    *,
    deadline: float,
    max_bytes: int,
    **kwargs: Any,
) -> Answer:
    """:func:`send`, and the answer read whole, within ``deadline`` seconds in all (headers
    and body, however slowly they come) and ``max_bytes`` of body; errors name ``url``
    without its user info. A request still going at the deadline is left to die with its
    thread (the command ends with the error)."""
    import requests

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            response = send(session, method, url, stream=True, timeout=deadline, **kwargs)
            body = bytearray()
            while chunk := response.raw.read1(65536, decode_content=True):
                body += chunk
                if len(body) > max_bytes:
                    response.close()
                    raise KcgraphError(
                        f"{redact(url)}: the answer is larger than {max_bytes:,} bytes"
                    )
            outcome["answer"] = Answer(response.status_code, bytes(body), response.encoding)
        except requests.RequestException as exc:
            outcome["error"] = KcgraphError(f"{redact(url)}: {redact(reason(exc), url)}")
        except Exception as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True, name="kcgraph-http")
    worker.start()
    worker.join(deadline)
    if worker.is_alive():
        raise KcgraphError(f"{redact(url)}: timed out (no complete answer within {deadline:g} s)")
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, KcgraphError):
            raise type(error)(redact(str(error), url)) from None
        raise error
    answer: Answer = outcome["answer"]
    return answer
