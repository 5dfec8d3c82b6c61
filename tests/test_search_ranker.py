"""The learned ranker: features, fitting, shipped constants, nested leave-one-hearing-out, question kinds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hashseeds import outputs_under_hash_seeds

from search_api import evaluate_ranker
from search_api.evaluate_ranker import RankerConfig, leave_one_hearing_out_learned, select_and_fit
from search_api.evaluate_search import GoldQuestion, HearingRun
from search_api.fusion import (
    Candidate,
    FusionParams,
    QuestionSignals,
    fuse_candidates,
    load_params,
    merge_lists,
    save_params,
)
from search_api.question import QuestionReader, asked_actor_types, asks_no_comments, sender_zone
from search_api.ranker import FEATURES, MIN_ENTITIES, LearnedRanker, candidate_features
from search_api.search import Candidates


def _payload(pid: str, doc: str, text: str, actor_type: str = "municipality") -> dict[str, object]:
    return {"kind": "passage", "document_iri": doc, "file_name": doc, "text": text, "actor_type": actor_type}


def _typed_run(name: str, n: int = 6) -> HearingRun:
    """Questions asking "Hvilken organisasjon ..." whose answer is the one organisation's passage,
    ranked 4th by both lists behind three municipalities' passages."""
    gold, cands = [], []
    for q in range(n):
        question = f"Hvilken organisasjon skriver om tema {q} i {name}?"
        answer = f"{name}-org-{q}.txt"
        text = f"Organisasjonen skriver om tema {q} og mye annet i {name}."
        gold.append(GoldQuestion(question, ((answer, text),)))
        noise = [
            (
                f"{name}-{q}-n{i}",
                _payload(f"n{i}", f"{name}-{q}-m{i}", f"Kommunen skriver om noe {i}."),
                0.9 - i / 100,
            )
            for i in range(3)
        ]
        good = (f"{name}-{q}-a", _payload("a", answer, text, "interest-organisation"), 0.86)
        ranked = [*noise, good]
        signals = QuestionSignals(question=question, actor_types=asked_actor_types(question))
        cands.append(Candidates(question, ranked, {False: ranked, True: ranked}, signals))
    return HearingRun(name, gold, cands)


def test_candidate_features_read_ranks_scores_and_the_graph() -> None:
    a = Candidate("1", _payload("1", "d1", "Kommunen støtter forslaget om tilskudd."), 0.9, 1, 5.0, 2)
    b = Candidate("2", _payload("2", "d2", "Vi har ingen merknader.", "union"), 0.8, 2, None, None)
    signals = QuestionSignals(
        question="Hvilken kommune støtter tilskudd?",
        actor_types=frozenset({"municipality"}),
        no_comments=1.0,
        without_comments=frozenset({"d2"}),
    )
    x = candidate_features([a, b], signals)
    col = {f: x[:, i] for i, f in enumerate(FEATURES)}
    assert col["rrf"][0] == pytest.approx(1 / 3 + 1 / 4)
    assert col["cosine_gap"].tolist() == pytest.approx([0.0, 10.0])
    assert col["no_lexical"].tolist() == [0.0, 1.0]
    assert col["actor_type"].tolist() == [1.0, 0.0] and col["actor_type_other"].tolist() == [0.0, 1.0]
    assert col["no_comments"].tolist() == [0.0, 1.0] and col["no_comments_said"].tolist() == [0.0, 1.0]
    assert col["coverage"][0] > 0.5 and col["coverage"][1] == 0.0
    assert col["letter_top"].tolist() == [1.0, 1.0]


