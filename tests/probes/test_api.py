"""check_api: up only when every assertion holds; answering-but-wrong is degraded."""

from __future__ import annotations

import pytest

from observatory.probes.api import _MISSING, PathError, check_api, parse_path, resolve_path
from observatory.registry import ApiCheck, Expectation

P = "features[0].properties."


def GEO(server) -> str:  # noqa: N802
    return f"{server.base}/api/geocode"


def api(url: str, **expect) -> ApiCheck:
    return ApiCheck(name="geocode", url=url, expect=Expectation(**expect))


def test_all_assertions_hold_is_up(server, http):
    check = api(
        f"{server.base}/api/geocode?q=amiens",
        content_type="application/json",
        json_path="features[0].properties.label",
        equals="8 Boulevard du Port 80000 Amiens",
        type="string",
        contains="FeatureCollection",
        max_latency_ms=5000,
    )
    result = check_api(check, http)
    assert result.outcome == "up", result.reason
    assert result.target == "api"
    assert result.check_name == "geocode"
    assert all(a["ok"] for a in result.extra["assertions"])
    assert len(result.extra["assertions"]) == 7


def test_wrong_value_is_degraded_and_names_the_assertion(server, http):
    check = api(GEO(server), json_path=P + "label", equals="Lyon")
    result = check_api(check, http)
    assert result.outcome == "degraded"
    assert "answering but wrong" in result.reason
    assert "features[0].properties.label equals" in result.reason
    assert '"Lyon"' in result.reason and "Amiens" in result.reason


def test_wrong_type_is_degraded(server, http):
    check = api(GEO(server), json_path=P + "score", type="string")
    result = check_api(check, http)
    assert result.outcome == "degraded"
    assert 'expected "string", got "number"' in result.reason


def test_number_type_accepts_a_float(server, http):
    check = api(GEO(server), json_path=P + "score", type="number")
    assert check_api(check, http).outcome == "up"


def test_missing_path_is_degraded(server, http):
    check = api(f"{server.base}/api/geocode", json_path="features[3].properties.label")
    result = check_api(check, http)
    assert result.outcome == "degraded"
    assert "(absent)" in result.reason


def test_wrong_content_type_is_degraded(server, http):
    result = check_api(api(f"{server.base}/file.csv", content_type="application/json"), http)
    assert result.outcome == "degraded"
    assert "content_type" in result.reason and "text/csv" in result.reason


def test_unexpected_client_status_is_degraded(server, http):
    result = check_api(api(f"{server.base}/nowhere"), http)
    assert result.outcome == "degraded"
    assert "status: expected 200, got 404" in result.reason


def test_over_max_latency_is_degraded(server, http):
    result = check_api(api(f"{server.base}/slow.csv", max_latency_ms=100), http)
    assert result.outcome == "degraded"
    assert "max_latency_ms" in result.reason


def test_slower_than_the_slow_threshold_is_degraded(server, http):
    result = check_api(api(f"{server.base}/slow.csv"), http, slow_ms=100)
    assert result.outcome == "degraded"
    assert "slow" in result.reason


def test_server_error_is_down(server, http):
    result = check_api(api(f"{server.base}/api/error"), http)
    assert result.outcome == "down"
    assert result.status == 500


def test_rate_limited_is_unknown(server, http):
    assert check_api(api(f"{server.base}/429"), http).outcome == "unknown"
    result = check_api(api(f"{server.base}/503-retry"), http)
    assert result.outcome == "unknown"
    assert "Retry-After: 30" in result.reason


def test_refused_api_address(server):
    from observatory.net.fetch import HttpSettings

    result = check_api(api(f"{server.base}/api/geocode"), HttpSettings())
    assert result.outcome == "refused"


def test_json_path_resolver():
    doc = {"a": [{"b": {"c": 1}}, [10, 20]], "x.y": 2}
    assert parse_path("a[0].b.c") == ["a", 0, "b", "c"]
    assert resolve_path(doc, "a[0].b.c") == 1
    assert resolve_path(doc, "a[1][1]") == 20
    assert resolve_path([{"k": "v"}], "[0].k") == "v"
    assert resolve_path(doc, "a[5]") is _MISSING
    assert resolve_path(doc, "a.b") is _MISSING
    with pytest.raises(PathError):
        parse_path("a[x]")
