"""Bokmål or nynorsk: count the everyday words the two written standards spell differently.

The word pairs are data (``language_pairs`` in ``ingest/lexicon/metadata.yaml``).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from ingest._letter import lexicon

__all__ = ["detect_language"]

_WORD = re.compile(r"[a-zæøåòéô]+")


@cache
def _words() -> tuple[frozenset[str], frozenset[str]]:
    pairs: dict[str, str] = lexicon()["language_pairs"]
    # "fordi" is the same in both; "vi" and "også" are bokmål and nynorsk alike.
    nn = frozenset(pairs) - {"fordi"}
    nb = frozenset(pairs.values()) - {"fordi", "vi", "også"}
    return nn, nb


def detect_language(text: str) -> str:
    """ "nn" or "nb". Bokmål is the default: a letter must lean clearly to nynorsk to count as one.

    A bokmål letter quotes the commission's bokmål title and a nynorsk letter may quote a
    bokmål resolution, so the decision is by majority with a margin, not by the first cue.
    """
    nn_words, nb_words = _words()
    words = Counter(_WORD.findall(text.lower()))
    nn = sum(n for w, n in words.items() if w in nn_words)
    nb = sum(n for w, n in words.items() if w in nb_words)
    # Adjectives in -leg/-lege (nynorsk) against -lig/-lige (bokmål) add weight beyond the word list.
    nn += sum(n for w, n in words.items() if w not in nn_words and len(w) > 5 and w.endswith(("leg", "lege")))
    nb += sum(n for w, n in words.items() if w not in nb_words and len(w) > 5 and w.endswith(("lig", "lige")))
    return "nn" if nn >= 3 and nn > nb * 1.2 else "nb"
