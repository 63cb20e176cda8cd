"""Read the key/value header of a GGUF file (not its tensors) to learn how to drive the model.

Why our own reader: the only question asked is "does this file carry a chat template?", and the
one library that answers it (``gguf``) parses every tensor descriptor in Python first — 35–40 s
for the bundled file on a busy 2-core machine. The header is a flat list of typed values, so a
sequential read that stops at the end of the key/value section takes milliseconds.

Format (GGUF v2/v3, little-endian): magic ``GGUF``, uint32 version, uint64 tensor count,
uint64 key/value count, then per entry: a string key, a uint32 value type, the value. Strings
are a uint64 length and UTF-8 bytes; arrays are a uint32 element type, a uint64 count, elements.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

from tools.errors import ConfigError

_MAGIC = b"GGUF"
# value type → struct format of a scalar of that type
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
#: A key longer than this, or more entries than this, means the file is not a GGUF we can read.
_MAX_KEY, _MAX_ENTRIES = 1 << 16, 1 << 20


class GgufFormatError(ConfigError):
    """The file is not a readable GGUF model (wrong magic, truncated, absurd sizes)."""


def _read(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise GgufFormatError("truncated GGUF header")
    return data


def _unpack(stream: BinaryIO, fmt: str) -> int | float | bool:
    value: int | float | bool = struct.unpack(fmt, _read(stream, struct.calcsize(fmt)))[0]
    return value


def _string(stream: BinaryIO, limit: int | None = None) -> str:
    length = int(_unpack(stream, "<Q"))
    if limit is not None and length > limit:
        raise GgufFormatError("implausible string length in GGUF header")
    return _read(stream, length).decode("utf-8", errors="replace")


def _skip_string(stream: BinaryIO) -> None:
    stream.seek(int(_unpack(stream, "<Q")), 1)


def _value(stream: BinaryIO, kind: int) -> object:
    """A scalar or string value; arrays are skipped (we need no array-valued key) and return None."""
    if kind in _SCALARS:
        return _unpack(stream, _SCALARS[kind])
    if kind == _STRING:
        return _string(stream)
    if kind == _ARRAY:
        item_kind = int(_unpack(stream, "<I"))
        count = int(_unpack(stream, "<Q"))
        if item_kind in _SCALARS:
            stream.seek(count * struct.calcsize(_SCALARS[item_kind]), 1)
        elif item_kind == _STRING:
            for _ in range(count):
                _skip_string(stream)
        else:
            raise GgufFormatError(f"unsupported GGUF array element type {item_kind}")
        return None
    raise GgufFormatError(f"unsupported GGUF value type {kind}")


def read_metadata(path: Path) -> dict[str, object]:
    """Scalar and string metadata of a GGUF file (array values are left out)."""
    try:
        with path.open("rb") as stream:
            if stream.read(4) != _MAGIC:
                raise GgufFormatError(f"{path} is not a GGUF model file")
            version = int(_unpack(stream, "<I"))
            if version < 2:
                raise GgufFormatError(f"{path}: GGUF version {version} is too old")
            _unpack(stream, "<Q")  # tensor count
            entries = int(_unpack(stream, "<Q"))
            if entries > _MAX_ENTRIES:
                raise GgufFormatError("implausible GGUF key count")
            meta: dict[str, object] = {}
            for _ in range(entries):
                key = _string(stream, _MAX_KEY)
                value = _value(stream, int(_unpack(stream, "<I")))
                if value is not None:
                    meta[key] = value
            return meta
    except OSError as exc:
        raise GgufFormatError(f"cannot read {path}: {exc.strerror or exc}") from exc


def chat_template(path: Path) -> str | None:
    """The model's chat template, or None for a base model that has none (completion mode)."""
    value = read_metadata(path).get("tokenizer.chat_template")
    return value if isinstance(value, str) and value.strip() else None
