"""Evaluation (绩效评价, BUD-7…BUD-10): self-evaluations, key evaluations and re-evaluations,
methods and standards, grades and the next year's budget proposal, and the bulk recompute of
scores and grades after a rule change. See docs/architecture.md, section "Evaluation"."""
