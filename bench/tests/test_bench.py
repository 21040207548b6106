"""The generator and the bench's pieces on tiny data (figures are reported, never asserted as timings)."""

import pytest
from django.core.management import CommandError, call_command

from bench import generator, measure
from bench.management.commands.bench import table
from cases.models import Case, CaseStatus, KeyQuestionAnswer, PromptAnswer
from ratings.selectors import FINAL, inspection_ratings_get

pytestmark = pytest.mark.django_db


def test_generator_writes_complete_approved_cases_of_the_right_sizes(framework):
    references = generator.generate(inspections=3, seed=7)
    inspections = list(generator.generated(7).order_by("reference"))
    assert [i.reference for i in inspections] == references
    sizes = [i.cases.count() for i in inspections]
    assert sizes[:2] == [14, 91] and all(14 <= s <= 91 for s in sizes)
    cases = Case.objects.filter(inspection__in=inspections)
    assert not cases.exclude(status=CaseStatus.APPROVED).exists()
    court = cases.filter(category="court").count()
    assert 0.5 < court / cases.count() < 0.7
    assert not PromptAnswer.objects.filter(case__in=cases, value="").exists()
    assert not KeyQuestionAnswer.objects.filter(case__in=cases, value="").exists()
    for inspection in inspections:
        ratings = inspection_ratings_get(inspection, figures=FINAL)
        case_based = [s for d in ratings.domains for s in d.standards if s.is_case_based]
        assert case_based and all(s.computed_rating for s in case_based)
        assert ratings.counted_cases  # every case counts: all approved


def test_generator_refuses_the_same_seed_and_replaces_on_request(framework):
    generator.generate(inspections=1, seed=8)
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_national_data", inspections=1, seed=8)
    call_command("generate_national_data", inspections=1, seed=8, replace=True)
    assert generator.generated(8).count() == 1


def test_query_counts_are_measured_for_both_sizes_and_leave_nothing_behind(framework):
    generator.generate(inspections=2, seed=9)
    small, large = generator.generated(9).order_by("reference")
    before = Case.objects.filter(status=CaseStatus.APPROVED).count()
    figures = measure.query_counts(small, large)
    for page in ("standard_page", "save_answer", "ratings_page", "panel_page"):
        assert figures["small"][page] > 0 and figures["large"][page] > 0
        assert figures["equal"][page] == (figures["small"][page] == figures["large"][page])
    assert Case.objects.filter(status=CaseStatus.APPROVED).count() == before  # rolled back
    ratings = measure.ratings_timing(large, runs=2)
    assert ratings["queries"] > 0 and ratings["cases"] == 91
    assert set(ratings) >= {"median_ms", "p95_ms", "queries", "inspections_loaded"}


def test_the_table_names_every_figure():
    results = {
        "ratings": {
            "cases": 91,
            "inspections_loaded": 2,
            "median_ms": 1,
            "p95_ms": 2,
            "queries": 3,
            "runs": 2,
        },
        "queries": {
            "small": dict.fromkeys(
                ("standard_page", "save_answer", "ratings_page", "panel_page"),
                5,
            )
            | {"cases": 14},
            "large": dict.fromkeys(("standard_page", "save_answer", "ratings_page", "panel_page"), 6)
            | {"cases": 91},
            "equal": dict.fromkeys(("standard_page", "save_answer", "ratings_page", "panel_page"), False),
        },
        "load": [
            {
                "inspectors": 10,
                "seconds": 5,
                "workers": 5,
                "throughput_per_s": 9,
                "median_ms": 1,
                "p95_ms": 2,
                "errors": 0,
                "lost": 0,
                "saves_acknowledged": 45,
            }
        ],
        "report": {"skipped": "no demo"},
        "exports": {"inspections": 2, "csv_ms": 1, "xlsx_ms": 2, "peak_rss_mb": 50},
    }
    results["open_loop"] = {
        "inspectors": 50,
        "workers": 5,
        "mean_gap_s": 2.0,
        "seconds": 30,
        "rate_per_s": 25,
        "saves": 750,
        "p50_ms": 20,
        "p95_ms": 60,
        "p99_ms": 90,
        "errors": 0,
        "lost": 0,
        "target": "p95 < 150 ms, 0 lost",
        "target_met": True,
        "floor": {"rate_per_s": 25, "p50_ms": 10, "p95_ms": 30, "p99_ms": 45, "errors": 0},
        "ratio_p50": 2.0,
        "ratio_p95": 2.0,
    }
    text = table(results)
    assert "NOT EQUAL" in text and "0 lost of 45" in text and "skipped: no demo" in text
    assert "Saturation throughput, 10 inspectors" in text
    assert "p50 20 ms, p95 60 ms, p99 90 ms" in text and ": met" in text
    assert "2.0× the floor at p50" in text


