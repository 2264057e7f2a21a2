"""Work done on another thread while DuckDB reads a big file (DuckDB, like hashlib, lets go of the
interpreter lock)."""

from __future__ import annotations

import threading


def meanwhile(work, data: bytes):
    """A function returning ``work()``: for a big file, computed on another thread while this one
    has DuckDB read it."""
    if len(data) < 1 << 20:
        done = work()
        return lambda: done
    box: list = []
    worker = threading.Thread(target=lambda: box.append(work()), daemon=True)
    worker.start()

    def result():
        worker.join()
        return box[0]
    return result
