"""Scripted faults, each at a stable path, attached to real datasets and APIs of the sandbox.

| name | path | behaviour | met by |
|---|---|---|---|
| not-found | ROME archive ZIP | 404 | ROME resource |
| slow-api | annuaire records API | answers after ``slow_seconds`` (1.5 s) | State org. API |
| intermittent-api | company search API | requests 1, N+1, 2N+1… (N=3) answer 500 | Sirene API |
| rate-limited | cadastre parcels file | 429 with Retry-After: 120 | PCI resource |
| lying-head | RNA import ZIP | HEAD 200 (no length, no date), GET 404 | RNA resource |
| firewall | RGE BD TOPO CSV | 200 text/html "Request Rejected" page | RGE resource |
| stale-dataset | State organisation dataset | weekly, last update 400 days ago | SPDR entry |
| schema-broken-csv | RNA Waldec extract | bad date, missing title, duplicate id | RNA resource |
| redirect-loop | /loop/a ↔ /loop/b | 302 forever | MTE resource |
| redirect-other-host | /latest/ban/… | 302 to the static host (normal) | BAN resource |
| empty-file | /static/faults/adresses-vide.csv | 200 text/csv, empty body | tests |
| head-without-type | /static/faults/stock-sans-type.zip | HEAD 200, no type; GET 500 | tests |
| head-disagrees | /static/faults/rpg-2023.zip | HEAD 200 length and type; GET 404 | tests |

The last three are HEAD answers that cannot be believed on their own: a probe confirms with
a ranged GET, and a host caught once (``head-without-type``) has its HEAD disbelieved for
the rest of the batch (``head-disagrees`` is then found down).
"""

from __future__ import annotations

from observatory.sandbox.common import Response
from observatory.sandbox.state import SandboxState

FAULTS: dict[str, str] = {
    "not-found": "/static/rome/archives/rome_v3_2019.zip",
    "slow-api": "/annuaire/api/explore/v2.1/catalog/datasets/api-lannuaire-administration/records"
    "?limit=1",
    "intermittent-api": "/recherche-entreprises/search?q=130025265",
    "rate-limited": "/static/cadastre/cadastre-france-parcelles.json.gz",
    "lying-head": "/static/rna/rna_import.zip",
    "firewall": "/static/rge/bdtopo-export-departements.csv",
    "stale-dataset": "/api/1/datasets/referentiel-de-lorganisation-administrative-de-letat/",
    "schema-broken-csv": "/static/rna/rna_waldec_extrait.csv",
    "redirect-loop": "/loop/a",
    "redirect-other-host": "/latest/ban/adresses-69.csv",
    "empty-file": "/static/faults/adresses-vide.csv",
    "head-without-type": "/static/faults/stock-sans-type.zip",
    "head-disagrees": "/static/faults/rpg-2023.zip",
}
# The host (state role) each fault is served from.
FAULT_ROLES: dict[str, str] = {
    "not-found": "static",
    "slow-api": "apis",
    "intermittent-api": "apis",
    # On its own host: the cool-off after a 429 holds back the whole host.
    "rate-limited": "schemas",
    "lying-head": "static",
    "firewall": "static",
    "stale-dataset": "portal",
    "schema-broken-csv": "static",
    "redirect-loop": "static",
    "redirect-other-host": "apis",
    "empty-file": "static",
    "head-without-type": "static",
    "head-disagrees": "static",
}
STALE_DAYS = 400

FIREWALL_PAGE = (
    b"<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. "
    b"Please consult with your administrator.<br><br>Your support ID is: 4211964321873190115"
    b"<br><br><a href='javascript:history.back();'>[Go Back]</a></body></html>"
)


def fault_response(state: SandboxState, path: str) -> Response | None:
    """The scripted answer for a fault path served by a producer host, or None."""
    if path == FAULTS["not-found"]:
        return Response(404, b"Not Found", "text/plain; charset=utf-8")
    if path == FAULTS["rate-limited"]:
        body = b'{"message": "Too many requests"}'
        return Response(429, body, headers={"Retry-After": "120"})
    if path == FAULTS["lying-head"]:
        head = Response(
            200,
            b"",
            "application/zip",
            headers={"Content-Length": ""},  # neither length nor date: probes must GET
        )
        return Response(404, b"Not Found", "text/plain; charset=utf-8", head_override=head)
    if path == FAULTS["empty-file"]:
        return Response(200, b"", "text/csv; charset=utf-8")
    if path == FAULTS["head-without-type"]:
        head = Response(200, b"", "", headers={"Content-Length": "4096"})
        return Response(500, b"Internal Server Error", "text/plain", head_override=head)
    if path == FAULTS["head-disagrees"]:
        head = Response(200, b"", "application/zip", headers={"Content-Length": "20480"})
        return Response(404, b"Not Found", "text/plain; charset=utf-8", head_override=head)
    if path == FAULTS["firewall"]:
        return Response(200, FIREWALL_PAGE, "text/html; charset=utf-8")
    if path in ("/loop/a", "/loop/b"):
        target = "/loop/b" if path == "/loop/a" else "/loop/a"
        return redirect(state.base("static") + target)
    if path.startswith("/latest/"):
        return redirect(state.base("static") + "/static/" + path.removeprefix("/latest/"))
    return None


def api_fault(state: SandboxState, path: str) -> tuple[Response | None, float]:
    """For the scripted APIs: an error answer to send instead, and a delay to apply."""
    # The first request fails, so a single observe run against a fresh sandbox meets it.
    every = max(state.fail_every, 1)
    if path == _path("intermittent-api") and (state.count(path) - 1) % every == 0:
        body = b'{"erreur": "Erreur interne du serveur"}'
        return Response(500, body), 0.0
    if path == _path("slow-api"):
        return None, state.slow_seconds
    return None, 0.0


def _path(name: str) -> str:
    return FAULTS[name].split("?", 1)[0]


def redirect(location: str, status: int = 302) -> Response:
    return Response(status, b"", "text/plain; charset=utf-8", headers={"Location": location})
