"""Which pages are public, inside the query that reads them."""

from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Substr
from wagtail.models import Page, PageViewRestriction


def public_q() -> Exists:
    """A filter for pages without a view restriction on themselves or an ancestor: what
    Wagtail's ``PageQuerySet.public()`` keeps, as a subquery of the outer query instead of
    a query of its own that lists every restriction first."""
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, F("page__depth") * Page.steplen)
    )
    return ~Exists(restricted)
