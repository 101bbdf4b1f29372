"""One module per course quiz: its keys, wrong answers that score 0, what students reasonably type."""
