"""CMS forms: every content page runs the identifier check when it is published outside a workflow
(nothing may be, but the check stays as a second wall); inside the workflow a hit holds the page
at approval instead (content.workflow, content.identifier_check), so saving and submitting are
allowed and authors do not lose work. An approver who changes the page while approving it is
refused: their change would make them an author of what they approve. A hand-made post the
widgets cannot read is refused with a message instead of a 500."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db import models
from wagtail.admin.forms import WagtailAdminPageForm

from content.blocks import BROKEN_REFERENCE, MALFORMED, broken_rich_text_reference, rich_text_too_deep
from content.identifier_check import (
    blocking_message,
    hits_in,
    holds_message,
    texts_from_values,
    words_of_slug,
)

_GATED_BUTTONS = ("action-publish",)

APPROVER_EDITED = (
    "You changed this page while approving it, so you would be approving your own changes. Save "
    "your changes as a draft (the page goes back through the content check), or approve it unchanged."
)

UNREADABLE_FIELD = "This could not be read, so nothing was saved. Reload the page and make the change again."
UNSTORABLE_FIELD = (
    "This contains characters that cannot be stored (a null character or a broken character "
    "code). Remove them and try again."
)
UNREADABLE_FORMSET = (
    "The {label} could not be read, so nothing was saved. Reload the page and make the change again."
)
# The widest id any of our tables can hold (64-bit signed).
_ID_RANGE = range(-(2**63), 2**63)


def _has_lone_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _integer_ids(field: forms.Field) -> bool:
    if not isinstance(field, forms.ModelChoiceField):
        return False
    key = field.to_field_name or field.queryset.model._meta.pk.name
    target = field.queryset.model._meta.get_field(key)
    while target.is_relation:  # a page type's pk is its page_ptr, Page's integer id underneath
        target = target.target_field
    return isinstance(target, models.IntegerField)


def _out_of_range(values: Any) -> str | None:
    """The first posted id that is not a 64-bit integer (None when all are, or none was posted)."""
    for value in values if isinstance(values, list | tuple) else [values]:
        if value in (None, ""):
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            return str(value)
        if number not in _ID_RANGE:
            return str(value)
    return None


_ORDER_VALUE = re.compile(r"^\s*[+-]?\d{1,9}\s*$")


def formset_readable(data: Any, formset: Any) -> bool:
    """Whether every existing child a bound formset claims (below INITIAL_FORMS) has a readable id,
    and every chosen object's id is a number. A missing or non-numeric management form is
    Django's to report (it does, without raising)."""
    prefix = formset.prefix
    try:
        initial = int(data[f"{prefix}-INITIAL_FORMS"])
        total = int(data[f"{prefix}-TOTAL_FORMS"])
    except (KeyError, ValueError):
        return True
    pk_name = formset.model._meta.pk.name
    for i in range(max(0, min(initial, total, formset.absolute_max))):
        key = f"{prefix}-{i}-{pk_name}"
        if key not in data:
            return False
        if data[key] != "" and _out_of_range(data[key]) is not None:
            return False
    # Wagtail's InlinePanel sorts the child forms by cleaned_data["ORDER"], which an unreadable
    # order value leaves out: a KeyError (500) found by the CI fuzz pass on PostgreSQL.
    if formset.can_order:
        for i in range(max(0, min(total, formset.absolute_max))):
            order = data.get(f"{prefix}-{i}-ORDER", "")
            if order.strip() and not _ORDER_VALUE.match(order):
                return False
    # A chooser in a child form (a publication's document) re-renders by looking its id up, which
    # raised on a non-number; the page form's own choosers are guarded in _widget_data_value.
    choices = [name for name, field in formset.form.base_fields.items() if _integer_ids(field)]
    for i in range(max(0, min(total, formset.absolute_max))):
        for name in choices:
            if _out_of_range(data.getlist(f"{prefix}-{i}-{name}")) is not None:
                return False
    return True


