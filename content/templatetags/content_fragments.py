"""`{% fragment seconds name key %}...{% endfragment %}`: a cached block of a content page.

Like Django's `{% cache %}`, but the key is computed in Python (content.fragments.page_fragment_key:
the revision shown and the audience), and a block without a key, or rendered for a preview, is
rendered afresh and never stored or read (Django's tag would cache under whatever it is given).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.cache import cache
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe

from content.fragments import KEY_PREFIX, is_preview

register = template.Library()


class FragmentNode(template.Node):
    def __init__(
        self, nodelist: NodeList, seconds: FilterExpression, name: str, key: FilterExpression
    ) -> None:
        self.nodelist = nodelist
        self.seconds = seconds
        self.name = name
        self.key = key

    def render(self, context: Any) -> SafeString:
        key = self.key.resolve(context)
        if not key or is_preview(context.get("request")):
            return self.nodelist.render(context)
        full_key = f"{KEY_PREFIX}{self.name}:{key}"
        found = cache.get(full_key)
        if isinstance(found, str):
            return mark_safe(found)  # noqa: S308 - stored below from a rendered (escaped) block
        rendered = self.nodelist.render(context)
        cache.set(full_key, str(rendered), int(self.seconds.resolve(context)))
        return rendered


@register.tag("fragment")
def do_fragment(parser: Parser, token: Token) -> FragmentNode:
    bits = token.split_contents()
    if len(bits) != 4:
        raise template.TemplateSyntaxError("usage: {% fragment seconds name key %}...{% endfragment %}")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), bits[2], parser.compile_filter(bits[3]))
