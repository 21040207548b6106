"""Floor 3b: blind second marking and inter-rater agreement. The second markings themselves are case data
(cases.models.SecondMarking, so that the inspection data format can carry them); this app keeps the draw
that chose them, with its seed and working."""

import pghistory
from django.conf import settings
from django.db import models

from inspections.models import Inspection


@pghistory.track(
    model_name="SecondMarkingDrawEvent", obj_field=pghistory.ObjForeignKey(related_name="events")
)
class SecondMarkingDraw(models.Model):
    """The latest random draw of cases for second marking: the share, the stored seed and the working."""

    inspection = models.OneToOneField(
        Inspection, on_delete=models.CASCADE, related_name="second_marking_draw"
    )
    percent = models.PositiveSmallIntegerField()
    seed = models.BigIntegerField()
    # Per category: cases, size and each stratum's cases and draw (agreement.rules.CategoryWorking).
    working = models.JSONField(default=list)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Second marking draw of {self.inspection} (seed {self.seed})"
