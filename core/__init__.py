"""The bottom layer every other package may import: parameters users see, quarter arithmetic,
the clock, French number formatting, the French argument parser and exit codes. It imports nothing
of the project."""
