"""`/bench/ceiling/`: the smallest possible Django view, the benchmark's reference point.

Mounted only when ``BENCH_CEILING=1`` (see bench/README.md); it goes through the same middleware as
every page, so its throughput is the ceiling the pages are measured against.
"""

from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def ceiling(request):
    return HttpResponse(b"ok", content_type="text/plain")
