"""``bundler verify``: prove a bag is intact, or name every file that is not."""

from __future__ import annotations

from bundler.commands import Command


def add_arguments(parser) -> None:
    parser.add_argument("bag", help="a bag folder, or a .tar/.zip written by `bundler bag --archive`")
    parser.add_argument("--key", metavar="PUB", help="also check the bag's signature with this Ed25519 public key (PEM)")


def run(args, ui) -> int:
    from pathlib import Path

    from bundler.archive.bag import verify_bag
    from bundler.errors import shown

    fixity = verify_bag(args.bag, Path(args.key) if args.key else None)
    for label, names in (("changed", fixity.changed), ("missing", fixity.missing), ("added", fixity.added)):
        for name in names:
            ui.out(shown(f"{label}: {name}", lines=False))  # a file's name may hold a control or bidi override
    for problem in fixity.problems:
        ui.out(shown(f"invalid: {problem}"))
    if fixity.intact:
        signed = " and signed by that key" if args.key else ""
        ui.say(f"{args.bag}: intact (every file present and unchanged{signed})")
        return 0
    ui.error(f"{args.bag}: NOT intact")
    return 1


COMMANDS = {"verify": Command("check a bag's fixity and completeness; exit 0 only when intact", add_arguments, run)}
