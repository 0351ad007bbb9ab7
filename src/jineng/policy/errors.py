"""The errors the policy engine raises. Each says what is wrong, where, and in English."""

from __future__ import annotations


class PolicyError(Exception):
    """Base class of every error raised by jineng.policy."""


class PackError(PolicyError):
    """A policy pack file is malformed or contradicts itself.

    `file` is the path of the pack, `key` the dotted path of the offending key inside it
    (e.g. ``training.rates.employed``; empty when the whole file is at fault) and `reason` what
    is wrong, in English, for the policy officer who edits the file.
    """

    def __init__(self, file: object, key: str, reason: str) -> None:
        self.file = str(file)
        self.key = key
        self.reason = reason
        super().__init__(f"{self.file}: {key or '(whole file)'}: {reason}")


class AmbiguousPacks(PolicyError):
    """More than one pack applies to the same region and date: the data must be fixed."""

    def __init__(self, region: str, on_date: object, pack_ids: list[str]) -> None:
        self.region = region
        self.on_date = on_date
        self.pack_ids = pack_ids
        super().__init__(
            f"packs {', '.join(pack_ids)} all apply to region {region} on {on_date}; "
            "give them different regions or periods that do not overlap"
        )


class RuleMissing(PolicyError):
    """A pack does not state a value that an operation needs (it is never guessed)."""

    def __init__(self, pack_id: str, key: str) -> None:
        self.pack_id = pack_id
        self.key = key
        super().__init__(
            f"policy pack {pack_id!r} does not state {key!r}; add it to the pack "
            "(with its cite, or marked assumed = true with a note) before using it"
        )
