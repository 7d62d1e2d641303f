"""How well did it score? Key-result scores (docs/scoring.md), the bands around the sweet spot,
roll-ups to objectives, teams, departments and the company, and score distributions."""
