"""When to try the server again after a failure: exponential backoff with full jitter.

Jitter spreads the retries of a family's laptops that all lost the network at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

INTERVAL_S = 300.0  # a signed-in app syncs this often when all is well


@dataclass
class Backoff:
    base_s: float = 5.0
    max_s: float = 900.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def failed(self) -> float:
        """Count a failure; the seconds to wait before the next try."""
        self.failures += 1
        ceiling = min(self.max_s, self.base_s * 2 ** (self.failures - 1))
        return self.rng.uniform(ceiling / 2, ceiling)

    def succeeded(self) -> float:
        self.failures = 0
        return INTERVAL_S
