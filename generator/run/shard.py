"""Shards: ``run-checks --shard K/N`` runs a deterministic 1/N of the selected checks.

A check and the checks it ``needs`` (and the checks needing them, transitively)
form a group that always lands in one shard, so a need is never waited for in
another process. A group goes to shard ``1 + hash(smallest key) mod N``: the
same catalogue gives the same split on every runner and every day, and adding
a check moves only its own group.
"""

from __future__ import annotations

import hashlib
import re
from typing import Sequence

from generator.errors import UsageError
from generator.format.model import CheckSpec

__all__ = ["Shard", "parse_shard", "shard_checks", "shard_of"]

Shard = tuple[int, int]  # (K, N): the K-th of N shards, 1-based
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(text: str) -> Shard:
    """``"2/3"`` → (2, 3); anything else is a usage error saying what is expected."""
    match = _SHARD.match(text)
    if match is None or not 1 <= int(match[1]) <= int(match[2]):
        raise UsageError(f"--shard {text}: expected K/N with 1 ≤ K ≤ N, e.g. 2/3")
    return int(match[1]), int(match[2])


def shard_of(key: str, count: int) -> int:
    """The 1-based shard of a group whose smallest check key is ``key`` (stable across processes and runs)."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return 1 + int.from_bytes(digest[:8], "big") % count


def shard_checks(checks: Sequence[CheckSpec], shard: Shard) -> list[CheckSpec]:
    """The checks of shard ``K/N``, in their order."""
    k, n = shard
    if n == 1:
        return list(checks)
    group = _groups(checks)
    return [check for check in checks if shard_of(group[check.key], n) == k]


def _groups(checks: Sequence[CheckSpec]) -> dict[str, str]:
    """Each check's group, named by its smallest key: union-find over ``needs``."""
    parent = {check.key: check.key for check in checks}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for check in checks:
        for need in check.need_keys:
            if need in parent:
                a, b = root(check.key), root(need)
                parent[max(a, b)] = min(a, b)
    return {key: root(key) for key in parent}
