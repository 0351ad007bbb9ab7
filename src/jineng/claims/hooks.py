"""What the apps above claims plug in at start-up (in their AppConfig.ready), so that claims never
imports them (docs/architecture.md, "Layers"):

- `held_lines`: of the given claim lines, those a finding of the data comparison (supervision,
  004 §五(六)) still holds: money waits until the finding is cleared;
- `line_findings`: for the claim page and the refusals, the findings touching each line.

A slot nobody filled is a wiring mistake: calling it raises rather than paying a line that a
finding holds.
"""

from jineng.training.hooks import Slot

# (ClaimLine queryset) -> the same queryset narrowed to the lines an open finding holds
held_lines = Slot("the lines held by findings", "jineng.supervision", "claims")
# (line ids) -> {line id: [(finding number, summary, url), ...]} for the findings holding them
line_findings = Slot("the findings of claim lines", "jineng.supervision", "claims")
