import prunebook  # noqa: F401  (Keras 2 before TensorFlow)
from prunebook import device


def test_describe_names_the_device_tensorflow_uses(monkeypatch):
    monkeypatch.setattr(device, "gpus", lambda: [])
    assert device.describe().startswith("Running on the CPU (")
    assert "found no GPU" in device.describe()
    monkeypatch.setattr(device, "gpus", lambda: ["NVIDIA H100 80GB HBM3"])
    assert device.describe() == ("Running on the GPU: NVIDIA H100 80GB HBM3 "
                                 "(TensorFlow places its work there).")


class FakeDevice:
    def __init__(self, name):
        self.name = name


def test_gpus_reads_the_names_tensorflow_reports(monkeypatch):
    import tensorflow as tf

    found = [FakeDevice("/physical_device:GPU:0"), FakeDevice("/physical_device:GPU:1")]
    details = {"/physical_device:GPU:0": {"device_name": "NVIDIA H100 80GB HBM3", "compute_capability": (9, 0)},
               "/physical_device:GPU:1": {}}  # no name reported: the device's own name stands in
    asked = []

    def list_physical_devices(kind=None):
        asked.append(kind)
        return found

    monkeypatch.setattr(tf.config, "list_physical_devices", list_physical_devices)
    monkeypatch.setattr(tf.config.experimental, "get_device_details", lambda d: details[d.name])
    assert device.gpus() == ["NVIDIA H100 80GB HBM3", "/physical_device:GPU:1"]
    assert asked == ["GPU"]


def test_the_cpu_is_named_from_cpuinfo(tmp_path, monkeypatch):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: AMD EPYC 9654 96-Core Processor\nflags\t: fpu\n")
    monkeypatch.setattr(device.os, "cpu_count", lambda: 16)
    assert device._cpu(info) == "AMD EPYC 9654 96-Core Processor, 16 cores"
    assert device._cpu(tmp_path / "missing").endswith(", 16 cores")  # falls back to the platform's name


def test_scikit_learn_chapters_say_cpu(monkeypatch):
    monkeypatch.setattr(device, "gpus", lambda: ["NVIDIA H100 80GB HBM3"])  # a GPU changes nothing for them
    line = device.describe(tensorflow=False)
    assert line.startswith("Running on the CPU (") and line.endswith("scikit-learn and NumPy do not use a GPU.")
