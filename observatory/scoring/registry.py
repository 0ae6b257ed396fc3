"""The criteria registry: every scoring criterion is a small function registered here.

A criterion reads a ``ScoringContext`` and returns a ``Verdict`` (status, score, evidence,
fix hint). The engine turns verdicts into ``CriterionResult`` records carrying the stable
id, pillar, weight and French label declared at registration.

A criterion that reads the clock or the availability history is registered with
``moves=True`` and states in each verdict until when it holds (``holds_until``): the instant
before which the same inputs give the same verdict. Only then may an unchanged dataset's
score be carried over to a later run without scoring it again (``observatory.reuse``).
A criterion registered without ``moves`` must give the same verdict at any time and
whatever the history (tests/scoring/test_horizons.py checks both claims).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from observatory.i18n import NP_
from observatory.model import PILLARS, Pillar, Status
from observatory.registry import Weights

if TYPE_CHECKING:
    from observatory.scoring.context import ScoringContext

__all__ = [
    "SCOPES",
    "FOREVER",
    "Criterion",
    "Verdict",
    "Weights",
    "all_criteria",
    "criterion",
    "get_criterion",
    "na",
    "fail",
    "partial",
    "passed",
    "graded",
    "holding",
]


@dataclass
class Verdict:
    """What a criterion concluded, before the engine adds id, pillar, weight and label."""

    status: Status
    score: float | None
    evidence: dict[str, Any] = field(default_factory=dict)
    fix_hint: str | None = None
    #: of a criterion that moves: the same inputs give this verdict at any instant before
    #: this one (``FOREVER``: at any time); None: it may change at any moment
    holds_until: datetime | None = None


#: ``holds_until`` of a verdict that time alone never changes: the last day of year 9999,
#: which every time zone can still write (``datetime.max`` is year 10000 east of UTC, which
#: a PostgreSQL server set to Paris time cannot hand back).
FOREVER = datetime(9999, 12, 31, tzinfo=UTC)


@dataclass(frozen=True)
class Criterion:
    """A registered criterion: stable dotted id, pillar, weight and French label;
    ``moves`` when it reads the clock or the availability history."""

    id: str
    pillar: Pillar
    weight: float
    label: str
    applies_to: str
    func: Callable[[ScoringContext], Verdict]
    doc: str
    moves: bool = False


_REGISTRY: dict[str, Criterion] = {}

# What a criterion applies to (``applies_to``): English codes, French words in the catalogue.
SCOPES: tuple[str, ...] = (
    NP_("scope", "dataset"),
    NP_("scope", "dataset (DCAT)"),
    NP_("scope", "SPDR dataset"),
    NP_("scope", "resource"),
    NP_("scope", "tabular resource"),
    NP_("scope", "API"),
)


def criterion(
    id: str,  # noqa: A002 - the public name used across the project
    pillar: Pillar,
    label: str,
    weight: float = 1.0,
    applies_to: str = "dataset",
    moves: bool = False,
) -> Callable[[Callable[[ScoringContext], Verdict]], Callable[[ScoringContext], Verdict]]:
    """Register the decorated function as criterion ``id``; ids must be unique. ``moves``:
    it reads the clock or the availability history, and states ``Verdict.holds_until``."""
    if pillar not in PILLARS:
        raise ValueError(f"unknown pillar {pillar!r} for criterion {id!r}")
    if not id.startswith(pillar + "."):
        raise ValueError(f"criterion id {id!r} must start with its pillar {pillar!r}")
    if applies_to not in SCOPES:
        raise ValueError(f"unknown scope {applies_to!r} for criterion {id!r} (see SCOPES)")

    def register(func: Callable[[ScoringContext], Verdict]) -> Callable[[ScoringContext], Verdict]:
        known = _REGISTRY.get(id)
        if known is not None and _origin(known.func) != _origin(func):
            raise ValueError(f"criterion {id!r} is registered twice")
        doc = inspect.cleandoc(func.__doc__ or "")
        if not doc:
            raise ValueError(f"criterion {id!r} has no docstring")
        _REGISTRY[id] = Criterion(id, pillar, weight, label, applies_to, func, doc, moves)
        return func

    return register


def _origin(func: Callable[..., object]) -> tuple[str, str]:
    """Where a function is defined: a module reload re-registers, a homonym does not."""
    return (getattr(func, "__module__", ""), getattr(func, "__qualname__", ""))


def all_criteria() -> list[Criterion]:
    """Every registered criterion, sorted by pillar (model order) then id."""
    order = {p: i for i, p in enumerate(PILLARS)}
    return sorted(_REGISTRY.values(), key=lambda c: (order[c.pillar], c.id))


def get_criterion(criterion_id: str) -> Criterion:
    """The criterion registered under ``criterion_id`` (KeyError when unknown)."""
    return _REGISTRY[criterion_id]


def passed(**evidence: Any) -> Verdict:
    """A fully met criterion."""
    return Verdict("pass", 1.0, evidence, None)


def fail(fix_hint: str, **evidence: Any) -> Verdict:
    """A criterion not met at all, with what to do about it."""
    return Verdict("fail", 0.0, evidence, fix_hint)


def partial(score: float, fix_hint: str, **evidence: Any) -> Verdict:
    """A criterion partly met (0 < score < 1)."""
    return Verdict("partial", max(0.0, min(1.0, score)), evidence, fix_hint)


def na(reason: str, **evidence: Any) -> Verdict:
    """The criterion does not apply: it leaves the denominator."""
    return Verdict("na", None, {"reason": reason, **evidence}, None)


def holding(verdict: Verdict, until: datetime = FOREVER) -> Verdict:
    """``verdict``, stated to hold until ``until`` (a criterion that moves)."""
    verdict.holds_until = until
    return verdict


def graded(score: float, fix_hint: str, **evidence: Any) -> Verdict:
    """Pass at 1, fail at 0, partial in between."""
    if score >= 1.0:
        return passed(**evidence)
    if score <= 0.0:
        return fail(fix_hint, **evidence)
    return partial(score, fix_hint, **evidence)
