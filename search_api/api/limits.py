"""Request body cap, enforced while the body streams in (before multipart parsing spools it to disk)."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimitMiddleware"]


class BodyLimitMiddleware:
    """Refuse bodies over ``max_bytes`` with 413: at once when Content-Length says so, else mid-stream.

    Raising Starlette's HTTPException from ``receive`` is deliberate: FastAPI passes it
    through its body parsing untouched, and the app's handler answers it as JSON.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, message: str | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.message = message or f"the request body is larger than {max_bytes} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, message = self.max_bytes, self.message
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await _reject(send, message, limit)
                    return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            msg = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > limit:
                    raise HTTPException(413, message)
            return msg

        await self.app(scope, limited_receive, send)


async def _reject(send: Send, message: str, limit: int) -> None:
    body = json.dumps({"error": message, "detail": {"max_bytes": limit}}).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
