"""Pure computation of the dashboard's figures: quarters, progress, status, aggregation."""
