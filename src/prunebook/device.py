"""Which device a chapter runs on, said in one line at the top of its output.

TensorFlow places work on a GPU by itself when it finds one (on Colab, pick a
GPU runtime); nothing in the book pins a device. :func:`describe` reports what
TensorFlow sees, so a reader can tell which machine a page's numbers came from.
"""
import os
import platform


def _cpu(cpuinfo="/proc/cpuinfo"):
    """The CPU's model name (from Linux's ``cpuinfo`` where there is one) and its core count."""
    name = platform.processor() or platform.machine() or "unknown CPU"
    try:
        with open(cpuinfo) as info:
            for line in info:
                if line.startswith("model name"):
                    name = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{name}, {os.cpu_count()} cores"


def gpus():
    """Names of the GPUs TensorFlow can use (empty on a CPU-only machine)."""
    import tensorflow as tf

    names = []
    for device in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(device)
        names.append(details.get("device_name", device.name))
    return names


def describe(tensorflow=True):
    """One line naming the device: the GPUs TensorFlow uses, or the CPU.

    ``tensorflow=False`` is for chapters that use only scikit-learn and NumPy,
    which run on the CPU whatever the machine has.
    """
    if not tensorflow:
        return f"Running on the CPU ({_cpu()}): scikit-learn and NumPy do not use a GPU."
    found = gpus()
    if found:
        return f"Running on the GPU: {', '.join(found)} (TensorFlow places its work there)."
    return f"Running on the CPU ({_cpu()}): TensorFlow found no GPU."
