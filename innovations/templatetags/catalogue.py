from django import template

from innovations.models import PROVEN_RULE

register = template.Library()


@register.simple_tag
def proven_rule() -> str:
    """What "proven" means, in words, from the rule's own constant."""
    return PROVEN_RULE
