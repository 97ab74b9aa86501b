"""`{% public_fragment "name" key ... %}…{% endpublic_fragment %}`: a part of a page that is the same
for everyone who sees it, rendered once and then kept in the shared cache.

Whole pages are cached for visitors who send no cookie (hinportal/lib/page_cache.py), and, on the
views wrapped in page_cache.audience_page, for everyone else per audience (roles, membership); the
first of each audience, and anyone on the other views, has their page rendered, because its header,
messages and links are theirs. Most of an innovation or ICS page is not: what it says about the
innovation or the system is the same for every viewer. A view marks those parts with this tag,
keeps everything that depends on the viewer (their system's status, a CSRF token, a `next` address)
outside them, and passes what only the parts need as `Deferred` values (hinportal/lib/deferred.py),
so a kept part costs one cache read and none of its queries.

A part is kept under its name and the keys given (say the record's id, and anything else its HTML
depends on), at the current public version: any write to what the public sees retires every kept
part at once, as it retires kept pages, and each lapses after PUBLIC_PAGE_CACHE_SECONDS anyway.
With PUBLIC_PAGE_CACHE_SECONDS set to 0 nothing is kept.
"""

import hashlib

from django import template
from django.conf import settings
from django.template.base import FilterExpression, NodeList
from django.utils.safestring import SafeString, mark_safe

from hinportal.lib.page_cache import cached

register = template.Library()


class PublicFragmentNode(template.Node):
    def __init__(self, nodelist: NodeList, name: str, keys: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.name = name
        self.keys = keys

    def render(self, context: template.Context) -> SafeString:
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds:
            return self.nodelist.render(context)
        keys = "\x1f".join(str(key.resolve(context)) for key in self.keys)
        digest = hashlib.sha256(keys.encode()).hexdigest()
        # Stored as a plain str (what the nodes rendered was already escaped) and marked safe again.
        html = cached(f"fragment:{self.name}:{digest}", lambda: str(self.nodelist.render(context)), seconds)
        return mark_safe(html)  # noqa: S308 - the template's own output, escaped when it was rendered


@register.tag
def public_fragment(parser: template.base.Parser, token: template.base.Token) -> PublicFragmentNode:
    bits = token.split_contents()
    if len(bits) < 3 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' takes a quoted name and at least one key, e.g. {{% public_fragment \"page\" record.pk %}}"
        )
    nodelist = parser.parse(("endpublic_fragment",))
    parser.delete_first_token()
    return PublicFragmentNode(nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]])
