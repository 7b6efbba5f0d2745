"""Counters of the pledge rate limit and one-time claims (used start tokens), kept in the
database when the site has no Redis."""

from django.db import models


class RateCounter(models.Model):
    """How many pledges one client (a salted hash, never the address) sent in one window.

    Every gunicorn worker and every app server reads and writes the same row, so the limit
    holds for the whole site; rows past ``expires_at`` are deleted by the daily housekeeping.
    """

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "rate-limit counter"

    def __str__(self):
        return f"{self.key}: {self.count}"
