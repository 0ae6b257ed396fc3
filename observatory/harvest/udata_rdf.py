"""DCAT-AP SHACL verdicts for datasets read from a udata API, from the portal's own RDF.

udata renders each dataset in DCAT (``dataset_to_rdf``) at ``/api/1/datasets/<id>/rdf``,
which redirects by content negotiation to ``/api/1/datasets/<id>/rdf.<format>``. The API's
JSON carries no RDF, so a dataset read from it gets its SHACL verdict from that document:
fetched under the same guard and caps as a catalogue page, read by the DCAT reader and
validated by the same per-page check (``fetch_dcat_page(..., shacl=N)``), its verdict then
copied onto the API record (``extras["shacl"]``), where ``conformity.dcat_shacl`` reads it.

One request per dataset: meant for the few reference datasets (SPDR), not a whole portal.
A document that cannot be fetched or read is a named error on the source; the dataset then
has no verdict (the criterion says "not applicable"), and the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote

import requests

from observatory.harvest.dcat import fetch_dcat_page
from observatory.model import Dataset, SourceError
from observatory.net.fetch import HttpSettings


def dataset_rdf_url(portal_url: str, dataset_id: str) -> str:
    """udata's per-dataset RDF route (content-negotiated)."""
    return f"{portal_url.rstrip('/')}/api/1/datasets/{quote(dataset_id, safe='')}/rdf"


def check_datasets_rdf(
    datasets: Iterable[Dataset],
    portal_url: str,
    catalogue_id: str,
    http: HttpSettings,
    session: requests.Session | None = None,
    limit: int = 1,
) -> list[SourceError]:
    """Give each dataset the SHACL verdict of its portal RDF; the errors met, never raised.
    ``limit``: the per-page SHACL cap of the settings (0: SHACL off, nothing fetched)."""
    errors: list[SourceError] = []
    if limit < 1:
        return errors
    for dataset in datasets:
        ident = dataset.source_id or dataset.slug
        if not ident:
            continue
        url = dataset_rdf_url(portal_url, ident)
        page = fetch_dcat_page(url, catalogue_id, http, session, shacl=limit)
        for error in page.errors:
            error.message = f"RDF of dataset {ident}: {error.message}"
        errors.extend(page.errors)
        described = _same_dataset(dataset, page.datasets)
        if described is not None and "shacl" in described.extras:
            dataset.extras["shacl"] = described.extras["shacl"]
        elif not page.errors:
            message = f"RDF of dataset {ident}: no DCAT description of this dataset at {url}"
            errors.append(SourceError(catalogue_id, url, "shacl", message, datetime.now(UTC)))
    return errors


def _same_dataset(dataset: Dataset, described: list[Dataset]) -> Dataset | None:
    """The RDF record of ``dataset``: same identifier, else the document's only dataset."""
    for other in described:
        if dataset.source_id and other.source_id == dataset.source_id:
            return other
    return described[0] if len(described) == 1 else None
