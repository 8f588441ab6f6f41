"""Drop-in endpoints under /api/v1/dropins/."""

from ninja import Router

router = Router(tags=["drop-ins"])
