"""Availability criteria: files against 99 %, SPDR APIs against 99.5 %."""

from __future__ import annotations

from datetime import timedelta

import pytest
from scoring_helpers import NOW, context, dist, good_dataset, probe, run, spdr_entry

from observatory.scoring.criteria.availability import uptime_score

R1 = "https://files.example.org/r1.csv"
R3 = "https://files.example.org/r3.csv"
API = "https://api.example.org/search?q=x"


def two_files():
    return good_dataset(distributions=[dist(1), dist(3), dist(2, type="documentation")])


def test_files_all_up_pass():
    ctx = context(two_files(), probes={R1: probe(R1), R3: probe(R3)})
    result = run("availability.files", ctx)
    assert result.status == "pass" and result.score == 1.0
    assert result.evidence["meets_bar"] is True


def test_files_one_down_is_partial_and_degraded_counts_half():
    ctx = context(two_files(), probes={R1: probe(R1), R3: probe(R3, "down", status=404)})
    result = run("availability.files", ctx)
    assert result.status == "partial" and result.score == 0.5
    assert R3 in result.fix_hint
    degraded = context(two_files(), probes={R1: probe(R1), R3: probe(R3, "degraded")})
    assert run("availability.files", degraded).score == 0.75


def test_files_all_down_fail():
    ctx = context(two_files(), probes={R1: probe(R1, "down"), R3: probe(R3, "down")})
    result = run("availability.files", ctx)
    assert result.status == "fail" and result.score == 0.0


def test_files_unknown_excluded_and_documentation_ignored():
    doc_url = "https://files.example.org/r2.csv"
    ctx = context(
        two_files(),
        probes={
            R1: probe(R1),
            R3: probe(R3, "unknown", status=429),
            doc_url: probe(doc_url, "down"),
        },
    )
    result = run("availability.files", ctx)
    assert result.status == "pass"
    assert result.evidence["unchecked"] == 1
    assert [i["url"] for i in result.evidence["items"]] == [R1]


def test_files_not_applicable_when_nothing_checked():
    assert run("availability.files", context()).status == "na"
    refused = context(probes={R1: probe(R1, "refused")})
    assert run("availability.files", refused).status == "na"


def test_files_use_30_day_uptime_when_known():
    ds = good_dataset(distributions=[dist(1)])
    ctx = context(ds, probes={R1: probe(R1, "down")}, uptime={R1: 0.98})
    result = run("availability.files", ctx)
    # 98 % is under the legal 99 % bar; transport.data.gouv.fr maps it to 0.75
    assert result.status == "partial" and result.score == 0.75
    assert result.evidence["items"][0]["basis"] == "uptime_30d"
    good = run("availability.files", context(ds, uptime={R1: 0.996}))
    assert good.status == "pass" and good.score == 1.0


@pytest.mark.parametrize(
    ("share", "score"), [(1.0, 1.0), (0.995, 1.0), (0.98, 0.75), (0.96, 0.5), (0.9, 0.0)]
)
def test_uptime_mapping(share, score):
    assert uptime_score(share) == score


def test_apis_only_for_spdr():
    assert run("availability.apis", context(api_probes=[probe(API, target="api")])).status == "na"
    no_check = context(spdr=spdr_entry())
    assert run("availability.apis", no_check).status == "na"


def test_apis_latest_check_decides():
    older = probe(
        API, "down", target="api", check_name="search", checked_at=NOW - timedelta(hours=1)
    )
    newer = probe(API, "up", target="api", check_name="search")
    result = run("availability.apis", context(spdr=spdr_entry(), api_probes=[newer, older]))
    assert result.status == "pass"
    assert result.evidence["bar"] == 0.995
    down = run("availability.apis", context(spdr=spdr_entry(), api_probes=[older]))
    assert down.status == "fail" and "search" in down.fix_hint


def test_apis_uptime_below_legal_bar():
    ctx = context(
        spdr=spdr_entry(),
        api_probes=[probe(API, target="api", check_name="search")],
        uptime={API: 0.993},
    )
    result = run("availability.apis", ctx)
    assert result.status == "partial" and result.score == 0.75
    assert result.evidence["meets_bar"] is False
