import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from bench import case_loop, measure
from bench.generator import LARGEST, SMALLEST, generated, reference_prefix
from inspections.models import Inspection
from reports.demo import DEMO_CONTENT


class Command(BaseCommand):
    help = (
        "Benchmarks at national scale: prints one table of figures and writes them to var/bench/latest.json. "
        "Needs generate_national_data first (the same --seed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="The seed of the generated data (default 1).")
        parser.add_argument("--quick", action="store_true", help="A short run: fewer runs, 5 s per K.")
        parser.add_argument("--seconds", type=float, help="Seconds of load per K (default 30, quick 5).")
        parser.add_argument(
            "--inspectors", default="10,50", help="The values of K (default 10,50; at most 91)."
        )
        parser.add_argument(
            "--open-inspectors",
            type=int,
            default=50,
            help="Inspectors in the open-loop run, each saving at random every 2 s on average (default 50).",
        )
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "var" / "bench" / "latest.json")
        )
        parser.add_argument(
            "--case-loop",
            action="store_true",
            help="Only the browser-driven case loop (page loads from a case's task list to submitted).",
        )
        parser.add_argument("--worker", choices=("report", "export"), help="(internal) one measurement.")
        parser.add_argument("--reference", help="(internal)")
        parser.add_argument("--runs", type=int, default=3, help="(internal)")
        parser.add_argument("--prefix", help="(internal)")

    def handle(self, *args, **o):
        if o["worker"] == "report":
            self.stdout.write(json.dumps(measure.report_worker(o["reference"], o["runs"])))
            return
        if o["worker"] == "export":
            self.stdout.write(json.dumps(measure.export_worker(o["prefix"])))
            return
        if o["case_loop"]:
            result = case_loop.case_loop_run()
            self.stdout.write(table({"case_loop": result}))
            return
        quick, seed = o["quick"], o["seed"]
        seconds = o["seconds"] or (5 if quick else 30)
        if not 0 < seconds <= 120:
            raise CommandError("--seconds must be more than 0 and at most 120.")
        if not 1 <= o["workers"] <= 32:
            raise CommandError("--workers must be from 1 to 32.")
        try:
            ks = [int(k) for k in o["inspectors"].split(",")]
        except ValueError as error:
            raise CommandError("--inspectors is a list of whole numbers, for example 10,50.") from error
        if not all(1 <= k <= LARGEST for k in [*ks, o["open_inspectors"]]):
            raise CommandError(f"Each K in --inspectors must be from 1 to {LARGEST}.")
        ours = generated(seed)
        small = _by_size(ours, SMALLEST)
        large = _by_size(ours, LARGEST)
        if small is None or large is None:
            raise CommandError(
                f"No generated data for seed {seed}: run ./dev manage generate_national_data --seed {seed} first."
            )
        results = {"seed": seed, "quick": quick, "inspections_loaded": Inspection.objects.count()}
        self.stderr.write("Ratings for one inspection…")
        results["ratings"] = measure.ratings_timing(large, runs=10 if quick else 50)
        self.stderr.write("Query counts…")
        results["queries"] = measure.query_counts(small, large)
        results["load"] = []
        for k in ks:
            self.stderr.write(f"Answer saves under load: {k} inspectors for {seconds:g} s…")
            results["load"].append(measure.load_run(k, seconds=seconds, workers=o["workers"]))
        k = o["open_inspectors"]
        self.stderr.write(
            f"Answer saves, open loop: {k} inspectors saving every 2 s on average, and the floor…"
        )
        results["open_loop"] = measure.open_loop_run(k, seconds=seconds, workers=o["workers"])
        self.stderr.write("A court case from its task list to submitted, in Chromium…")
        results["case_loop"] = case_loop.case_loop_run()
        self.stderr.write("The demo report…")
        results["report"] = self._report(runs=1 if quick else 3)
        self.stderr.write("CSV and XLSX exports of the generated inspections…")
        results["exports"] = measure.in_subprocess("export", prefix=reference_prefix(seed))
        output = Path(o["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        self.stdout.write(table(results))
        self.stdout.write(f"\nWritten to {output}.")

    def _report(self, *, runs: int) -> dict:
        reference = json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))["inspection"]
        if not Inspection.objects.filter(reference=reference).exists():
            return {
                "skipped": f"the demo inspection {reference} is not loaded (./dev manage load_demo_inspection)"
            }
        call_command("load_demo_report", stdout=open(os.devnull, "w"))  # noqa: SIM115 - writes it if missing
        return measure.in_subprocess("report", reference=reference, runs=runs)


