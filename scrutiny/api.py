"""Scrutiny endpoints under /api/v1/scrutiny/."""

from ninja import Router

router = Router(tags=["scrutiny"])
