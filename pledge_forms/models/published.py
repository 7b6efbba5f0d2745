"""A token that changes whenever the published pledges change, read in one indexed query.

What the public sees of the members (the showcase, its figures and statistics, the home
page's members, the open data) is computed once and kept under this token. It is changed
by the database itself, in the transaction that changes a pledge: triggers on the pledge
table (migration ``0025_published_pledges``) write a new random token whenever a published
pledge is inserted, updated (published, unpublished, edited, featured, reordered) or
deleted, however the row changes: a model's ``save()``, a queryset's ``update()``, a bulk
insert or SQL of one's own. Writes to pledges that are not published (a new pledge waiting
for review) leave it alone, so they do not queue behind one another on its row.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

#: The primary key of the one row.
ROW = 1


class PublishedPledges(models.Model):
    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("published pledges' version")
        verbose_name_plural = _("published pledges' versions")

    def __str__(self) -> str:
        return self.token


def published_token_subquery():
    """The token (empty while no published pledge has ever changed), as a subquery for a
    caller that reads it beside other rows."""
    return models.Subquery(
        PublishedPledges.objects.filter(pk=ROW).values("token")[:1],
        output_field=models.CharField(),
    )


def published_token() -> str:
    """The token as it stands, in one query by primary key."""
    token = PublishedPledges.objects.filter(pk=ROW).values_list("token", flat=True)
    return token.first() or ""
