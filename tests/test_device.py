import prunebook  # noqa: F401  (Keras 2 before TensorFlow)
from prunebook import device


def test_describe_names_the_device_tensorflow_uses(monkeypatch):
    monkeypatch.setattr(device, "gpus", lambda: [])
    assert device.describe().startswith("Running on the CPU (")
    assert "found no GPU" in device.describe()
    monkeypatch.setattr(device, "gpus", lambda: ["NVIDIA H100 80GB HBM3"])
    assert device.describe() == ("Running on the GPU: NVIDIA H100 80GB HBM3 "
                                 "(TensorFlow places its work there).")


def test_gpus_agrees_with_tensorflow():
    import tensorflow as tf

    assert len(device.gpus()) == len(tf.config.list_physical_devices("GPU"))


def test_scikit_learn_chapters_say_cpu():
    line = device.describe(tensorflow=False)
    assert line.startswith("Running on the CPU (") and "cores" in line
