"""``{% fragment %}``: a part of a template rendered once per process until what it shows
changes.

    {% load fragments %}
    {% fragment "home-news" shows="pages" page.pk %}
        ... the latest news ...
    {% endfragment %}

The rendered part is kept in ``cms.topics.memo`` under its name, the active language, the
values after the name (what else it depends on: the page, the section of the menu) and the
generations of the topics in ``shows`` (cms/topics.py, ``site`` always included): a change
to any of them renders it afresh. What a fragment must not contain: anything that differs
by visitor (a CSRF token, a nonce, the visitor's answers), and ``{% ... as name %}`` used
after it (a kept fragment does not run its tags).
"""

from django import template
from django.utils.translation import get_language

from cms import topics

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, shows, vary):
        self.nodelist = nodelist
        self.name = name
        self.shows = shows
        self.vary = vary

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        key = (
            "fragment",
            self.name.resolve(context),
            get_language(),
            *(str(value.resolve(context)) for value in self.vary),
        )
        return topics.memo.get(
            request, key, self.shows, lambda: self.nodelist.render(context)
        )


@register.tag("fragment")
def do_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            '{% fragment %} needs a name: {% fragment "name" shows="pages" ... %}'
        )
    name = parser.compile_filter(bits[1])
    shows, vary = (), []
    for bit in bits[2:]:
        if bit.startswith("shows="):
            shows = tuple(bit[len("shows=") :].strip("\"'").split())
            unknown = set(shows) - set(topics.GLOBAL)
            if unknown:
                raise template.TemplateSyntaxError(
                    f"{{% fragment %}} shows unknown topics: {', '.join(sorted(unknown))}"
                )
        else:
            vary.append(parser.compile_filter(bit))
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, name, topics.shown_by(shows), vary)
