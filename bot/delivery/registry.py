"""Every channel riskbrief sends on, in the order a run reports them, read from the one
declaration of channels.

A channel is declared once on each side of the layering: its name and its address in
``data.channels`` (a ``ChannelName`` member and its ``Address`` in ``ADDRESSES``, which
riskbrief.toml and the store read; ``data`` never imports ``bot``), and how it is set up,
sends and is checked by the doctor in its module here, named after its member
(``ChannelName.MSTEAMS``: ``bot.delivery.msteams``), whose ``KIND`` is its entry. No list here
names a channel: ``KINDS`` follows ``ADDRESSES``.
"""

from __future__ import annotations

import importlib

from bot.delivery.channel import ChannelKind
from data.channels import ADDRESSES
from data.store.tables import ChannelName

__all__ = ["CHANNELS", "KINDS", "channel_kind", "kind_of"]


def channel_kind(name: ChannelName) -> ChannelKind:
    """The ``KIND`` of ``name``'s module, ``bot.delivery.<member name>``, imported now."""
    module = f"bot.delivery.{ChannelName(name).name.lower()}"
    kind = getattr(importlib.import_module(module), "KIND", None)
    if not isinstance(kind, ChannelKind) or kind.name != name:
        raise TypeError(f"{module}.KIND must be the ChannelKind of {name!r}")
    return kind


KINDS: tuple[ChannelKind, ...] = tuple(channel_kind(a.channel) for a in ADDRESSES)

CHANNELS: tuple[ChannelName, ...] = tuple(k.name for k in KINDS)


def kind_of(name: ChannelName) -> ChannelKind:
    """The registry entry of ``name``."""
    for kind in KINDS:
        if kind.name == name:
            return kind
    raise KeyError(name)
