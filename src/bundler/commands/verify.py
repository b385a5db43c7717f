"""``bundler verify``: prove a bag is intact, or name every file that is not."""

from __future__ import annotations

from bundler.commands import Command


def add_arguments(parser) -> None:
    parser.add_argument("bag", help="a bag folder, or a .tar/.zip written by `bundler bag --archive`")


def run(args, ui) -> int:
    from bundler.bag import verify_bag

    fixity = verify_bag(args.bag)
    for label, names in (("changed", fixity.changed), ("missing", fixity.missing), ("added", fixity.added)):
        for name in names:
            ui.out(f"{label}: {name}")
    for problem in fixity.problems:
        ui.out(f"invalid: {problem}")
    if fixity.intact:
        ui.say(f"{args.bag}: intact (every file present and unchanged)")
        return 0
    ui.error(f"{args.bag}: NOT intact")
    return 1


COMMANDS = {"verify": Command("check a bag's fixity and completeness; exit 0 only when intact", add_arguments, run)}
