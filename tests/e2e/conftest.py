"""One bot process and one Agents Playground per e2e module, stopped afterwards (their
process groups are terminated, so nothing outlives the tests).

The shipped routing file never asks a clarifying question for any message we found
(``python -m routing try`` on every service word and phrase: no two services share evidence
above the threshold). So the bot runs on a copy of the shipped file where "food" is also a
hot-meals word, which makes "food" too close to call between groceries and hot meals, as
a council editor could make it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from routing.store import RoutingStore
from tests.support.playground import ROOT, BotProcess, PlaygroundProcess

SHIPPED_ROUTING = ROOT / "config" / "routing.yaml"
CLARIFY_TEXT = "food"


def routing_with_a_clarifying_question(directory: Path) -> Path:
    data = yaml.safe_load(SHIPPED_ROUTING.read_text(encoding="utf-8"))
    (hot_meals,) = [s for s in data["services"] if s["id"] == "hot_meals"]
    hot_meals["keywords"]["food"] = 0.8
    path = directory / "routing.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    reply = RoutingStore.load(path).router.classify(CLARIFY_TEXT)
    assert set(reply.candidates) == {"groceries", "hot_meals"}, "the variant must clarify"
    return path


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    workdir = tmp_path_factory.mktemp("bot")
    routing = routing_with_a_clarifying_question(workdir)
    process = BotProcess(workdir / "bot.log", env={"ROUTING_FILE": str(routing)}).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def playground(bot: BotProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlaygroundProcess]:
    workdir = tmp_path_factory.mktemp("playground")
    process = PlaygroundProcess(f"{bot.url}/api/messages", workdir).start()
    yield process
    process.stop()
