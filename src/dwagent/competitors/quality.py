"""Measurements of a rendered competitive analysis (what issue #16 asks to be reported).

- sections per sentence: the most sections any one sentence appears in, exactly and with every
  product name masked (a template that only swaps the name counts as one sentence);
- specificity per section: the share of its sentences that are our prose written for that product
  or that cite one of that product's own facts ([n]); the median over sections is reported;
- unknown matrix cells, secondary sources, and sections whose last sentences name the gap.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

from dwagent.competitors.kbcheck import sentence_spread, sentences
from dwagent.competitors.schema import Product


def _masked(text: str, names: Sequence[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "PRODUCT")
    return text


def section_metrics(analysis, products: Sequence[Product]) -> dict:
    """The numbers for one analysis (see the module docstring)."""
    by_slug = {p.slug: p for p in products}
    exact = sentence_spread({s.comparison.slug: list(s.paragraphs) for s in analysis.sections})
    masked = sentence_spread(
        {
            s.comparison.slug: [_masked(p, [s.comparison.name, s.comparison.heading, by_slug[s.comparison.slug].name]) for p in s.paragraphs]
            for s in analysis.sections
        }
    )
    shares, words, naming = [], [], []
    for section in analysis.sections:
        product = by_slug[section.comparison.slug]
        own = {o.rstrip(".") for text in product.written.model_dump().values() for o in sentences(text.replace("{dw}", analysis.product))}
        all_sentences = [s for p in section.paragraphs for s in sentences(p)]
        specific = [s for s in all_sentences if re.search(r"\[\d+\]", s) or any(o in s for o in own)]
        shares.append(len(specific) / len(all_sentences) if all_sentences else 0.0)
        naming.append(sum(product.name in s for s in all_sentences) / len(all_sentences) if all_sentences else 0.0)
        words.append(sum(len(p.split()) for p in section.paragraphs))
    cells = analysis.cells()
    unknown = sum(c.verdict == "unknown" for c in cells)
    # the gap sentence may carry a trailing "(... today: ...)" note, so look at the last two sentences
    gap_last = sum(1 for s in analysis.sections if "gap to close" in " ".join(sentences(s.paragraphs[-1])[-2:]).lower())
    return {
        "sections": len(analysis.sections),
        "max_sections_per_sentence": max((len(v) for v in exact.values()), default=0),
        "max_sections_per_sentence_names_masked": max((len(v) for v in masked.values()), default=0),
        "masked_sentences_in_more_than_3_sections": sum(1 for v in masked.values() if len(v) > 3),
        "specific_share_median": round(statistics.median(shares), 3) if shares else 0.0,
        "specific_share_min": round(min(shares), 3) if shares else 0.0,
        "names_product_share_median": round(statistics.median(naming), 3) if naming else 0.0,
        "words_median": statistics.median(words) if words else 0,
        "cells": len(cells),
        "unknown_cells": unknown,
        "unknown_share": round(unknown / len(cells), 4) if cells else 0.0,
        "sections_ending_with_gap": gap_last,
        "kb_facts": analysis.kb_facts,
        "kb_secondary": analysis.kb_secondary,
        "recommendations": len(analysis.recommendations),
    }
