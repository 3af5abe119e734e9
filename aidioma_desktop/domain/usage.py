"""What a model call costs, and how much of a person's monthly budget is spent (the seeds'
api_usage_log: each call is an `ai.used` event, so the budget holds across their laptops).

Prices are US dollars per million tokens, editable: the defaults below are a starting point,
a person's own table (Settings) replaces them model by model. A local model costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# (model name prefix, input $/Mtok, output $/Mtok): the longest matching prefix wins.
DEFAULT_PRICES: tuple[tuple[str, float, float], ...] = (
    ("claude-3-5-haiku", 0.80, 4.00),
    ("claude-haiku", 1.00, 5.00),
    ("claude-sonnet", 3.00, 15.00),
    ("claude-3-5-sonnet", 3.00, 15.00),
    ("claude-opus", 15.00, 75.00),
    ("gpt-4o-mini", 0.15, 0.60),
    ("gpt-4o", 2.50, 10.00),
    ("gpt-4.1-mini", 0.40, 1.60),
    ("gpt-4.1", 2.00, 8.00),
    ("mistral-small", 0.20, 0.60),
    ("mistral-large", 2.00, 6.00),
)
WARN_AT = 0.8  # a warning at 80 % of the budget; no call at 100 %


@dataclass(frozen=True, slots=True)
class Price:
    input_per_mtok: float
    output_per_mtok: float


def price_of(model: str, local: bool, table: Mapping[str, Price] | None = None) -> Price:
    """The price of a model: nothing for a local one; else the person's table, then the
    defaults, by the longest matching name prefix; unknown cloud models cost nothing known
    (shown as "price unknown" by the caller)."""
    if local:
        return Price(0.0, 0.0)
    name = model.lower()
    for prices in (table or {}, {p: Price(i, o) for p, i, o in DEFAULT_PRICES}):
        matches = [prefix for prefix in prices if name.startswith(prefix.lower())]
        if matches:
            return prices[max(matches, key=len)]
    return Price(0.0, 0.0)


def cost_usd(price: Price, tokens_in: int, tokens_out: int) -> float:
    return round(
        (tokens_in * price.input_per_mtok + tokens_out * price.output_per_mtok) / 1_000_000, 6
    )


@dataclass(frozen=True, slots=True)
class Spending:
    """This month's use by service, against the budget (None: no budget set)."""

    by_service: Mapping[str, float]
    calls: int
    budget_usd: float | None

    @property
    def total(self) -> float:
        return round(sum(self.by_service.values()), 6)

    @property
    def share(self) -> float | None:
        if not self.budget_usd:
            return None
        return self.total / self.budget_usd

    @property
    def warn(self) -> bool:
        return self.share is not None and self.share >= WARN_AT

    @property
    def exhausted(self) -> bool:
        return self.share is not None and self.share >= 1.0


def spending(uses: Iterable[tuple[str, float]], budget_usd: float | None) -> Spending:
    """Fold this month's (service, cost) uses."""
    by_service: dict[str, float] = {}
    calls = 0
    for service, cost in uses:
        by_service[service] = by_service.get(service, 0.0) + cost
        calls += 1
    return Spending(by_service, calls, budget_usd)
