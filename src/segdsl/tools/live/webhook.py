"""``segdsl serve --webhook``: every batch of changes POSTed to a URL, in order, retried.

One worker task delivers the batches one after the other, in the order they were
answered, so a receiver never sees a later batch before an earlier one. A delivery
that fails for a reason that can pass — the connection refused or reset, a timeout,
HTTP 408, 425, 429 or 5xx — is tried again after 0.5 s, 1 s, 2 s, … (``backoff``
doubled each time, at most ``retries`` times); any other answer (a 4xx: the receiver
refuses the batch) is final at once. A batch that fails finally is reported on stderr,
counted as failed and dropped; the next one follows. Request handling never waits for
a delivery: the POST runs in a thread, the waits are ``asyncio.sleep``.

Bounded: one attempt lasts at most ``timeout`` seconds, so one batch takes at most
``(retries + 1) · timeout + backoff · (2^retries − 1)`` seconds (32.5 s by default).
At most ``MAX_PENDING`` batches wait; beyond that a new batch is dropped and counted as
failed (a receiver that is down for long loses batches, the service keeps its memory).
At shutdown a backoff wait ends at once and the batches still waiting get one attempt
each, for ``SHUTDOWN_GRACE`` seconds at most; the rest are counted as failed.

Every POST carries the header ``Segdsl-Batch: N`` (1, 2, … since the start), the same
on each attempt of a batch: a receiver that answered too slowly may get a batch twice
and can recognise it.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

MAX_PENDING = 10_000  # batches waiting for delivery, at most
SHUTDOWN_GRACE = 10.0  # seconds of delivery after shutdown begins
RETRIED = frozenset({408, 425, 429})
# never a proxy from the environment for a webhook: the URL is where it goes
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Failed(Exception):
    """One attempt failed; ``final`` when trying again cannot help."""

    def __init__(self, why: str, final: bool) -> None:
        super().__init__(why)
        self.final = final


def post(url: str, body: bytes, batch: int, timeout: float) -> None:
    """One POST of ``body``; raises :class:`Failed` unless the answer is 2xx."""
    req = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/json", "Segdsl-Batch": str(batch)},
        method="POST",
    )
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            resp.read()
    except urllib.error.HTTPError as exc:
        code = exc.code
        exc.close()
        raise Failed(f"HTTP {code}", final=not (code in RETRIED or code >= 500)) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Failed(str(reason) or type(reason).__name__, final=False) from None
    except http.client.HTTPException as exc:  # not an HTTP answer (a bad status line, …)
        raise Failed(f"{type(exc).__name__}: {exc}", final=False) from None
    except ValueError as exc:  # a URL urllib cannot use
        raise Failed(str(exc), final=True) from None


@dataclass
class Webhook:
    """The delivery of change batches to ``url`` (see the module's docstring)."""

    url: str
    retries: int = 4
    backoff: float = 0.5
    timeout: float = 5.0
    log: TextIO | None = None  # stderr by default
    send: Callable[[str, bytes, int, float], None] = post
    delivered: int = 0
    failed: int = 0
    _queue: asyncio.Queue[tuple[int, list[dict[str, Any]]] | None] = field(
        default_factory=asyncio.Queue
    )
    pending: int = 0  # batches queued or being delivered
    _next: int = 0
    _closed: asyncio.Event = field(default_factory=asyncio.Event)  # ends a backoff wait

    def counts(self) -> dict[str, int]:
        return {"delivered": self.delivered, "failed": self.failed, "pending": self.pending}

    def say(self, text: str) -> None:
        print(f"segdsl serve: webhook {self.url}: {text}", file=self.log or sys.stderr, flush=True)

    def put(self, changes: list[dict[str, Any]]) -> None:
        """Queue a batch (in the order of the answers); never waits."""
        if not changes:
            return
        self._next += 1
        if self._closed.is_set() or self.pending >= MAX_PENDING:
            self.failed += 1
            why = (
                "shutting down"
                if self._closed.is_set()
                else f"{MAX_PENDING:,} batches wait already"
            )
            self.say(f"batch {self._next} ({len(changes)} change(s)) dropped: {why}")
            return
        self.pending += 1
        self._queue.put_nowait((self._next, changes))

    async def run(self) -> None:
        """Deliver batches until :meth:`close` (started by the server's lifespan)."""
        while True:
            item = await self._queue.get()
            if item is None:
                return
            try:
                await self._deliver(*item)
            except Exception as exc:  # never the end of the deliveries that follow
                self.failed += 1
                self.say(f"batch {item[0]} not delivered: {type(exc).__name__}: {exc}")
            self.pending -= 1

    async def close(self, worker: asyncio.Task[None]) -> None:
        """Stop taking batches; deliver those waiting (one attempt each, for at most
        SHUTDOWN_GRACE seconds), count the rest as failed."""
        self._closed.set()
        self._queue.put_nowait(None)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(worker, SHUTDOWN_GRACE + self.timeout)
        if self.pending:
            self.failed += self.pending
            self.say(f"{self.pending} batch(es) not delivered at shutdown")
            self.pending = 0

    async def _deliver(self, batch: int, changes: list[dict[str, Any]]) -> None:
        body = json.dumps({"changes": changes}, ensure_ascii=False).encode()
        wait = self.backoff
        attempt = 0
        while True:
            attempt += 1
            try:
                await asyncio.to_thread(self.send, self.url, body, batch, self.timeout)
            except Failed as exc:
                # at shutdown, one attempt: the service is not kept waiting
                if exc.final or attempt > self.retries or self._closed.is_set():
                    self.failed += 1
                    self.say(
                        f"batch {batch} ({len(changes)} change(s)) not delivered after "
                        f"{attempt} attempt(s): {exc}"
                    )
                    return
                with contextlib.suppress(TimeoutError):  # the wait, unless shutdown begins
                    await asyncio.wait_for(self._closed.wait(), wait)
                wait *= 2
                continue
            self.delivered += 1
            return
