"""What publishing needs beyond two snapshots: availability figures and failure ages.

``report.publish_run`` fills it from the Store; tests may build it by hand. Every field
is optional so a site can still be rendered from snapshots alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from observatory.model import RunInfo


@dataclass
class PublishInputs:
    #: URL -> ``Store.availability(url, now)`` for each SPDR file and API.
    availability: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (dataset key, criterion id) -> first run of the current failing streak.
    since: dict[tuple[str, str], RunInfo] = field(default_factory=dict)
    #: URL -> name shown for it (API check names, resource titles).
    names: dict[str, str] = field(default_factory=dict)
    now: datetime | None = None
    #: SPDR key -> obligation -> 12-month grid (``availability.legal.dataset_grid``).
    legal_grid: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: SPDR key -> structural changes of its files, newest first (``storage.structures``).
    structure_changes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
