"""Django's JSON serializer, with times kept to the microsecond (format ``json_exact``).

Django's own JSON encoder cuts datetimes to milliseconds, so a backup restored with it would
move every timestamp that has microseconds (revisions, log entries, publication times) and
could change the order of two revisions made in the same millisecond. The backup uses this
format instead; reading is Django's, which parses the full ISO 8601 value.
"""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Deserializer", "Serializer"]


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            value = o.isoformat()
            return value[:-6] + "Z" if value.endswith("+00:00") else value
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactJSONEncoder)
        super()._init_options()
