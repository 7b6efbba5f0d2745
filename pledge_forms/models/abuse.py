"""Counters of the pledge rate limit and one-time claims (used start tokens), kept in the
database when the site has no Redis."""

from django.db import connections, models


class RateCounterManager(models.Manager):
    """A counter's change in one statement, where the database has one (PostgreSQL,
    SQLite): ``INSERT … ON CONFLICT … DO UPDATE … RETURNING``, atomic without a
    transaction of its own. Callers check :meth:`in_one_statement` first."""

    def in_one_statement(self) -> bool:
        features = connections[self.db].features
        return (
            features.supports_update_conflicts_with_target
            and features.can_return_columns_from_insert
        )

    def _upsert(self, on_conflict: str, params: list):
        quote = connections[self.db].ops.quote_name
        table, key, count, expires = map(
            quote, (self.model._meta.db_table, "key", "count", "expires_at")
        )
        # Names from the model, values as parameters.
        sql = (
            f"INSERT INTO {table} ({key}, {count}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT ({key}) DO UPDATE SET "
            + on_conflict.format(table=table, count=count, expires=expires)
            + f" RETURNING {count}"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    def add_one(self, key: str, expires_at) -> int:
        """One more for ``key`` (a new row expiring at ``expires_at``): the count now."""
        return self._upsert("{count} = {table}.{count} + 1", [key, expires_at])[0]

    def claim(self, key: str, expires_at, now) -> bool:
        """Take ``key`` until ``expires_at``: a new row, or the row of a claim expired
        by ``now``; False while an earlier claim holds it."""
        taken = self._upsert(
            "{count} = 1, {expires} = %s WHERE {table}.{expires} < %s",
            [key, expires_at, expires_at, now],
        )
        return taken is not None


class RateCounter(models.Model):
    """How many pledges one client (a salted hash, never the address) sent in one window.

    Every gunicorn worker and every app server reads and writes the same row, so the limit
    holds for the whole site; rows past ``expires_at`` are deleted by the daily housekeeping.
    """

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    objects = RateCounterManager()

    class Meta:
        verbose_name = "rate-limit counter"

    def __str__(self):
        return f"{self.key}: {self.count}"
