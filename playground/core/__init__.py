"""Headless core: specs, shapes, models, data, training, projects. Never imports Qt."""
