"""Plain records of a training run: its History (one row an epoch), and the Run that holds it."""
import json
from dataclasses import asdict, dataclass, field

import pandas as pd


@dataclass
class History:
    """Per-epoch loss, validation loss, weight sparsity and wall-clock seconds.

    A classifier's run also records its validation accuracy (``val_accuracy``); a
    regression's leaves that column empty.
    """

    loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    sparsity: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)

    def __post_init__(self):
        lengths = {len(v) for name, v in asdict(self).items()
                   if name != "val_accuracy" or v}
        if len(lengths) > 1:
            raise ValueError(f"History columns must have equal lengths, got {sorted(lengths)}")

    @property
    def epochs(self):
        """Number of epochs recorded."""
        return len(self.loss)

    def append(self, *, loss, val_loss, sparsity, seconds, val_accuracy=None):
        """Add one epoch (``val_accuracy`` for a classifier's run, from its first epoch on)."""
        if (val_accuracy is None) != (not self.val_accuracy) and self.epochs:
            raise ValueError("val_accuracy must be given for every epoch of a run or for none")
        self.loss.append(float(loss))
        self.val_loss.append(float(val_loss))
        self.sparsity.append(float(sparsity))
        self.seconds.append(float(seconds))
        if val_accuracy is not None:
            self.val_accuracy.append(float(val_accuracy))

    def to_frame(self):
        """A DataFrame indexed by epoch (1-based); ``val_accuracy`` only when recorded."""
        columns = asdict(self)
        if not self.val_accuracy:
            del columns["val_accuracy"]
        frame = pd.DataFrame(columns)
        frame.index = pd.RangeIndex(1, self.epochs + 1, name="epoch")
        return frame

    def to_json(self):
        """The record as a JSON string (without ``val_accuracy`` when none was recorded)."""
        record = asdict(self)
        if not self.val_accuracy:
            del record["val_accuracy"]
        return json.dumps(record)

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
