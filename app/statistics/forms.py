"""Forms of the statistics blueprint."""
