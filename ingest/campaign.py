"""Campaign texts: letters that repeat the same council resolution with small differences.

Near-duplicates are found by word-shingle Jaccard similarity after masking the sender's
own name (municipalities send the same resolution under their own names). The fingerprint
of a letter is a SimHash of its masked shingles: letters of one campaign get the same or
nearly the same value, and :func:`group_near_duplicates` groups them by Jaccard similarity,
so counts can be given per response and per distinct text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from ingest.model import PassageKind, ResponseDocument

__all__ = ["group_near_duplicates", "shingles", "text_fingerprint"]

SHINGLE = 5  # words per shingle
# Dates, case numbers and signatures differ between otherwise identical resolutions.
_VOLATILE = re.compile(r"\d+([./-]\d+)*")


def _masked_words(doc: ResponseDocument) -> list[str]:
    text = " ".join(p.text for p in doc.passages if p.kind is not PassageKind.HEADING and len(p.text) > 60)
    sender = doc.sender.name if doc.sender else doc.metadata.sender_name
    if sender:
        short = re.sub(r"\s+(kommune|fylkeskommune)$", "", sender, flags=re.IGNORECASE)
        for name in {sender, short}:
            if len(name) >= 3:
                text = re.sub(re.escape(name), " SENDER ", text, flags=re.IGNORECASE)
    text = _VOLATILE.sub(" N ", text.lower())
    return re.findall(r"[a-zæøå]+|SENDER|N", text.replace("sender", "SENDER"))


def shingles(doc: ResponseDocument) -> set[str]:
    words = _masked_words(doc)
    return {" ".join(words[i : i + SHINGLE]) for i in range(max(0, len(words) - SHINGLE + 1))}


def text_fingerprint(doc: ResponseDocument) -> str:
    """A 64-bit SimHash (hex) of the masked shingles: stable for the same text on every machine."""
    weights = [0] * 64
    for sh in shingles(doc):
        h = int.from_bytes(hashlib.blake2b(sh.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return f"{value:016x}"


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def group_near_duplicates(docs: Sequence[ResponseDocument], threshold: float = 0.6) -> list[list[str]]:
    """Groups (file names, sorted) of letters whose masked texts overlap at least ``threshold``.

    Single-link clustering; singletons are returned as groups of one. Quadratic in the
    number of letters, which is fine for a hearing's hundreds.
    """
    sets = [shingles(d) for d in docs]
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            if _jaccard(sets[i], sets[j]) >= threshold:
                parent[find(i)] = find(j)
    groups: dict[int, list[str]] = {}
    for i, d in enumerate(docs):
        groups.setdefault(find(i), []).append(d.file_name)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))
