"""A bounded in-process cache of per-file analyser results: unchanged files are not re-analysed."""

from __future__ import annotations

import copy
import hashlib
import threading
from collections import OrderedDict

from devsecbots.graphs.state import Finding

CacheKey = tuple[str, str, str, str]  # (path, content sha256, analyser, analyser/rules version)


def cache_key(path: str, content: str, analyser: str, version: str) -> CacheKey:
    """The key under which one file's results from one analyser version are stored."""
    digest = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()
    return (path, digest, analyser, version)


class AnalysisCache:
    """Least-recently-used map from CacheKey to that file's findings (copies in and out)."""

    def __init__(self, max_entries: int = 50_000) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[CacheKey, list[Finding]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: CacheKey) -> list[Finding] | None:
        """The cached findings for key, or None when the file was not analysed this way before."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return copy.deepcopy(found)

    def put(self, key: CacheKey, findings: list[Finding]) -> None:
        """Remember findings for key, dropping the least recently used entries beyond the bound."""
        with self._lock:
            self._entries[key] = copy.deepcopy(findings)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


DEFAULT_CACHE = AnalysisCache()
