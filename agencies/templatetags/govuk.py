"""Template helpers that render Django form fields with GOV.UK Frontend classes."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_WIDGET_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
}


@register.filter
def govuk_widget(field: BoundField) -> SafeString:
    """The field's widget with the GOV.UK class, the error modifier and aria links to hint and error."""
    widget_type = field.widget_type
    base = _WIDGET_CLASSES.get(widget_type, "govuk-input")
    classes = [base]
    if field.errors:
        classes.append(f"{base}--error")
    existing = field.field.widget.attrs.get("class", "")
    attrs = {"class": " ".join(dict.fromkeys([*existing.split(), *classes]))}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
