"""The two diagnoses the study compares: their order in every table and figure, names and colours (once)."""

from __future__ import annotations

MS, SCI = "MS", "SCI"  # the only place the two labels are spelled: every other module names them by these
DIAGNOSES = (MS, SCI)  # the order of every table, figure and test (MS first, as the paper)
NAMES = {MS: "multiple sclerosis", SCI: "spinal cord injury"}
PALETTE = {MS: "#0072B2", SCI: "#D55E00"}  # Okabe-Ito blue and vermillion: colour-blind safe
