"""The policy engine: policy packs, working days, and decisions with their reasons.

Pure Python: nothing here imports Django, so the rules can be read, tested and benchmarked alone.
"""
