"""An httpx transport that refuses an answer larger than a limit once decompressed.

Why a transport: clients we do not drive ourselves (the openai SDK under langchain) read the whole
body in one go, so a 2 MB gzip answer inflating to 2 GiB would end in MemoryError. Decoding here,
in bounded steps, stops at the limit whatever the client does with the body afterwards.
Only gzip and deflate are asked for and accepted; another encoding is refused rather than trusted.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import httpx


class BodyTooLarge(Exception):
    """The answer grew past the limit (or used an encoding we do not decode); ``str`` says which."""


class _CappedStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, encoding: str, limit: int) -> None:
        self._inner = inner
        self._encoding = encoding
        self._limit = limit

    def _decoder(self) -> zlib._Decompress | None:
        if self._encoding in ("", "identity"):
            return None
        if self._encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self._encoding == "deflate":
            return zlib.decompressobj()
        raise BodyTooLarge(f"answer uses content-encoding {self._encoding!r}, which is not accepted")

    def __iter__(self) -> Iterator[bytes]:
        decoder = self._decoder()
        total = 0

        def counted(part: bytes) -> bytes:
            nonlocal total
            total += len(part)
            if total > self._limit:
                raise BodyTooLarge(f"answer larger than {self._limit / 2**20:g} MB once decompressed; refused")
            return part

        for chunk in self._inner:
            if decoder is None:
                yield counted(chunk)
                continue
            data = chunk
            while data:  # max_length keeps each step bounded; the rest waits in unconsumed_tail
                yield counted(decoder.decompress(data, self._limit - total + 1))
                data = decoder.unconsumed_tail
        if decoder is not None:
            yield counted(decoder.flush())

    def close(self) -> None:
        self._inner.close()


class CappedTransport(httpx.BaseTransport):
    """Wraps a transport; every answer body is decoded here and cut off past ``limit`` bytes."""

    def __init__(self, limit: int, inner: httpx.BaseTransport | None = None) -> None:
        self._limit = limit
        self._inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["Accept-Encoding"] = "gzip, deflate"
        response = self._inner.handle_request(request)
        encoding = response.headers.get("content-encoding", "").strip().lower()
        headers = [(k, v) for k, v in response.headers.raw
                   if not encoding or k.lower() not in (b"content-encoding", b"content-length")]
        assert isinstance(response.stream, httpx.SyncByteStream)
        return httpx.Response(response.status_code, headers=headers,
                              stream=_CappedStream(response.stream, encoding, self._limit),
                              extensions=response.extensions)

    def close(self) -> None:
        self._inner.close()