def _by_size(inspections, size):
    from django.db.models import Count

    return inspections.annotate(size=Count("cases")).filter(size=size).order_by("reference").first()


def table(r: dict) -> str:
    rows = []
    loop = r.get("case_loop")
    if loop:
        rows.append(
            (
                "Case loop, a court case",
                f"task list to {loop['status']}, Chromium",
                f"{loop['page_loads']} page loads (target at most {loop['target_page_loads']}), "
                f"{loop['document_requests']} document requests, {loop['save_requests']} autosaves, "
                f"{loop['requests']} requests in all, {loop['seconds']} s",
            )
        )
    if "ratings" not in r:
        return "\n".join("  ".join(row) for row in rows)
    ra = r["ratings"]
    rows.append(
        (
            "Ratings, one inspection",
            f"{ra['cases']} cases, {ra['inspections_loaded']} inspections loaded",
            f"median {ra['median_ms']} ms, p95 {ra['p95_ms']} ms, {ra['queries']} queries ({ra['runs']} runs)",
        )
    )
    q = r["queries"]
    for page in ("standard_page", "save_answer", "ratings_page", "panel_page"):
        rows.append(
            (
                f"Queries: {page.replace('_', ' ')}",
                f"{q['small']['cases']} vs {q['large']['cases']} cases",
                f"{q['small'][page]} vs {q['large'][page]}: {'equal' if q['equal'][page] else 'NOT EQUAL'}",
            )
        )
    for run in r["load"]:
        rows.append(
            (
                f"Saturation throughput, {run['inspectors']} inspectors (closed loop, no pause)",
                f"{run['seconds']} s, {run['workers']} workers",
                f"{run['throughput_per_s']}/s, median {run['median_ms']} ms, p95 {run['p95_ms']} ms, "
                f"{run['errors']} errors, {run['lost']} lost of {run['saves_acknowledged']}",
            )
        )
    ol = r.get("open_loop")
    if ol:
        floor = ol["floor"]
        rows.append(
            (
                f"Saves, open loop: {ol['inspectors']} inspectors, one every {ol['mean_gap_s']:g} s each",
                f"{ol['seconds']} s, {ol['workers']} workers, {ol['rate_per_s']}/s",
                f"p50 {ol['p50_ms']} ms, p95 {ol['p95_ms']} ms, p99 {ol['p99_ms']} ms, {ol['errors']} errors, "
                f"{ol['lost']} lost of {ol['saves']}; target {ol['target']}: "
                f"{'met' if ol['target_met'] else 'NOT MET'}",
            )
        )
        rows.append(
            (
                "Save floor: the same writes, session and auth only",
                f"{floor['rate_per_s']}/s",
                f"p50 {floor['p50_ms']} ms, p95 {floor['p95_ms']} ms, p99 {floor['p99_ms']} ms, "
                f"{floor['errors']} errors; our save costs {ol['ratio_p50']}× the floor at p50, "
                f"{ol['ratio_p95']}× at p95",
            )
        )
    rep = r["report"]
    if "skipped" in rep:
        rows.append(("Demo report", "", f"skipped: {rep['skipped']}"))
    else:
        rows.append(
            (
                "Demo report",
                f"{rep['pages']} pages",
                f"total {rep['total_ms']} ms vs WeasyPrint {rep['weasyprint_alone_ms']} ms: "
                f"ratio {rep['ratio']}, peak {rep['peak_rss_mb']} MB",
            )
        )
        rows.append(
            (
                "Demo report, HTML edition",
                f"{rep['edition_bytes']:,} bytes",
                f"{rep['edition_ms']} ms (snapshot and HTML)",
            )
        )
    ex = r["exports"]
    rows.append(
        (
            "CSV/XLSX exports",
            f"{ex['inspections']} inspections",
            f"CSV {ex['csv_ms']} ms, XLSX {ex['xlsx_ms']} ms, peak {ex['peak_rss_mb']} MB",
        )
    )
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    return "\n".join(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}" for a, b, c in rows)
