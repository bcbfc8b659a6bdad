"""Text utilities: hashing, tokenisation and splitting long texts into passages."""

from __future__ import annotations

import hashlib
import re

_BLOCK_SPLIT = re.compile(r"\n\s*\n|\n")


def text_hash(text: str) -> str:
    """Return the sha256 hex digest of ``text`` (UTF-8), the key of an embedding cache entry.

    Args:
        text: Passage text exactly as it is sent to the model.

    Returns:
        A 64-character lowercase hex string.
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def word_windows(n_words: int, window: int, overlap: int) -> list[tuple[int, int]]:
    """Split ``range(n_words)`` into windows of at most ``window`` words with ``overlap``.

    The last window is aligned to the end so that it is as long as the others; together the
    windows cover every word.

    Args:
        n_words: Number of words.
        window: Maximum words per window (> 0).
        overlap: Words shared by consecutive windows (0 <= overlap < window).

    Returns:
        A list of ``(start, end)`` half-open word ranges; empty when ``n_words`` is 0.
    """
    if window <= 0 or not 0 <= overlap < window:
        raise ValueError("need window > 0 and 0 <= overlap < window")
    if n_words <= 0:
        return []
    if n_words <= window:
        return [(0, n_words)]
    stride = window - overlap
    spans = []
    start = 0
    while start + window < n_words:
        spans.append((start, start + window))
        start += stride
    spans.append((n_words - window, n_words))
    return spans


def split_blocks(text: str) -> list[list[str]]:
    """Split ``text`` into blocks (lines or paragraphs) of words, dropping empty blocks."""
    blocks = []
    for block in _BLOCK_SPLIT.split(text):
        words = block.split()
        if words:
            blocks.append(words)
    return blocks


def passage_spans(text: str, window: int = 150, overlap: int = 30) -> list[tuple[int, int]]:
    """Return the passages of ``text`` as ``(start, end)`` ranges over ``text.split()``.

    Line breaks are natural boundaries (a company profile made of several project
    descriptions should not mix them in one passage), so blocks are split first; consecutive
    short blocks are packed together while they fit in one window, and long blocks are cut
    into overlapping word windows.

    Args:
        text: Any text.
        window: Maximum words per passage.
        overlap: Words shared by consecutive windows of one long block.

    Returns:
        Half-open word ranges into ``text.split()``; they cover every word.
    """
    spans: list[tuple[int, int]] = []
    offset = 0
    pack_start = pack_end = 0
    for words in split_blocks(text):
        n = len(words)
        if pack_end > pack_start and pack_end - pack_start + n <= window:
            pack_end += n
        else:
            if pack_end > pack_start:
                spans.append((pack_start, pack_end))
            if n <= window:
                pack_start, pack_end = offset, offset + n
            else:
                spans.extend((offset + s, offset + e) for s, e in word_windows(n, window, overlap))
                pack_start = pack_end = offset + n
        offset += n
    if pack_end > pack_start:
        spans.append((pack_start, pack_end))
    return spans


def split_passages(text: str, window: int = 150, overlap: int = 30) -> list[str]:
    """Split ``text`` into passages of at most ``window`` words (see :func:`passage_spans`).

    Args:
        text: Any text.
        window: Maximum words per passage.
        overlap: Words shared by consecutive windows of one long block.

    Returns:
        Passage strings with whitespace normalised to single spaces; empty for blank text.
    """
    words = text.split()
    return [" ".join(words[s:e]) for s, e in passage_spans(text, window, overlap)]
