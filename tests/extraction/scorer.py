# Copied from the project's shared tooling (score_extraction.py) so that the extraction
# regression tests run from this repository alone. Keep in step with the original.
#!/usr/bin/env python3
"""Score a plan extractor against hand-made gold annotations.

Usage:
  score_extraction.py GOLD_DIR DOCS_DIR --cmd 'COMMAND {file}' [--min-targets F] [--min-tasks F] ...
  score_extraction.py --gold X.gold.json --pred X.pred.json

GOLD_DIR holds NAME.gold.json files; DOCS_DIR holds the matching document NAME.<ext>
(txt, docx or pdf). COMMAND is run once per document with {file} replaced by its path and
must print the extraction as JSON on stdout, in the schema of the gold files (see
shared/gold/README.md). Only the standard library is used.

Prints one block per document and a last line with the macro-averaged figures; exits 1 when a
figure is below its --min-* threshold, 2 when a command fails or prints no JSON.
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import shlex
import subprocess
import sys
import time
import unicodedata
from pathlib import Path


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s or "")


def norm_text(s: str) -> str:
    s = nfc(s).casefold()
    s = re.sub(r"\s+", " ", s)
    return s.strip(" .;:,-–\t\n|")


def fold(s: str) -> str:
    """Lower-case, no diacritics, single spaces: for fuzzy name comparison."""
    s = norm_text(s).replace("đ", "d")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9%/ ]+", " ", s).strip()


def norm_docnum(s: str) -> str:
    s = nfc(s or "").upper().replace("SỐ", "")
    s = re.sub(r"\s+", "", s)
    s = s.replace("–", "-").replace("—", "-")
    return s.strip(".,;:")


UNIT_SYNONYMS = {"bác sĩ": "bác sỹ", "nghìn tỷ": "nghìn tỷ", "ngàn": "nghìn", "usd": "usd"}


def norm_unit(s: str | None) -> str:
    s = fold(s or "")
    for a, b in UNIT_SYNONYMS.items():
        s = s.replace(fold(a), fold(b))
    return s.replace(" ", "")


def units_match(a: str | None, b: str | None) -> bool:
    ua, ub = norm_unit(a), norm_unit(b)
    if ua == ub:
        return True
    if not ua or not ub:
        return False
    return ua in ub or ub in ua or difflib.SequenceMatcher(None, ua, ub).ratio() >= 0.75


def numbers(t: dict) -> tuple[float | None, float | None]:
    """(low, high) of a target; a single value gives (v, v)."""
    if t.get("low") is not None or t.get("high") is not None:
        lo, hi = t.get("low"), t.get("high")
        return (float(lo) if lo is not None else None, float(hi) if hi is not None else None)
    v = t.get("value")
    return (float(v), float(v)) if v is not None else (None, None)


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else (1.0 if n_gold == 0 else 0.0)
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def name_sim(a: str | None, b: str | None) -> float:
    ta, tb = set(fold(a or "").split()), set(fold(b or "").split())
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def agency_match(a: str | None, b: str | None) -> bool:
    fa, fb = fold(a or ""), fold(b or "")
    if not fa or not fb:
        return fa == fb
    return fa == fb or difflib.SequenceMatcher(None, fa, fb).ratio() >= 0.85


def match_targets(gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    pairs, used = [], set()
    for g in gold:
        g_lo, g_hi = numbers(g)
        best, best_score = None, -1.0
        for i, p in enumerate(pred):
            if i in used:
                continue
            p_lo, p_hi = numbers(p)
            if not (close(g_lo, p_lo) and close(g_hi, p_hi)):
                continue
            if g.get("year") and p.get("year") and int(g["year"]) != int(p["year"]):
                continue
            if not units_match(g.get("unit"), p.get("unit")):
                continue
            score = name_sim(g.get("indicator"), p.get("indicator"))
            if g_lo is None and g_hi is None and score < 0.3:
                continue  # a target with no figure matches on what it measures, not on the missing figure
            score += 1.0 if g.get("comparator") == p.get("comparator") else 0.0
            if score > best_score:
                best, best_score = i, score
        if best is not None:
            used.add(best)
            pairs.append((g, pred[best]))
    return pairs


def task_key(t: dict, n: int = 40) -> str:
    return norm_text(t.get("quote") or t.get("text") or "")[:n]


def match_tasks(gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    pairs, used = [], set()
    pred_texts = [norm_text(p.get("text") or p.get("quote") or "") for p in pred]
    for g in gold:
        key = task_key(g)
        if len(key) < 10:
            continue
        for i, text in enumerate(pred_texts):
            if i in used:
                continue
            if text.startswith(key) or (len(text) >= 30 and key.startswith(text[:30])):
                used.add(i)
                pairs.append((g, pred[i]))
                break
    return pairs


def coordinating_f1(tpairs: list[tuple[dict, dict]]) -> float:
    """Micro F1 of coordinating agencies over matched tasks (fuzzy agency names)."""
    tp = n_gold = n_pred = 0
    for g, p in tpairs:
        gc, pc = list(g.get("coordinating") or []), list(p.get("coordinating") or [])
        n_gold, n_pred = n_gold + len(gc), n_pred + len(pc)
        left = list(pc)
        for a in gc:
            hit = next((b for b in left if agency_match(a, b)), None)
            if hit is not None:
                left.remove(hit)
                tp += 1
    if n_gold == 0 and n_pred == 0:
        return 1.0
    return prf(tp, n_pred, n_gold)[2]


def task_extent_acc(gold_tasks: list[dict], tpairs: list[tuple[dict, dict]]) -> float:
    """Share of matched tasks whose text stops before the next gold task begins
    (a task that swallows the following items is not one task)."""
    if not tpairs:
        return 0.0
    keys = [task_key(g) for g in gold_tasks]
    nxt = {id(g): keys[i + 1] for i, g in enumerate(gold_tasks[:-1]) if len(keys[i + 1]) >= 20}
    ok = 0
    for g, p in tpairs:
        k = nxt.get(id(g))
        text = norm_text(p.get("text") or p.get("quote") or "")
        ok += not (k and k[:30] in text[10:])
    return ok / len(tpairs)


def target_fields_agree(g: dict, p: dict) -> bool:
    """Matched targets agree on year, comparator and, where the gold names one, lead agency."""
    if (g.get("year") or None) != (p.get("year") or None):
        return False
    if g.get("comparator") != p.get("comparator"):
        return False
    return not g.get("lead") or agency_match(g.get("lead"), p.get("lead"))


def set_f1(gold: set, pred: set) -> tuple[float, float, float]:
    return prf(len(gold & pred), len(pred), len(gold))


def score(gold: dict, pred: dict) -> dict[str, float]:
    out: dict[str, float] = {}
    gt, pt = gold.get("targets", []), pred.get("targets", []) or []
    pairs = match_targets(gt, pt)
    out["targets_p"], out["targets_r"], out["targets_f1"] = prf(len(pairs), len(pt), len(gt))
    gmain = [g for g in gt if g.get("main")]
    out["main_targets_r"] = (sum(1 for g, _ in pairs if g.get("main")) / len(gmain)) if gmain else 1.0
    out["comparator_acc"] = (sum(g.get("comparator") == p.get("comparator") for g, p in pairs) / len(pairs)) if pairs else 0.0
    out["indicator_sim"] = (sum(name_sim(g.get("indicator"), p.get("indicator")) for g, p in pairs) / len(pairs)) if pairs else 0.0

    gk, pk = gold.get("tasks", []), pred.get("tasks", []) or []
    tpairs = match_tasks(gk, pk)
    out["tasks_p"], out["tasks_r"], out["tasks_f1"] = prf(len(tpairs), len(pk), len(gk))
    out["lead_acc"] = (sum(agency_match(g.get("lead"), p.get("lead")) for g, p in tpairs) / len(tpairs)) if tpairs else 0.0
    out["coord_f1"] = coordinating_f1(tpairs)
    out["task_terms_acc"] = (sum((g.get("deadline") or None) == (p.get("deadline") or None)
                                 and bool(g.get("recurring")) == bool(p.get("recurring"))
                                 for g, p in tpairs) / len(tpairs)) if tpairs else 0.0
    out["task_extent_acc"] = task_extent_acc(gk, tpairs)
    out["target_fields_acc"] = (sum(target_fields_agree(g, p) for g, p in pairs) / len(pairs)) if pairs else 0.0

    refs_g = {norm_docnum(r["number"]) for r in gold.get("references", []) if r.get("number")}
    refs_p = {norm_docnum(r.get("number", "")) for r in pred.get("references", []) or [] if r.get("number")}
    out["refs_f1"] = set_f1(refs_g, refs_p)[2]
    imp_g = {norm_docnum(r["number"]) for r in gold.get("implements", []) if r.get("number")}
    imp_p = {norm_docnum(r.get("number", "")) for r in pred.get("implements", []) or [] if r.get("number")}
    out["implements_f1"] = set_f1(imp_g, imp_p)[2]

    gd, pd = gold.get("document", {}) or {}, pred.get("document", {}) or {}
    fields = [f for f in ("number", "kind", "issued_on", "signer", "place") if f in gd]
    ok = 0
    for f in fields:
        a, b = gd.get(f), pd.get(f)
        if f == "number":
            ok += (a is None and not b) or (a is not None and norm_docnum(a) == norm_docnum(b or ""))
        elif f in ("signer", "place", "kind"):
            ok += (a is None and not b) or (a is not None and fold(a) == fold(b or ""))
        else:
            ok += a == b
    out["document_acc"] = ok / len(fields) if fields else 1.0

    freq_g = {r.get("frequency") for r in gold.get("reporting", [])}
    freq_p = {r.get("frequency") for r in pred.get("reporting", []) or []}
    out["reporting_f1"] = set_f1(freq_g, freq_p)[2]
    dl_g = {d.get("date") for d in gold.get("deadlines", []) if d.get("date")}
    dl_p = {d.get("date") for d in pred.get("deadlines", []) or [] if d.get("date")}
    out["deadlines_f1"] = set_f1(dl_g, dl_p)[2]
    return out


def run_extractor(cmd: str, doc: Path) -> tuple[dict | None, float, str]:
    argv = [a.replace("{file}", str(doc)) for a in shlex.split(cmd)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, time.perf_counter() - t0, str(e)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        return None, dt, f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}"
    try:
        return json.loads(proc.stdout), dt, ""
    except json.JSONDecodeError as e:
        return None, dt, f"stdout is not JSON ({e}): {proc.stdout[:200]!r}"


HEADLINE = ["targets_f1", "main_targets_r", "tasks_f1", "lead_acc", "refs_f1", "implements_f1",
            "document_acc", "reporting_f1", "deadlines_f1", "comparator_acc", "target_fields_acc",
            "coord_f1", "task_terms_acc", "task_extent_acc"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold_dir", nargs="?")
    ap.add_argument("docs_dir", nargs="?")
    ap.add_argument("--cmd", help="extractor command with {file}")
    ap.add_argument("--gold")
    ap.add_argument("--pred")
    for k in HEADLINE:
        ap.add_argument(f"--min-{k.replace('_', '-')}", type=float, default=None)
    a = ap.parse_args()

    results: list[dict[str, float]] = []
    if a.gold and a.pred:
        results.append(score(json.loads(Path(a.gold).read_text("utf-8")), json.loads(Path(a.pred).read_text("utf-8"))))
    else:
        if not (a.gold_dir and a.docs_dir and a.cmd):
            ap.error("give GOLD_DIR DOCS_DIR --cmd, or --gold and --pred")
        for gf in sorted(Path(a.gold_dir).glob("*.gold.json")):
            stem = gf.name[: -len(".gold.json")]
            docs = [p for p in Path(a.docs_dir).glob(stem + ".*") if p.suffix in (".txt", ".docx", ".pdf")]
            if not docs:
                print(f"{stem}: no document in {a.docs_dir}")
                return 2
            pred, dt, err = run_extractor(a.cmd, docs[0])
            if pred is None:
                print(f"{stem}: extractor failed: {err}")
                return 2
            s = score(json.loads(gf.read_text("utf-8")), pred)
            s["seconds"] = dt
            results.append(s)
            print(f"{stem}: " + " ".join(f"{k}={s[k]:.2f}" for k in HEADLINE) + f" seconds={dt:.2f}")
    if not results:
        print("no gold files")
        return 2
    avg = {k: sum(r[k] for r in results) / len(results) for k in HEADLINE}
    failed = []
    for k in HEADLINE:
        m = getattr(a, "min_" + k)
        if m is not None and avg[k] < m:
            failed.append(f"{k} {avg[k]:.2f} < {m:.2f}")
    print(("FAIL " + "; ".join(failed) + " | " if failed else "")
          + "macro: " + " ".join(f"{k}={avg[k]:.2f}" for k in HEADLINE) + f" docs={len(results)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
