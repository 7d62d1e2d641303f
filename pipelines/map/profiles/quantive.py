"""Quantive (formerly Gtmhub): the OKR import workbook (sheets OKRs, Tasks, Users)."""

from __future__ import annotations

from pipelines.read.sources import Sources

TOOL = "Quantive (Gtmhub) import workbook"


def recognise(sources: Sources) -> None:
    del sources
