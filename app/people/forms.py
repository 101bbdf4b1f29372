"""Forms of the people blueprint."""
