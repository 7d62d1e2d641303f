"""Is the OKR practice alive? Check-in discipline and staleness per team and week."""
