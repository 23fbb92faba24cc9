"""Review decisions and their checks: one decision (:mod:`.decision`) kept in SSSOM files
(:mod:`.store`) signed by known reviewers (:mod:`.reviewers`); checked (:mod:`.integrity`),
what follows from them (chains and clashes, :mod:`.inference`), where a review stands
(:mod:`.status`), two reviewers merged (:mod:`.merge`), decisions carried to a new version
(:mod:`.versions`); expert judgements imported (:mod:`.gold`, :mod:`.samples`,
:mod:`.imports`, :mod:`.references`) and the proposal queues they decide
(:mod:`.proposals`)."""

from __future__ import annotations

__all__: list[str] = []
