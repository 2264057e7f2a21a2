"""Bytes to text: the encoding of an uploaded file (UTF-8 with or without BOM, UTF-16 with BOM,
else Windows-1252), the binary files refused for their control characters, and the one C pass
over the bytes that tells whether DuckDB can decode a file by itself (and counts its lines for the
cap on lines)."""

from __future__ import annotations

import re
from dataclasses import dataclass

XLSX_MAGIC = b"PK\x03\x04"  # a zip archive: read as a workbook (workbook.py), never as text
CONTROLES = "il contient des caractères de contrôle (fichier binaire)"
_CONTROL_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what decode() calls a binary file
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r")  # the same, as bytes
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
_C1 = bytes(range(0x80, 0xA0))  # the bytes where Windows-1252 and Latin-1 differ
_NOT_C1 = bytes(b for b in range(256) if b not in _C1)
_ORDINARY = bytes(b for b in range(256) if b not in _C1 + _CONTROL + b"\n")  # every byte scan() ignores


def blank(data: bytes, start: int = 0) -> bool:
    """Whether ``data[start:]`` holds only white space (without copying a big file that has text
    near ``start``)."""
    return not data[start:start + 4096].strip() and not data[start:].strip()


def decode(data: bytes) -> tuple[str | None, str | None, str | None]:
    """(text, encoding, error): UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            return None, None, f"il commence par une marque UTF-16 mais n'est pas de l'UTF-16 valide (octet {exc.start})"
        if _CONTROL_TEXT.search(text):
            return None, None, CONTROLES
        return text, "utf-16", None
    if data.startswith(b"\xef\xbb\xbf"):
        data, tried = data[3:], "utf-8"
    else:
        tried = None
    if b"\x00" in data:
        return None, None, "il contient des octets nuls (fichier binaire)"
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        if tried:
            return None, None, "il commence par une marque UTF-8 mais n'est pas de l'UTF-8 valide"
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            return None, None, f"octet 0x{data[exc.start]:02X} inconnu en position {exc.start}"
    # anywhere in the file: a control byte is the same byte in UTF-8 and Windows-1252, never part of
    # another character (translate() runs in C, ten times faster than a regular expression)
    if data.translate(None, _NOT_CONTROL):
        return None, None, CONTROLES
    return text, encoding, None


@dataclass(frozen=True)
class Scan:
    """What scan() finds in a file's bytes."""

    encoding: str | None  # see bytes_encoding
    newlines: int  # line feeds in the file
    controls: bool  # whether a control character decode() refuses is anywhere in the file


def scan(data: bytes) -> Scan:
    """One C pass over the bytes (translate() deletes every byte but the few looked for: measured
    3 ms on 10 MB, where a numpy mask cost 20 ms inside an import, and a regular expression 70 ms):
    the encoding DuckDB can read the file in, its line feeds (the cap on lines) and whether it holds
    a control character anywhere (a control byte is the same byte in UTF-8 and Windows-1252, never
    part of another character)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return Scan(None, 0, False)  # decode() reads these, and the Python path counts their lines
    kept = data.translate(None, _ORDINARY)
    newlines = kept.count(b"\n")
    controls = bool(kept.translate(None, _NOT_CONTROL))
    if is_utf8(data):
        return Scan("utf-8", newlines, controls)
    if data.startswith(b"\xef\xbb\xbf") or kept.translate(None, _NOT_C1):
        return Scan(None, newlines, controls)
    return Scan("latin-1", newlines, controls)


def bytes_encoding(data: bytes) -> str | None:
    """The encoding DuckDB can decode ``data`` with by itself, as decode() would read it: UTF-8 when
    the bytes are valid UTF-8, else Latin-1 when no byte falls in 0x80-0x9F (where Windows-1252 and
    Latin-1 differ: there the two decode every byte alike). None when Python must decode."""
    return scan(data).encoding


def is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8; a file that is not fails on its first 64 KiB, cheaply."""
    head = data[:65536]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # a real error, not a character cut by the 64 KiB limit
            return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
