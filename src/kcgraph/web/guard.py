"""Connections that cannot hold ``kcgraph serve`` hostage: uvicorn's HTTP/1.1 protocol with
two guards (:func:`guarded_protocol`). Without them, a hundred idle or half-sent connections
held every place of ``limit_concurrency`` for as long as they liked."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import ClassVar

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["LINGER", "GuardedH11", "guarded_protocol"]

#: Seconds a connection turned away lingers (its request read and dropped) before closing.
LINGER = 1.0
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Connection: close\r\nContent-Length: 56\r\n\r\n"
    b"too many connections from your address; try again later\n"
)


class GuardedH11(H11Protocol):
    """A connection must send each request's headers within :attr:`seconds` of opening (or
    of its last answer), or it is closed; one client address holds at most
    :attr:`per_client` connections (one more is told 503 at once and closed)."""

    per_client: ClassVar[int] = 50
    seconds: ClassVar[float] = 10.0
    held: ClassVar[Counter[str]] = Counter()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._host = self.client[0] if self.client else ""
        self.held[self._host] += 1
        self._timer: asyncio.TimerHandle | None = None
        self._turned_away = self.held[self._host] > self.per_client
        if self._turned_away:  # told at once; what it sends is read and dropped, so
            transport.write(_BUSY)  # closing a moment later resets nothing; meanwhile it
            self.connections.discard(self)  # takes no place of limit_concurrency
            self.loop.call_later(LINGER, transport.close)
            return
        self._arm()

    def _arm(self) -> None:
        self._waiting_since = self.cycle
        self._timer = self.loop.call_later(self.seconds, self._expire)

    def _expire(self) -> None:
        if self.cycle is self._waiting_since:  # no new request in time
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._turned_away:
            return
        super().data_received(data)
        if self.cycle is not self._waiting_since and self._timer is not None:
            self._timer.cancel()  # a whole request's headers came

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self.held[self._host] -= 1
        if self.held[self._host] <= 0:
            del self.held[self._host]
        if self._timer is not None:
            self._timer.cancel()
        super().connection_lost(exc)


def guarded_protocol(per_client: int, seconds: float) -> type[GuardedH11]:
    """:class:`GuardedH11` with these limits and a count of connections of its own."""
    limits = {"per_client": per_client, "seconds": seconds, "held": Counter()}
    return type("Guarded", (GuardedH11,), limits)
