"""Where is it heading? The cycle calendar, check-ins over time, pace against the calendar, the
status of each unit, forecasts and their measured error, movement, trends across cycles, and
what the last import changed."""
