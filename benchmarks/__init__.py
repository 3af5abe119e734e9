"""Performance figures, printed as JSON lines: python -m benchmarks [area] --json"""
