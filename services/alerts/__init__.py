"""alerts: statutory timescales as clocks, counted in working days."""
