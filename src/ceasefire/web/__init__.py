"""The HTTP API and the offline web page (``ceasefire serve``)."""

from .app import WebSettings, create_app
from .server import serve

__all__ = ["WebSettings", "create_app", "serve"]
