"""Pure learning logic: events, clocks, learning days, scheduling, grading, projections."""
