"""The code hosts' checks on changes, written once: each host gives only its differences.

``registry`` lists each host's check (its path, secrets and lazily loaded package);
``webhook`` is the one pipeline every webhook runs (verify, parse, answer once) and
``door`` its steps; ``host`` the work around an event (its change's turn, a stale head,
an outage told apart), ``change`` what is done once the change is stored, and
``verdict`` the verdict and policy before a host words it. Importing this package
loads none of them, nor any host's.
"""

__all__: list[str] = []
