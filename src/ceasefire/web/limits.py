"""ASGI middleware for the edges of the HTTP layer: bounded request bodies and security headers."""

from __future__ import annotations

import json

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:{tiles}; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
TILES = " https://tile.openstreetmap.org"


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuse a request body over ``max_body`` bytes with 413, by its Content-Length or while it streams."""

    def __init__(self, app, max_body: int):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return await _too_large(send, self.max_body)
        seen = 0
        started = refused = False

        async def counted_receive():
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    if started:
                        raise BodyTooLarge
                    # Answer 413 here: an exception raised into the application while it reads the body
                    # (a chunked body has no Content-Length) becomes FastAPI's 400 "error parsing the body".
                    refused = True
                    await _too_large(send, self.max_body)
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message):
            nonlocal started
            if refused:  # the 413 has been sent; whatever the application answers after it is dropped
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await _too_large(send, self.max_body)


async def _too_large(send, limit: int) -> None:
    body = json.dumps({"error": {"code": "too_large", "message": f"request body over {limit} bytes"}}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """A strict Content-Security-Policy (no inline script, nothing from other origins but optional
    map tiles), no MIME sniffing, no framing, no referrer."""

    def __init__(self, app, online_tiles: bool = False):
        self.app = app
        self.headers = [
            (b"content-security-policy", CSP.format(tiles=TILES if online_tiles else "").encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
        ]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message = dict(message, headers=list(message.get("headers", [])) + self.headers)
            await send(message)

        await self.app(scope, receive, with_headers)