def test_rare_terms_and_adjacent_pairs_weigh_more_than_common_words() -> None:
    """Every candidate holds "skole"; only one holds "nattevakt". The rarity-weighted share rates the
    passage with the rare term above the one with the common term, though both hold half the
    question's terms; the pair feature sees "fast lønn" only where the two words stand together."""
    texts = [
        "Nattevakt har skolen hver uke.",  # rare term, no pair of the question's in its order
        "Skolen gir fast lønn til lærerne.",  # common term and the pair
        "Skolen har lønn og er fast i budsjettet.",  # common term, the pair's words apart
        "Skolen ligger sentralt.",
    ]
    cands = [
        Candidate(str(i), _payload(str(i), f"d{i}", t), 0.8, i + 1, None, None) for i, t in enumerate(texts)
    ]
    x = candidate_features(cands, QuestionSignals(question="Har skolen nattevakt eller fast lønn?"))
    col = {f: x[:, i] for i, f in enumerate(FEATURES)}
    rare, pair = col["rare_coverage"], col["pair_coverage"]
    assert rare[0] > rare[3] and rare[1] > rare[3] and rare[3] > 0.0
    assert rare[0] > col["coverage"][0] * rare[3] / col["coverage"][3]  # not plain coverage rescaled
    assert pair[1] > 0.0 and pair[0] == 0.0 and pair[2] == 0.0
    assert (
        candidate_features(cands, QuestionSignals(question=""))[:, FEATURES.index("rare_coverage")].tolist()
        == [0.0] * 4
    )


def test_ranker_learns_the_kind_of_sender_asked_for_and_round_trips(tmp_path: Path) -> None:
    run = _typed_run("a")
    params, config, _ = select_and_fit([run], [RankerConfig("ranks+text+graph", 1.0, 1.0)])
    assert params.method == "learned" and params.ranker is not None
    first = params.ranker.features.index("actor_type")
    assert params.ranker.coef[first] > 0
    cands = run.candidates[0]
    fused = fuse_candidates(cands.merged(False), params, cands.signals, limit=4)
    assert fused[0][0].payload["actor_type"] == "interest-organisation"
    # Saved and loaded: the same constants, and the same bytes when written twice.
    path = tmp_path / "params.json"
    save_params(params, path, fitted_on=["a"], selection=config.describe())
    first_bytes = path.read_bytes()
    assert load_params(path) == params
    save_params(load_params(path), path, fitted_on=["a"], selection=config.describe())
    assert path.read_bytes() == first_bytes
    data = json.loads(first_bytes)
    data["ranker"]["features"][0] = "no-such-feature"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="no-such-feature"):
        load_params(path)


def test_the_default_ranker_averages_pointwise_and_listwise_fits(tmp_path: Path) -> None:
    """An averaged configuration's ranker scores each row by the mean of its fits' log-odds (the
    pointwise fits over C and class weighting, and the listwise fits), is one linear ranker (same
    features and standardisation), round-trips, and still learns the kind of sender asked for."""
    run = _typed_run("a")
    config = RankerConfig("ranks+text+graph", None, 1.0)
    assert config in evaluate_ranker.default_configs() and "average of fits" in config.describe()
    assert "listwise" in config.describe()
    replay = evaluate_ranker._Replay([run])
    averaged = replay.fit([run], config)
    fits = [
        replay.fit([run], RankerConfig("ranks+text+graph", c, 1.0, b)) for c, b in evaluate_ranker.AVERAGED
    ]
    x = np.vstack([q.x for q in replay.questions["a"]])
    y = np.concatenate([q.y for q in replay.questions["a"]])
    sizes = [len(q.y) for q in replay.questions["a"]]
    features = averaged.features
    fits += [LearnedRanker.fit_listwise(x, y, sizes, features, c) for c in evaluate_ranker.LISTWISE]
    assert len(averaged.averaged) == len(fits) == 9
    assert "C=1, balanced" in averaged.averaged and "C=10, listwise" in averaged.averaged

    def log_odds(p: np.ndarray) -> np.ndarray:
        return np.log(p / (1.0 - p))

    mean_of_fits = np.mean([log_odds(f.probabilities(x)) for f in fits], axis=0)
    assert log_odds(averaged.probabilities(x)) == pytest.approx(mean_of_fits, abs=1e-5)
    assert averaged.coef[averaged.features.index("actor_type")] > 0
    assert LearnedRanker.from_json(json.loads(json.dumps(averaged.to_json()))) == averaged
    with pytest.raises(ValueError, match="same rows"):
        LearnedRanker.average([fits[0], replay.fit([run], RankerConfig("ranks+text", 0.1, 1.0))])


