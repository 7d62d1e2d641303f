"""How are the goals set and written? Goal-setting patterns (sandbagging, over-ambition), quality
lint, confidence calibration, and the wording those findings are written in."""
