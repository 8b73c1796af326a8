"""Rule results per matched group, kept between runs so that a rerun judges only the groups that changed."""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["GroupResults"]

# Bump when the stored layout or the meaning of a group key changes.
_VERSION = 1


class GroupResults:
    """What per-group rules found in each group of the last run, by group key.

    A group key (:meth:`~factcheck.rules.base.RuleContext.group_key`) digests everything a
    per-group rule reads about the group: its claims as they are, the matcher's pairs, and its
    documents' sources and publication dates. The namespace digests the rest of what the
    results depend on: the code (rules included), the settings and whether the verifier judged
    the corpus. Equal key in an equal namespace, equal findings; so a rerun replays the stored
    findings of every unchanged group, in the order a cold run computes them, and judges only
    the groups that a changed document touches (or whose sources changed).

    Only the groups of the latest run are written back (:meth:`dumps`), so the store does not
    grow with the history of the corpus.
    """

    def __init__(self, previous: bytes | None = None, *, code: str = "") -> None:
        self._code = code
        self._namespace = ""
        self._old: dict[str, dict[str, Any]] = {}
        self._old_namespace = ""
        if previous is not None:
            try:
                data = json.loads(previous)
                if data.get("version") == _VERSION and isinstance(data.get("groups"), dict):
                    self._old = data["groups"]
                    self._old_namespace = str(data.get("namespace", ""))
            except (ValueError, AttributeError):
                self._old = {}  # written by another version: judged again and replaced
        self._new: dict[str, dict[str, Any]] = {}
        self._judged: set[str] = set()
        self._reused: set[str] = set()

    def start(self, context: str) -> None:
        """Bind the store to this run's `context` (settings, verifier use); stale results go."""
        self._namespace = hashlib.sha256(f"{self._code}\0{context}".encode()).hexdigest()
        if self._namespace != self._old_namespace:
            self._old = {}

    def get(self, key: str, name: str, *, tally: bool = True) -> Any | None:
        """The value stored under (`key`, `name`) by this run or the last, else None.

        `tally`: `key` names a group, counted in :meth:`stats` (False: another kind of entry)."""
        entry = self._new.get(key)
        if entry is not None and name in entry:
            return entry[name]
        old = self._old.get(key)
        if old is None or name not in old:
            return None
        self._new.setdefault(key, {})[name] = old[name]
        if tally:
            self._reused.add(key)
        return old[name]

    def put(self, key: str, name: str, value: Any, *, tally: bool = True) -> None:
        """Record a value this run computed (JSON-serialisable); `tally` as in :meth:`get`."""
        self._new.setdefault(key, {})[name] = value
        if tally:
            self._judged.add(key)

    def stats(self) -> dict[str, int]:
        """Groups judged by this run and groups whose results it reused."""
        return {
            "rule_groups_judged": len(self._judged),
            "rule_groups_reused": len(self._reused - self._judged),
        }

    def dumps(self) -> bytes:
        data = {"version": _VERSION, "namespace": self._namespace, "groups": self._new}
        return json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
