"""``riskbrief ask "<text>"``: any `/risk` question answered in the terminal, from the same answer
Slack renders (``bot.answers``), written as text (``bot.answers.text``)."""

from __future__ import annotations

from pathlib import Path

import click

from data.clock import utcnow

__all__ = ["ask"]


@click.command(
    short_help="Answer a `/risk` command from the store, as Slack would; `ask help` lists them."
)
@click.argument("text", nargs=-1, required=True)
@click.option(
    "--as",
    "as_key",
    default=None,
    help="Answer as this subscriber of riskbrief.toml (their scope and time zone).",
)
@click.option(
    "--demo", is_flag=True, help="Ask the sample organisation `riskbrief demo` wrote, as its VP."
)
@click.option(
    "--demo-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Where `riskbrief demo` wrote it.",
)
@click.pass_context
def ask(
    ctx: click.Context, text: tuple[str, ...], as_key: str | None, demo: bool, demo_dir: Path
) -> None:
    """Answer a `/risk` command from the store, e.g. `riskbrief ask pr owner/repo#123`.

    The same parser and answers as the Slack app; `riskbrief ask help` lists them.
    A change is asked about by its URL, `owner/repo#123`, `name#123`, a GitLab merge
    request's `group/project!123`, or a commit's
    sha (7 or more hex digits, or `owner/repo@sha`); text pasted from Slack with its
    `/risk` is read the same. Times are in the --as subscriber's time zone, else the
    organisation's. Not found, ambiguous or mistyped: one answer on stderr, exit 1.
    """
    from bot.answers.caller import Asked, Caller, Profile, caller_catalogs
    from bot.answers.grammar import COMMANDS, HELP, parse_words
    from bot.answers.lookups import catalog_of
    from bot.answers.parse import Usage
    from bot.answers.queries import HelpQuery
    from bot.answers.registry import answer_query
    from bot.answers.text import answer_text, line_text
    from bot.composition.pipeline import ready_engine
    from bot.settings import Settings
    from data.config import load_org_config
    from data.sources.sample import sample_org_config
    from data.store.engine import session_scope
    from data.store.reads.subscribers import subscriber_by_key
    from scoring.errors import NotFoundError

    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    if demo:
        database = demo_dir / "demo.db"
        if not database.exists():
            raise NotFoundError(f"{database} does not exist; run `riskbrief demo --out {demo_dir}`")
        org, url, as_key = sample_org_config(), f"sqlite:///{database}", as_key or "vp-engineering"
    else:
        org, url = load_org_config(settings.config), settings.database_url
    # Each argument is a word, or a whole command quoted as one (`ask "/risk pr #1"`).
    words = [word for argument in text for word in argument.split()]
    parsed = parse_words(words, catalog_of(org))
    # A name unknown to the organisation is refused below, in a subscriber's own names.
    if isinstance(parsed, Usage) and not (parsed.unknown_name and as_key is not None):
        raise click.ClickException(line_text(parsed.message))
    if isinstance(parsed, HelpQuery):
        click.echo("\n".join(line_text(line) for line in HELP))
        return
    # These act on the Slack member who typed them; a terminal has none.
    on_member = [c.verb for c in COMMANDS if c.on_member]
    if any(isinstance(parsed, c.query) for c in COMMANDS if c.on_member):
        raise click.ClickException(
            f"{_named(on_member)} act on a Slack member; use them in Slack, "
            f"or edit [[subscribers]] in {settings.config}"
        )
    engine = ready_engine(url)
    try:
        with session_scope(engine) as session:
            subscriber = None
            if as_key is not None:
                subscriber = subscriber_by_key(session, as_key)
                if subscriber is None:
                    raise NotFoundError(
                        f"no subscriber {as_key!r}; use one of the keys in riskbrief.toml"
                    )
            zone = subscriber.timezone if subscriber else None
            caller = Caller(
                subscriber.slack_user_id or "" if subscriber else "",
                lambda: Profile(user_id="", name="terminal", timezone=zone),
                subscriber_key=as_key,
            )
            asked = Asked(session, org, caller, utcnow())
            # Names are read again with the subscriber's own: one outside their scope is
            # refused in the words of one that does not exist, as Slack refuses it.
            own, member = caller_catalogs(asked)
            scoped = parse_words(words, own, member_catalog=member)
            if isinstance(scoped, Usage):
                raise click.ClickException(line_text(scoped.message))
            answered = answer_query(asked, scoped)
    finally:
        engine.dispose()
    if not answered.found:
        # Not found (or ambiguous): the answer is the error, as for an unknown service.
        raise click.ClickException(answer_text(answered))
    click.echo(answer_text(answered))


def _named(verbs: list[str]) -> str:
    """``/risk a``, ``b`` and ``c``: the verbs as one sentence names them."""
    spelt = [f"`/risk {verbs[0]}`", *(f"`{v}`" for v in verbs[1:])]
    return spelt[0] if len(spelt) == 1 else f"{', '.join(spelt[:-1])} and {spelt[-1]}"
