"""StreamField blocks for guidance pages. Each renders through its own GOV.UK Frontend template."""

from __future__ import annotations

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"]


class CalloutBlock(blocks.StructBlock):
    style = blocks.ChoiceBlock(
        choices=[("inset", "Inset text"), ("warning", "Warning")], default="inset", required=True
    )
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        template = "content/blocks/callout.html"


class ChecklistBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    items = blocks.ListBlock(blocks.CharBlock(max_length=255), min_num=1)

    class Meta:
        icon = "tick"
        template = "content/blocks/checklist.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul"])


class StepByStepBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    steps = blocks.ListBlock(StepBlock(), min_num=1)

    class Meta:
        icon = "list-ol"
        template = "content/blocks/step_by_step.html"


class RelatedGuidanceBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Related guidance")
    pages = blocks.ListBlock(blocks.PageChooserBlock(page_type="content.GuidancePage"), min_num=1)

    class Meta:
        icon = "link"
        template = "content/blocks/related_guidance.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(max_length=255, help_text="Describe the image for people who cannot see it.")
    caption = blocks.CharBlock(max_length=255, required=False)

    class Meta:
        icon = "image"
        template = "content/blocks/image.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(max_length=255, required=False, help_text="Defaults to the document's title.")

    class Meta:
        icon = "doc-full"
        template = "content/blocks/document.html"


class GuidanceBodyBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(features=TEXT_FEATURES, template="content/blocks/rich_text.html")
    callout = CalloutBlock()
    checklist = ChecklistBlock()
    step_by_step = StepByStepBlock()
    related_guidance = RelatedGuidanceBlock()
    image = ImageBlock()
    document = DocumentBlock()