def test_the_listwise_fit_learns_only_from_differences_within_a_question() -> None:
    """Two features: one orders the candidates inside each question (the answer has the most),
    one is the same for every candidate of a question but higher in the questions whose answer
    is also a candidate elsewhere. The pointwise fit leans on both; the listwise fit, whose loss
    sees only each question's own list, gives the second no weight, puts every question's answer
    first, and its Platt-scaled scores are probabilities of the right size."""
    rng = np.random.default_rng(0)
    rows, labels, sizes = [], [], []
    for q in range(40):
        n = 8
        inside = rng.normal(size=n)
        answer = int(np.argmax(inside))
        level = 1.0 if q % 2 else -1.0
        x = np.zeros((n, len(FEATURES)))
        x[:, FEATURES.index("coverage")] = inside
        x[:, FEATURES.index("letter_n10")] = level
        rows.append(x)
        labels.append(np.array([1 if i == answer else 0 for i in range(n)]))
        if q % 2:  # these questions also hold a second answer, so their level predicts answers
            labels[-1][int(np.argsort(inside)[-2])] = 1
        sizes.append(n)
    x, y = np.vstack(rows), np.concatenate(labels)
    features = ("coverage", "letter_n10")
    listwise = LearnedRanker.fit_listwise(x, y, sizes, features, 1.0)
    pointwise = LearnedRanker.fit(x, y, features, 1.0)
    assert listwise.listwise and listwise.describe() == "C=1, listwise"
    assert listwise.coef[1] == pytest.approx(0.0, abs=1e-6) and listwise.coef[0] > 0
    assert pointwise.coef[1] > 0.1
    p = listwise.probabilities(x)
    start = 0
    for n, labels_q in zip(sizes, labels, strict=True):
        assert labels_q[int(np.argmax(p[start : start + n]))] == 1
        start += n
    assert 0.5 * y.mean() < p.mean() < 2 * y.mean()
    with pytest.raises(ValueError, match="add up"):
        LearnedRanker.fit_listwise(x, y, sizes[:-1], features, 1.0)


def test_learned_method_needs_a_ranker() -> None:
    with pytest.raises(ValueError):
        FusionParams(method="learned")
    ranker = LearnedRanker(("rrf",), (0.0,), (1.0,), (1.0,), 0.0, 1.0)
    assert FusionParams(method="learned", ranker=ranker).ranker is ranker
    with pytest.raises(ValueError):
        LearnedRanker(("rrf", "sender"), (0.0,), (1.0,), (1.0,), 0.0, 1.0)


