"""The steps the entry points compose: sources from the config, sync, score, brief, calibrate."""
