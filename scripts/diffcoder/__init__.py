"""DiffCoder's Python model pipeline: the reference model, sampler, data and training."""