def _spy_on_fits(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record the hearings of every ranker fit (sorted names per fit), fitting as before."""
    calls: list[list[str]] = []
    original = evaluate_ranker._Replay.fit

    def spy(self, fit_runs, config):  # type: ignore[no-untyped-def]
        calls.append(sorted(r.name for r in fit_runs))
        return original(self, fit_runs, config)

    monkeypatch.setattr(evaluate_ranker._Replay, "fit", spy)
    return calls


def test_nested_loho_never_fits_on_the_held_out_hearing(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = [_typed_run("a"), _typed_run("b"), _typed_run("c")]
    configs = [
        RankerConfig("ranks+text", 0.1, 1.0),
        RankerConfig("ranks+text+graph", 1.0, 1.0, balanced=True),
    ]
    original = evaluate_ranker._Replay.fit
    calls = _spy_on_fits(monkeypatch)
    scores, chosen = leave_one_hearing_out_learned(runs, configs)
    # Per fold: 2 configurations x 2 inner hearings, then the chosen one on both training hearings.
    per_fold = len(configs) * 2 + 1
    assert len(calls) == per_fold * len(runs)
    for i, run in enumerate(runs):
        fold = calls[i * per_fold : (i + 1) * per_fold]
        assert all(run.name not in names for names in fold), (run.name, fold)
        assert all(len(names) == 1 for names in fold[:-1]) and len(fold[-1]) == 2
    assert [s.name for s in scores] == ["a", "b", "c"] and len(chosen) == 3
    # The held-out hearing's own questions cannot move its ranker: replace them, same constants.
    monkeypatch.setattr(evaluate_ranker._Replay, "fit", original)
    again, _ = leave_one_hearing_out_learned([_typed_run("a", n=2), *runs[1:]], configs)
    assert again[0].params == scores[0].params
    assert scores[0].modes["hybrid"].recall_at_5 == 1.0


def test_unseen_hearings_are_scored_by_a_ranker_that_never_saw_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """``evaluate search --unseen``: the ranker is chosen and fitted on the given hearings only."""
    runs, unseen = [_typed_run("a"), _typed_run("b")], [_typed_run("u")]
    fitted_on = _spy_on_fits(monkeypatch)
    scores, config = evaluate_ranker.score_unseen(runs, unseen)
    assert fitted_on and all("u" not in names for names in fitted_on)
    assert [s.name for s in scores] == ["u"] and set(scores[0].modes) == {"lexical", "dense", "hybrid"}
    # Both lists rank the organisation 4th; the fitted ranker puts it first.
    assert scores[0].modes["dense"].recall_at_5 == 1.0 and scores[0].modes["dense"].mrr_at_10 == 0.25
    assert scores[0].modes["hybrid"].mrr_at_10 == 1.0 and config in evaluate_ranker.default_configs()
    # Its questions cannot move the ranker: other questions, the same constants.
    again, _ = evaluate_ranker.score_unseen(runs, [_typed_run("u", n=2)])
    assert again[0].params == scores[0].params


def test_merge_lists_adds_the_graphs_passages_without_ranks() -> None:
    d = [("1", _payload("1", "d1", "x"), 0.9)]
    g = [("1", _payload("1", "d1", "x"), 0.9), ("2", _payload("2", "d2", "y"), 0.5)]
    merged = merge_lists(d, [], g)
    assert [(c.pid, c.dense_rank, c.dense) for c in merged] == [("1", 1, 0.9), ("2", None, 0.5)]


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("Hvilket direktorat åtvarar mot fristen?", {"state-agency"}),
        ("Kva meiner fylkeskommunen om vegane?", {"county"}),
        ("Which trade union warns against the deadline?", {"union"}),
        ("Kva seier fagforeininga om turnus?", {"union"}),
        ("Hva skriver statsforvalteren om fristen?", {"county-governor"}),
        ("Hvilken fjellkommune vil ha lengre frist?", {"municipality"}),
        ("Hvor mange av de minste kommunene har planer?", set()),
        ("Hvilke høringsinstanser vil ha lengre frist?", set()),
        ("What does the county governor say about roads?", {"county-governor"}),
        # A kind named outside the sender's place in the question is its topic, not its sender.
        ("Hvilke høringssvar viser til forsøket i fire kommuner langs kysten?", set()),
        ("Which respondents want to cut the reporting that municipalities do?", set()),
        ("Hvilken organisasjon viser til uttalelsen fra en fagforening?", {"interest-organisation"}),
        ("Hvem har vist til uttalelsen fra fylkeskommunen?", set()),
        ("Når på året stengte den vesle kommunen ferjekaia for vinteren?", {"municipality"}),
        ("Hva fant fagforeningen for sjåfører om kveldsrutene i små kommuner?", {"union"}),
        # An attribution names the sender anywhere; a counted noun does not.
        ("Hvor mange bussruter ble lagt ned i fylket, ifølge embetet?", {"county-governor"}),
        ("Hvor mange kommuner har egen plan for stiene?", set()),
        ("According to the researchers, how often do the buses run late?", {"research"}),
        # A body of the state may be an agency or the state's office in the county.
        ("Kva for ein statleg instans meiner fristen er for kort?", {"state-agency", "county-governor"}),
        ("Hvilken myndighet vil stramme inn kravene til ferjene?", {"state-agency", "county-governor"}),
        ("Hva mener det statlige senteret om fristen?", {"state-agency"}),
        # A kind in the genitive names its owner anywhere; a plural one ("kommunenes") does not.
        ("Hvor mange ferjer har fylkets nye rute erstattet?", {"county"}),
        ("Hva står det om veiene i kommunens egen plan?", {"municipality"}),
        ("Hvor mange timer bruker kommunenes planleggere på stiene?", set()),
    ],
)
def test_question_names_the_kind_of_sender(question: str, kinds: set[str]) -> None:
    assert asked_actor_types(question) == kinds


@pytest.mark.parametrize(
    ("question", "zone"),
    [
        ("Hvilke kommuner avviser at små kommuner mangler kapasitet?", "hvilke kommuner avviser"),
        ("Hvor mange kommuner har planer, ifølge foreningen for planleggere?", "foreningen"),
        ("Kva meiner fylket, og kvifor?", "kva meiner fylket"),
    ],
)
def test_sender_zone_is_where_a_question_names_who_answers(question: str, zone: str) -> None:
    assert sender_zone(question) == zone


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Kven har ingen merknader til framlegget?", True),
        ("Hvem svarte uten merknad?", True),
        ("Hvilke instanser har ikke noe å bemerke til forslaget?", True),
        ("Who said they had no comments on the proposal?", True),
        ("Hvilke kommuner hadde ingenting å tilføye?", True),
        ("Kven hadde ingenting å leggje til i høyringa?", True),
        ("Which body did not comment on the proposals?", True),
        ("Hvem har lagt til et nytt forslag om frister?", False),
        ("Hvem har merknader til fristen?", False),
    ],
)
def test_question_asks_who_had_no_comments(question: str, asks: bool) -> None:
    assert asks_no_comments(question) is asks


def test_reader_passes_the_graphs_no_comment_letters_only_when_asked() -> None:
    reader = QuestionReader([("lia", "Lia kommune")], without_comments=["urn:doc:1"])
    assert reader.read("Hvem har ingen merknader?").without_comments == frozenset({"urn:doc:1"})
    asked = reader.read("Hva mener Lia om fristen?")
    assert asked.without_comments == frozenset() and asked.question == "Hva mener Lia om fristen?"


def test_features_of_no_candidates() -> None:
    assert candidate_features([], None).shape == (0, len(FEATURES))
    assert np.all(
        LearnedRanker(("rrf",), (0.0,), (1.0,), (1.0,), 0.0, 1.0).probabilities(np.zeros((0, len(FEATURES))))
        == 0
    )


def test_fitting_on_questions_no_candidate_answers_is_a_clear_error() -> None:
    from ingest.errors import InputError

    run = _typed_run("a")
    run.gold = [GoldQuestion(g.question, (("elsewhere.txt", "not in any candidate"),)) for g in run.gold]
    with pytest.raises(InputError, match="cannot fit the search ranker on a"):
        select_and_fit([run], [RankerConfig("ranks+text", 0.1, 1.0)])


def test_evaluate_search_command_with_one_and_with_several_hearings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's own logic on replayed runs (the ingest is replaced): one hearing scores the shipped
    constants, several run the nested leave-one-hearing-out and the RRF comparison."""
    from typer.testing import CliRunner

    from search_api import cli_evaluate

    runs = {name: _typed_run(name) for name in ("a", "b", "c")}
    monkeypatch.setattr(cli_evaluate, "_collect_hearing", lambda gold: runs[Path(gold).as_posix()])
    runner = CliRunner()
    one = runner.invoke(cli_evaluate.app, ["search", "a"])
    assert one.exit_code == 0, one.output
    assert "the shipped ones" in one.output and "inner loop" not in one.output
    several = runner.invoke(cli_evaluate.app, ["search", "a", "b", "c"])
    assert several.exit_code == 0, several.output
    assert several.output.count("the inner loop chose") == 3 and "weighted RRF" in several.output
    # --unseen: a fourth hearing ranked by the ranker fitted on the three, and never one of them.
    runs["u"] = _typed_run("u")
    with_unseen = runner.invoke(cli_evaluate.app, ["search", "a", "b", "c", "--unseen", "u"])
    assert with_unseen.exit_code == 0, with_unseen.output
    assert "unseen hearings: ranked by the ranker chosen and fitted on all 3 hearings" in with_unseen.output
    assert re.search(r"^u\s+\d+\s", with_unseen.output, re.MULTILINE)
    overlap = runner.invoke(cli_evaluate.app, ["search", "a", "b", "--unseen", "b"])
    assert overlap.exit_code != 0 and "given both to fit on and as --unseen" in overlap.output
    # Several question sets of one unseen hearing in one run: each its own row (they had shared one
    # replay cache by hearing name, and a set of another size crashed the run).
    runs["u/qa-fresh"] = _typed_run("u/qa-fresh", n=4)
    sets = runner.invoke(
        cli_evaluate.app, ["search", "a", "b", "c", "--unseen", "u", "--unseen", "u/qa-fresh"]
    )
    assert sets.exit_code == 0, sets.output
    assert re.search(r"^u\s+6\s", sets.output, re.MULTILINE)
    assert re.search(r"^u/qa-fresh\s+4\s", sets.output, re.MULTILINE)
    twice = runner.invoke(cli_evaluate.app, ["search", "a", "b", "--unseen", "u", "--unseen", "u"])
    assert twice.exit_code != 0 and "u: given twice as --unseen" in twice.output
    # Another set of a hearing fitted on is no unseen check.
    runs["a/qa-fresh"] = _typed_run("a/qa-fresh")
    same = runner.invoke(cli_evaluate.app, ["search", "a", "b", "--unseen", "a/qa-fresh"])
    assert same.exit_code != 0 and "a: given both to fit on and as --unseen" in same.output


def test_entity_feature_is_how_close_the_question_is_to_a_pilot_the_passage_names() -> None:
    def cand(pid: str, **links: list[str]) -> Candidate:
        return Candidate(pid, {**_payload(pid, pid, "Tekst."), **links}, 0.8, 1, None, None)

    cands = [
        cand("a", pilots=["p1"]),
        cand("b", grant_schemes=["g1"]),
        cand("c"),
        cand("d", pilots=["p2", "p1"]),
    ]
    sims = (("p1", 0.9), ("g1", 0.7), ("p2", 0.5), ("g2", 0.4), ("g3", 0.3))
    signals = QuestionSignals(question="Hva viser forsøket?", entities=sims)
    col = candidate_features(cands, signals)[:, FEATURES.index("entity")]
    spread = [s for _, s in sims]
    z = (0.9 - np.mean(spread)) / np.std(spread)
    z_g1 = (0.7 - np.mean(spread)) / np.std(spread)
    assert col.tolist() == pytest.approx([z, z_g1, -1.0, z])
    # Fewer entities than MIN_ENTITIES: a z among them is not read (among two it is +-1 whatever is asked).
    assert MIN_ENTITIES == 5
    few = QuestionSignals(question="Hva viser forsøket?", entities=sims[: MIN_ENTITIES - 1])
    assert candidate_features(cands, few)[:, FEATURES.index("entity")].tolist() == [0.0] * 4
    fused = fuse_candidates(cands, FusionParams(), signals, limit=4)
    assert {c.pid for c, _ in fused if "pilot or grant scheme" in c.why} == {"a", "d"}


def test_features_do_not_depend_on_the_process_string_hashing() -> None:
    """The rarity-weighted coverage sums over a set of terms, whose order changes with
    PYTHONHASHSEED; a plain float sum then differs in the last bits between processes and the
    refitted ranker (``evaluate search --fit``) in its stored digits. The exact sum does not."""
    code = (
        "from search_api.fusion import Candidate, QuestionSignals\n"
        "from search_api.ranker import candidate_features\n"
        "texts = ['Nattevakt og fast lønn for legene i distriktet hver uke.', 'Skolen gir fast lønn.',"
        " 'Legevakt i distriktet, nattevakt, turnus og lønn.', 'Skolen ligger sentralt.']\n"
        "cands = [Candidate(str(i), {'kind': 'passage', 'document_iri': f'd{i}', 'text': t}, 0.8, i + 1,"
        " None, None) for i, t in enumerate(texts)]\n"
        "q = QuestionSignals(question='Hvor ofte har legene i distriktet nattevakt, og får de fast lønn?')\n"
        "print(candidate_features(cands, q).tobytes().hex())\n"
    )
    outputs = outputs_under_hash_seeds(code)
    assert len(outputs) == 1 and next(iter(outputs)).strip()
