"""Divergence detection: the trainer stops a run whose loss explodes or collapses to chance.

A NaN loss is the late symptom. A learning rate that is much too high (book ch. 6.1: SGD with
lr 10 on SimpleConvNet) first throws the loss to hundreds or billions of times a uniform guess's
loss, after which the network is often dead and predicts one class. :class:`DivergenceMonitor`
watches for

* a **non-finite** loss or weight;
* an **explosion**: the loss above ``spike_factor`` (10⁴) × the reference at once; or above
  ``explode_factor`` (10) × the reference and not back below 0.9 × the uniform guess's loss
  within ``recover_steps`` (50) steps — a network killed by the jump sits at chance, while one
  that merely stumbles (RMSprop's first steps at lr 0.01) recovers within a few steps; or
  ``sustained_steps`` (10) steps in a row above ``explode_factor`` × the reference. The
  reference is the larger of the first loss and the loss of a uniform guess, so a trained model
  that is continued, whose loss starts tiny, is judged against the uniform guess;
* a **collapse to chance**: at an epoch end, training accuracy back at the accuracy of always
  guessing the most common class, after it had been well above it.

A network that has not started learning yet (the book's std 0.01 network stuck at 2.30) is not
diverging: its loss stays at the uniform guess, and it never learned and collapsed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

ADVICE = ("lower it (try 10 to 100 times smaller) and start again, or choose an adaptive "
          "optimizer such as Adam (book ch. 6.1)")


def chance_loss(loss: Any, output_shape: tuple[int, ...], labels: NDArray,
                dtype: np.dtype) -> float:
    """The loss of a network that outputs zeros (a uniform guess for softmax: ``ln C``)."""
    zeros = np.zeros((len(labels), *output_shape), dtype)
    with np.errstate(all="ignore"):
        value = float(loss.forward(zeros, labels))
    return value if math.isfinite(value) and value > 0 else math.nan


def chance_accuracy(labels: NDArray) -> float:
    """Accuracy of always guessing the most common class."""
    labels = np.asarray(labels)
    if labels.ndim > 1:
        labels = labels.argmax(axis=1)
    if labels.size == 0:
        return math.nan
    return float(np.bincount(labels.astype(np.int64).ravel()).max() / labels.size)


@dataclass
class DivergenceMonitor:
    """Decides, step by step and epoch by epoch, whether a run has diverged.

    Its state (:meth:`state` / :meth:`load_state`) travels with checkpoints, so a resumed run
    judges exactly as an uninterrupted one.
    """

    spike_factor: float = 1e4
    explode_factor: float = 10.0
    recover_steps: int = 50
    sustained_steps: int = 10
    #: Training accuracy counts as "learned" once it is this far from chance towards 100 %.
    learned_fraction: float = 0.5
    #: …and as "collapsed" when it is back within this many points of chance.
    collapse_margin: float = 0.05
    chance: float = math.nan  # loss of a uniform guess
    first: float = math.nan  # first loss seen
    above: int = 0  # consecutive steps above explode_factor × reference
    exploded_at: int = 0  # iteration of an explosion not yet recovered from (0: none)
    peak: float = math.nan  # the highest loss since then
    best_train_acc: float = -math.inf

    @property
    def reference(self) -> float:
        values = [v for v in (self.chance, self.first) if math.isfinite(v)]
        return max(values) if values else math.nan

    def step(self, loss: float, iteration: int, epoch: int, lr: float) -> str | None:
        """Judge one step's loss; a sentence for the user if the run has diverged."""
        where = f"at iteration {iteration} (epoch {epoch})"
        if not math.isfinite(loss):
            what = "NaN" if math.isnan(loss) else "infinite"
            if not math.isfinite(self.first):  # the first loss judged: no update made it
                return (f"The loss was {what} at the first step, iteration {iteration} (epoch "
                        f"{epoch}), before the "
                        "learning rate could change anything: the network's outputs overflow "
                        "with its starting weights or inputs. Use a smaller initial weight "
                        "scale ('he' or 'xavier', book ch. 6.2) or check the data for huge "
                        "values.")
            return (f"The loss became {what} {where}: training diverged. The learning rate "
                    f"({lr:g}) is probably too high for this network and optimizer; {ADVICE}.")
        if not math.isfinite(self.first):
            self.first = loss
        ref = self.reference
        if not math.isfinite(ref) or ref <= 0:
            return None
        if loss > self.spike_factor * ref:
            return (f"The loss jumped to {loss:,.4g} {where}, {loss / ref:,.0f} times "
                    f"{self._reference_text()}: training diverged. The learning rate ({lr:g}) "
                    f"is too high for this network and optimizer; {ADVICE}.")
        exploded = loss > self.explode_factor * ref
        self.above = self.above + 1 if exploded else 0
        if self.above >= self.sustained_steps:
            return (f"The loss stayed above {self.explode_factor:g} times "
                    f"{self._reference_text()} for {self.above} steps up to iteration "
                    f"{iteration} (epoch {epoch}): training diverged. The learning rate "
                    f"({lr:g}) is too high for this network and optimizer; {ADVICE}.")
        if not self.exploded_at:
            if exploded:
                self.exploded_at, self.peak = iteration, loss
            return None
        self.peak = max(self.peak, loss)
        recovered = 0.9 * (self.chance if math.isfinite(self.chance) else self.first)
        if loss < recovered:
            self.exploded_at, self.peak = 0, math.nan
            return None
        if iteration - self.exploded_at < self.recover_steps:
            return None
        return (f"The loss jumped to {self.peak:,.4g} at iteration {self.exploded_at}, "
                f"{self.peak / ref:,.0f} times {self._reference_text()}, and in the "
                f"{iteration - self.exploded_at} steps since has not come back below a uniform "
                f"guess: training diverged and the network stopped learning. The learning rate "
                f"({lr:g}) is too high for this network and optimizer; {ADVICE}.")

    def epoch_end(self, train_acc: float, chance_acc: float, epoch: int, lr: float
                  ) -> str | None:
        """Judge the training accuracy at an epoch end: a collapse back to chance."""
        if not (math.isfinite(train_acc) and math.isfinite(chance_acc)):
            return None
        learned = chance_acc + self.learned_fraction * (1.0 - chance_acc)
        collapsed = (self.best_train_acc >= learned
                     and train_acc <= chance_acc + self.collapse_margin)
        self.best_train_acc = max(self.best_train_acc, train_acc)
        if not collapsed:
            return None
        return (f"Training accuracy fell back to {100 * train_acc:.1f} % at epoch {epoch} — "
                f"chance level, what always guessing one class gives — after reaching "
                f"{100 * self.best_train_acc:.1f} %: training diverged and the network "
                f"collapsed. The learning rate ({lr:g}) is probably too high; {ADVICE}.")

    def _reference_text(self) -> str:
        if math.isfinite(self.chance) and self.chance >= self.first:
            return f"the loss of a uniform guess ({self.chance:.3g})"
        return f"the starting loss ({self.first:.3g})"

    # ------------------------------------------------------------------------- persistence
    def state(self) -> dict[str, Any]:
        """JSON-able state (infinities and NaN as ``None``)."""
        out = {"chance": self.chance, "first": self.first, "above": self.above,
               "exploded_at": self.exploded_at, "peak": self.peak,
               "best_train_acc": self.best_train_acc}
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in out.items()}

    def load_state(self, state: dict[str, Any]) -> None:
        for key in ("chance", "first", "peak", "best_train_acc"):
            value = state.get(key)
            default = -math.inf if key == "best_train_acc" else math.nan
            setattr(self, key, default if value is None else float(value))
        self.above = int(state.get("above", 0))
        self.exploded_at = int(state.get("exploded_at", 0))


__all__ = ["DivergenceMonitor", "chance_accuracy", "chance_loss"]
