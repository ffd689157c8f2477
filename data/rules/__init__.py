"""Rules over the store, run after every sync: linking, coverage facts, reverts as incidents."""
