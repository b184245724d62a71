import prunebook  # noqa: F401  (sets TF_USE_LEGACY_KERAS before any test imports TensorFlow)