class IdentifierCheckedPageForm(WagtailAdminPageForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Fields whose posted value was refused before cleaning: name -> message.
        self._refused_data: dict[str, str] = {}
        if self.is_bound:
            self._refuse_unreadable_formsets()

    def _refuse_unreadable_formsets(self) -> None:
        """modelcluster builds each existing child's form from `<prefix>-<i>-id` for every i below
        INITIAL_FORMS, reading it with data[...] and the pk field's to_python: a post with a missing
        or non-numeric id (change notes, board members and meetings, publication documents) was a
        500, raised while Wagtail's views first iterate the forms. Such a formset is refused with a
        message and emptied (TOTAL and INITIAL set to 0 in a copy of the data) so the page
        re-renders; nothing is saved."""
        broken = [name for name, formset in self.formsets.items() if not formset_readable(self.data, formset)]
        if not broken:
            return
        data = self.data.copy()
        for name in broken:
            prefix = self.formsets[name].prefix
            data[f"{prefix}-TOTAL_FORMS"] = "0"
            data[f"{prefix}-INITIAL_FORMS"] = "0"
            label = self.formsets[name].model._meta.verbose_name_plural
            self._refused_data[f"formset:{name}"] = UNREADABLE_FORMSET.format(label=label)
        self.data = data
        for formset in self.formsets.values():
            formset.data = data

    def _widget_data_value(self, widget: forms.Widget, html_name: str) -> Any:
        """Read one posted field, refusing what would otherwise be a 500 further on: rich text
        that is not Draftail's JSON object (Wagtail's converter raises), text with a lone
        surrogate sent as a JSON escape (no database can store it), and choice ids beyond 64 bits
        (SQLite raises OverflowError on the `__in` query of a multiple choice), and rich-text links
        whose ids are not numbers (every render of the page would raise). NUL needs no check
        here: Django's CharField refuses it. The field then gets an error in clean() and reads as
        empty, so the form re-renders instead of crashing. Every read of a bound field (cleaning,
        re-rendering, change detection) comes through here."""
        from wagtail.admin.rich_text import DraftailRichTextArea  # not importable before the models

        name = html_name[len(self.prefix) + 1 :] if self.prefix else html_name
        if isinstance(widget, DraftailRichTextArea) and rich_text_too_deep(self.data.get(html_name)):
            self._refused_data[name] = UNREADABLE_FIELD
            return None
        try:
            value = super()._widget_data_value(widget, html_name)
        except MALFORMED:
            self._refused_data[name] = UNREADABLE_FIELD
            return None
        if isinstance(value, str) and _has_lone_surrogate(value):
            self._refused_data[name] = UNSTORABLE_FIELD
            return None
        if isinstance(widget, DraftailRichTextArea) and value and broken_rich_text_reference(value):
            self._refused_data[name] = BROKEN_REFERENCE
            return None
        field = self.fields.get(name)
        if field is not None and _integer_ids(field):
            bad = _out_of_range(value)
            if bad is not None:
                key = "invalid_pk_value" if "invalid_pk_value" in field.error_messages else "invalid_choice"
                self._refused_data[name] = field.error_messages[key] % {"pk": bad, "value": bad}
                return [] if isinstance(field, forms.ModelMultipleChoiceField) else None
        return value

    def _is_approval(self) -> bool:
        return (
            bool(self.data.get("action-workflow-action"))
            and self.data.get("workflow-action-name") == "approve"
        )

    def _is_gated_action(self) -> bool:
        return any(self.data.get(button) for button in _GATED_BUTTONS) or self._is_approval()

    def _has_content_changes(self) -> bool:
        ignored = {"comments"}
        if any(name not in ignored for name in self.changed_data):
            return True
        return any(formset.has_changed() for name, formset in self.formsets.items() if name not in ignored)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, message in self._refused_data.items():
            self.add_error(name if name in self.fields else None, message)
        if not self._is_gated_action():
            return cleaned
        if self._is_approval():
            # What is approved is the stored latest revision (unchanged by this post, or refused).
            if self.instance.pk and self._has_content_changes():
                self.add_error(None, APPROVER_EDITED)
            elif self.instance.pk:
                from content.workflow import latest_holds

                holds = latest_holds(self.instance)
                if holds:
                    self.add_error(None, holds_message(holds))
            return cleaned
        values: list[Any] = []
        for spec in getattr(self._meta.model, "identifier_checked_fields", ("title",)):
            relation, _, field = spec.partition(".")
            if not field:
                values.append(cleaned.get(relation))
                continue
            formset = self.formsets.get(relation)
            if formset is None:
                continue
            for form in formset.forms:
                data = getattr(form, "cleaned_data", None) or {}
                if not data.get("DELETE"):
                    values.append(data.get(field))
        values.extend(
            [
                words_of_slug(cleaned.get("slug") or ""),
                cleaned.get("seo_title"),
                cleaned.get("search_description"),
            ]
        )
        hits = hits_in(texts_from_values(values))
        if hits:
            self.add_error(None, blocking_message(hits))
        return cleaned
