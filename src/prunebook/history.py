"""Plain records of a training run: its History (one row an epoch), and the Run that holds it."""
import json
from dataclasses import asdict, dataclass, field

import pandas as pd


@dataclass
class History:
    """Per-epoch loss, validation loss, weight sparsity and wall-clock seconds."""

    loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    sparsity: list = field(default_factory=list)
    seconds: list = field(default_factory=list)

    def __post_init__(self):
        lengths = {len(v) for v in asdict(self).values()}
        if len(lengths) > 1:
            raise ValueError(f"History columns must have equal lengths, got {sorted(lengths)}")

    @property
    def epochs(self):
        """Number of epochs recorded."""
        return len(self.loss)

    def append(self, *, loss, val_loss, sparsity, seconds):
        """Add one epoch."""
        self.loss.append(float(loss))
        self.val_loss.append(float(val_loss))
        self.sparsity.append(float(sparsity))
        self.seconds.append(float(seconds))

    def to_frame(self):
        """A DataFrame indexed by epoch (1-based)."""
        frame = pd.DataFrame(asdict(self))
        frame.index = pd.RangeIndex(1, self.epochs + 1, name="epoch")
        return frame

    def to_json(self):
        """The record as a JSON string."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text):
        """Read a record written by :meth:`to_json`."""
        return cls(**json.loads(text))


@dataclass
class Run:
    """A trained model (pruning wrappers stripped), its history, and where its logs are (if any).

    ``log_dir`` is a folder of the training cache, or, with the cache off, a temporary folder
    that lives as long as this Run (it is removed when the Run is garbage-collected, or at exit).
    """

    model: object
    history: History
    log_dir: object = None
    _files: object = field(default=None, repr=False, compare=False)
