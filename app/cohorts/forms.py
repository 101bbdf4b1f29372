"""Forms of the cohorts blueprint."""