@pytest.mark.django_db(transaction=True)
def test_quick_bench_runs_end_to_end_over_http_and_loses_no_save(framework, tmp_path):
    """gunicorn on 127.0.0.1 against the test database; 2 inspectors for 1 s (bounded in count and time)."""
    import json

    generator.generate(inspections=2, seed=5)
    output = tmp_path / "latest.json"
    call_command(
        "bench",
        seed=5,
        quick=True,
        seconds=1,
        inspectors="2",
        open_inspectors=2,
        workers=1,
        output=str(output),
    )
    results = json.loads(output.read_text())
    assert set(results) >= {"ratings", "queries", "load", "open_loop", "report", "exports", "case_loop"}
    open_loop = results["open_loop"]
    assert set(open_loop) >= {
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "errors",
        "lost",
        "floor",
        "ratio_p50",
        "target_met",
    }
    assert open_loop["errors"] == 0 and open_loop["lost"] == 0
    assert open_loop["floor"]["errors"] == 0 and open_loop["floor"]["lost"] == 0
    assert results["case_loop"]["status"] == "submitted" and results["case_loop"]["page_loads"] <= 8
    assert set(results["ratings"]) >= {"median_ms", "p95_ms", "queries"}
    [load] = results["load"]
    assert set(load) >= {"throughput_per_s", "median_ms", "p95_ms", "errors", "lost", "saves_acknowledged"}
    assert load["saves_acknowledged"] > 0 and load["errors"] == 0 and load["lost"] == 0
    assert "skipped" in results["report"]  # no demo inspection in this database
    assert results["exports"]["inspections"] == 2 and results["exports"]["xlsx_bytes"] > 0
    assert not measure.Inspection.objects.filter(reference=measure.LOAD_REFERENCE).exists()
    simulated = list(measure.User.objects.filter(email__endswith=measure.BENCH_DOMAIN))
    # The two load inspectors and the case loop's; the rolled-back query-count users are gone.
    assert len(simulated) == 3
    assert not any(user.is_active or user.has_usable_password() for user in simulated)


def test_an_acknowledged_save_missing_from_the_database_counts_as_lost(framework):
    from types import SimpleNamespace

    generator.generate(inspections=1, seed=6)
    answer = PromptAnswer.objects.filter(value__in=["yes", "no"]).select_related("prompt", "case").first()
    since = measure._db_now()
    kept = SimpleNamespace(
        case=answer.case, acknowledged={answer.prompt.code: (answer.value, answer.version)}, changed=0
    )
    assert measure._lost([kept], since) == 0
    other = "no" if answer.value == "yes" else "yes"
    missing = SimpleNamespace(
        case=answer.case, acknowledged={answer.prompt.code: (other, answer.version + 1)}, changed=1
    )
    assert measure._lost([missing], since) == 1  # the value differs


def test_the_floor_endpoint_exists_only_in_the_benchmarks_server(client, inspector):
    from django.urls import NoReverseMatch, resolve, reverse

    with pytest.raises(NoReverseMatch):
        reverse("bench-floor", kwargs={"case_id": 1})
    client.force_login(inspector)
    assert client.post("/bench-floor/1/", "{}", content_type="application/json").status_code == 404
    assert resolve("/bench-floor/1/", urlconf="bench.urls").url_name == "bench-floor"
