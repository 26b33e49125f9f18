"""``stream.Lines``: every line of the input, whole and in order, however the bytes
arrive (lines split across reads, a last line without a newline, empty lines, a line
over the length limit), read from a real pipe."""

from __future__ import annotations

import os
import random
import threading

from segdsl.tools.live.stream import MAX_LINE, Lines


def read_all(chunks: list[bytes]) -> list[bytes]:
    r, w = os.pipe()

    def feed() -> None:
        for c in chunks:
            os.write(w, c)
        os.close(w)

    t = threading.Thread(target=feed)
    t.start()
    lines = Lines(r)
    out = []
    while (line := lines.next(lambda: False)) is not None:
        out.append(line)
    t.join()
    os.close(r)
    return out


def test_lines_split_at_random_places_come_out_whole() -> None:
    rng = random.Random(3)
    lines = [
        f'{{"tick": "2026-06-{i % 28 + 1:02d}T00:00:00Z", "n": {i}}}'.encode() for i in range(5000)
    ]
    lines[17] = b""  # an empty line is a line
    data = b"\n".join(lines)  # the last one without a newline
    chunks, i = [], 0
    while i < len(data):
        n = rng.choice([1, 2, 7, 100, 4096, 70000])
        chunks.append(data[i : i + n])
        i += n
    assert read_all(chunks) == lines


def test_a_line_over_the_limit_is_handed_on_and_the_next_one_is_whole() -> None:
    long = b"x" * (MAX_LINE + 10)
    got = read_all([b"first\n", long[: MAX_LINE // 2], long[MAX_LINE // 2 :] + b"\nlast\n"])
    assert got[0] == b"first"
    assert got[-1] == b"last"
    assert sum(len(x) for x in got[1:-1]) == len(long)  # reported as too long by the caller
