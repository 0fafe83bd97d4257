from django.db import models


class QueryOutcome(models.Model):
    """How many results the latest unfiltered search for a logged query found.

    Wagtail's Query model counts searches but not what they found; this lets editors list
    the searches that find nothing (Reports → Searches with no results).
    """

    query = models.OneToOneField(
        "wagtailsearchpromotions.Query",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="outcome",
    )
    result_count = models.PositiveIntegerField()
    searched_at = models.DateTimeField()

    class Meta:
        verbose_name = "search outcome"

    def __str__(self):
        return f"{self.query}: {self.result_count}"
