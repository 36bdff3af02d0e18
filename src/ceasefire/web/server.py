"""Running the application: in the foreground for ``ceasefire serve``, or in a thread on a
socket of its own (tests and benchmarks use this)."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from ..store import Store
from .app import WebSettings, create_app


def serve(store: Store, host: str = "127.0.0.1", port: int = 8000, settings: WebSettings | None = None,
          log_level: str = "info") -> None:
    """Serve the API and the page until interrupted (one process, one event loop)."""
    uvicorn.run(create_app(store, settings), host=host, port=port, log_level=log_level, access_log=False,
                server_header=False, limit_concurrency=1000, timeout_keep_alive=30)


class ServerThread:
    """The application served by uvicorn in a background thread on a free loopback port.

        with ServerThread(store) as server:
            httpx.get(server.url + "/api/meta")
    """

    def __init__(self, store: Store, settings: WebSettings | None = None, host: str = "127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.url = f"http://{host}:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(create_app(store, settings), log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
