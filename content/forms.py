"""CMS forms: every content page runs the identifier check when it is submitted for approval,
approved or published (saving a draft is allowed, so authors do not lose work)."""

from __future__ import annotations

from typing import Any

from wagtail.admin.forms import WagtailAdminPageForm

from content.identifier_check import blocking_message, hits_in, texts_from_values

_GATED_BUTTONS = ("action-submit", "action-publish", "action-restart-workflow")


class IdentifierCheckedPageForm(WagtailAdminPageForm):
    def _is_gated_action(self) -> bool:
        if any(self.data.get(button) for button in _GATED_BUTTONS):
            return True
        return (
            bool(self.data.get("action-workflow-action"))
            and self.data.get("workflow-action-name") == "approve"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self._is_gated_action():
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
        hits = hits_in(texts_from_values(values))
        if hits:
            self.add_error(None, blocking_message(hits))
        return cleaned
