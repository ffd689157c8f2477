"""CI's endpoints on ``serve``: ``POST /deploys`` and ``POST /coverage`` behind one door."""
