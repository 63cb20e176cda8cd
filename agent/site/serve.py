"""A static file server for the built site, bound to 127.0.0.1 only.

Why not ``jekyll serve``: the preview must show exactly what `agent site build` produced (the
staging tree is temporary), and the stdlib server needs no livereload or extra gems.
"""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".svg": "image/svg+xml",
                      ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return


def site_server(root: Path, port: int = 0) -> ThreadingHTTPServer:
    """A server for ``root`` on 127.0.0.1 (port 0: any free port); call ``serve_forever``."""
    handler = functools.partial(_Quiet, directory=str(root))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)
