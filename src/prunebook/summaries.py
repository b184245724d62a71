"""Read tfmot's PruningSummaries logs without a TensorBoard server."""
from pathlib import Path

import pandas as pd


def read_pruning_summaries(log_dir):
    """The sparsity and threshold tfmot logged for each pruned kernel.

    tfmot's ``PruningSummaries`` writes, at the start of every epoch, one scalar
    ``<mask name>/sparsity`` and ``<threshold name>/threshold`` per pruned
    layer, at the optimizer step reached so far, into ``<log_dir>/metrics``.

    Returns
    -------
    pandas.DataFrame
        Columns ``step``, ``layer``, ``sparsity``, ``threshold``; one row per
        layer and logged step, sorted.
    """
    from prunebook._keras import raise_if_keras_3

    raise_if_keras_3()
    import tensorflow as tf
    from tensorflow.core.util import event_pb2

    folder = Path(log_dir) / "metrics"
    files = sorted(folder.glob("events.out.tfevents.*")) if folder.is_dir() else []
    if not files:
        raise ValueError("log_dir must hold PruningSummaries logs (metrics/events.out.tfevents.*): "
                         f"{log_dir}")
    records = {}
    for path in files:
        for record in tf.data.TFRecordDataset(str(path)):
            event = event_pb2.Event.FromString(record.numpy())
            for value in event.summary.value:
                name, kind = value.tag.rsplit("/", 1)
                layer = name.split("/")[0].removeprefix("prune_low_magnitude_")
                if value.HasField("tensor"):
                    number = float(tf.make_ndarray(value.tensor))
                else:
                    number = value.simple_value
                records.setdefault((int(event.step), layer), {})[kind] = number
    rows = [{"step": step, "layer": layer, **values} for (step, layer), values in records.items()]
    return pd.DataFrame(rows).sort_values(["step", "layer"], ignore_index=True)
