from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks at national scale (./dev bench). Top floor: may import every app; no app imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "bench"
