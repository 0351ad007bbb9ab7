"""What the apps above vouchers plug in at start-up (in their AppConfig.ready), so that vouchers
never imports them (docs/architecture.md, "Layers"):

- `settlement_findings`: the findings of the data comparison (supervision, 004 §五(六)) that
  hold a voucher's settlement (兑现) against a certificate: money waits until they are cleared.

A slot nobody filled is a wiring mistake: calling it raises rather than settling a voucher that
a finding holds.
"""

from jineng.training.hooks import Slot

# (voucher, certificate) -> [(finding number, summary, url), ...] of the findings holding it
settlement_findings = Slot(
    "the findings holding a voucher's settlement", "jineng.supervision", "vouchers"
)
