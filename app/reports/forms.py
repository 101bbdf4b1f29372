"""Forms of the reports blueprint."""
