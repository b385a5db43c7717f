"""``bundler keygen``: an Ed25519 key pair to sign bags with."""

from __future__ import annotations

from bundler.commands import Command


def add_arguments(parser) -> None:
    parser.add_argument("key", metavar="KEY", help="where the private key goes (PEM, mode 0600); the public key goes to KEY.pub")


def run(args, ui) -> int:
    from pathlib import Path

    from bundler.archive.signing import generate_key

    public = generate_key(Path(args.key))
    ui.say(f"private key: {args.key} (keep it secret; sign with: bundler bag COLLECTION --sign {args.key})")
    ui.say(f"public key:  {public} (give it to whoever checks: bundler verify BAG --key {public})")
    return 0


COMMANDS = {"keygen": Command("make an Ed25519 key pair to sign bags with", add_arguments, run)}
