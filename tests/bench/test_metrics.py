"""Scoring answers: per-answer metrics by hand, joins by id, micro/macro aggregation, the CSV files."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import pytest

from obligations.bench.dataset import Sample
from obligations.bench.metrics import (
    AnswerRow, aggregate, bleu, cer, corpus_bleu, evaluate, exact, read_answers, read_metrics, score_answers, wer,
    write_answers, write_metrics,
)
from obligations.errors import UsageError


def sample(id_: int, answer: str, doc_type: str | None = "snils", field_id: str | None = "last_name",
           question_type: str = "Фамилия", doc_class: str = "snils") -> Sample:
    return Sample(id=id_, image_path=Path(f"img{id_ // 10}.png"), question="?", answer=answer, doc_class=doc_class,
                  question_type=question_type, field_id=field_id, doc_type=doc_type)


# -- per answer ----------------------------------------------------------------


def test_cer_and_wer_by_hand():
    assert cer("Иванв", "Иванов") == pytest.approx(1 / 6)  # one deletion in six letters
    assert cer("sitting", "kitten") == pytest.approx(3 / 6)  # k->s, e->i, +g over the reference "kitten"
    assert cer("kitten", "sitting") == pytest.approx(3 / 7)
    assert wer("the cat sat", "the cat sat on the mat") == pytest.approx(3 / 6)
    assert wer("Гор. Москва", "Гор. Москва Московская обл.") == pytest.approx(2 / 4)
    assert wer("a  b", "a b") == 0.0  # words are split on any whitespace


def test_empty_cases_are_defined():
    assert cer("", "") == 0.0 and wer("", "") == 0.0
    assert cer("не указано", "") == 1.0 and wer("не указано", "") == 1.0  # one wrong item, whatever its length
    assert cer("", "Иванов") == 1.0 and wer("", "Иванов Иван") == 1.0
    assert bleu("", "") == 100.0 and bleu("x", "") == 0.0 and bleu("", "x") == 0.0
    assert exact("", "") == 1.0 and exact("", "x") == 0.0


def test_bleu_hypothesis_comes_first():
    sacrebleu = pytest.importorskip("sacrebleu")
    hyp, ref = "the cat", "the cat sat on the mat"
    # every n-gram of the 2-word answer is in the reference, so only the brevity penalty
    # exp(1 - 6/2) applies; the other way round the answer is longer and there is none.
    assert bleu(hyp, ref) == pytest.approx(100 * math.exp(-2))
    assert bleu(hyp, ref) == pytest.approx(sacrebleu.sentence_bleu(hyp, [ref]).score)
    assert bleu(ref, hyp) != pytest.approx(bleu(hyp, ref))
    assert corpus_bleu([hyp], [ref]) == pytest.approx(100 * math.exp(-2))


def test_corpus_bleu_of_one_word_answers_by_hand():
    # Effective order: unigrams only. Both right: 100; one of two right, same lengths: 1/2.
    assert corpus_bleu(["Иванов", "Петров"], ["Иванов", "Петров"]) == pytest.approx(100.0)
    assert corpus_bleu(["Иванов", "Петр"], ["Иванов", "Петров"]) == pytest.approx(50.0)
    assert corpus_bleu(["", ""], ["", ""]) == 100.0


def test_cer_wer_agree_with_jiwer():
    jiwer = pytest.importorskip("jiwer")
    pairs = [("Карбаинов", "Карбаинова"), ("4505 679944", "4505 679 944"), ("муж.", "мужской"),
             ("Гор. Белая Холуница", "Гор. Белая Холуница Кировской обл.")]
    for hyp, ref in pairs:
        assert cer(hyp, ref) == pytest.approx(jiwer.cer(ref, hyp))
        assert wer(hyp, ref) == pytest.approx(jiwer.wer(ref, hyp))


# -- joining and scoring ---------------------------------------------------------


def test_answers_join_by_id_not_position(caplog):
    samples = [sample(0, "Иванов"), sample(1, "Петров"), sample(2, "Сидоров")]
    answers = [AnswerRow(2, "Сидоров"), AnswerRow(0, "Иванов"), AnswerRow(7, "Лишний")]  # shuffled, 1 missing, 7 extra
    with caplog.at_level(logging.WARNING, logger="obligations.bench"):
        rows = score_answers(samples, answers)
    assert [(r.sample.id, r.model_answer, r.missing) for r in rows] == [
        (0, "Иванов", False), (1, "", True), (2, "Сидоров", False)]
    assert [r.cer for r in rows] == [0.0, 1.0, 0.0]
    assert "ids that are not in the dataset ignored: 7" in caplog.text
    assert "have no answer, scored as empty: 1" in caplog.text
    (general,) = aggregate(rows, "general")
    assert (general["n"], general["n_missing"]) == (3, 1)


def test_duplicate_answer_ids_are_an_error():
    with pytest.raises(UsageError, match="id 0 appears more than once"):
        score_answers([sample(0, "a")], [AnswerRow(0, "a"), AnswerRow(0, "b")])


def test_answers_may_be_a_mapping_of_plain_strings():
    (row,) = score_answers([sample(0, "Иванов")], {0: "Иванов"})
    assert row.exact == 1.0


def test_micro_and_macro_by_hand():
    samples = [sample(0, "abcd", None, None, "q1", "x"), sample(1, "ab", None, None, "q1", "x"),
               sample(2, "", None, None, "q2", "x")]
    answers = {0: "abcx", 1: "", 2: "zz"}  # 1 edit of 4, 2 edits of 2, 2 edits of nothing
    rows = score_answers(samples, answers)
    by_question = {r["question_type"]: r for r in aggregate(rows, "by_doc_question")}
    q1 = by_question["q1"]
    assert q1["cer_micro"] == pytest.approx(3 / 6)
    assert q1["cer_macro"] == pytest.approx((1 / 4 + 1.0) / 2)
    assert q1["wer_micro"] == pytest.approx(2 / 2)  # "abcx" != "abcd" and "" lacks "ab"
    assert q1["exact_match"] == 0.0
    assert by_question["q2"]["cer_micro"] == 1.0 and by_question["q2"]["cer_macro"] == 1.0
    (general,) = aggregate(rows, "general")
    assert general["cer_micro"] == pytest.approx((1 + 2 + 2) / 6)
    assert general["cer_macro"] == pytest.approx((1 / 4 + 1.0 + 1.0) / 3)
    assert general["n"] == 3


def test_normalised_metrics_use_the_field_normaliser():
    samples = [sample(0, "13.09.1985", "passport", "birth_date", "Дата рождения", "passport"),
               sample(1, "мужской", "passport", "gender", "Пол", "passport")]
    rows = score_answers(samples, {0: "1985-09-13", 1: "муж."})
    date, gender = rows
    assert date.cer > 0.5 and date.cer_norm == 0.0 and date.exact_norm == 1.0
    assert (date.reference_norm, date.answer_norm) == ("1985-09-13", "1985-09-13")
    assert gender.exact == 0.0 and gender.exact_norm == 1.0 and gender.answer_norm == "male"
    (general,) = aggregate(rows, "general")
    assert general["exact_match"] == 0.0 and general["exact_match_norm"] == 1.0
    assert general["cer_micro_norm"] == 0.0


def test_normalised_column_of_the_answers_file_is_used_when_given():
    (row,) = score_answers([sample(0, "Иванов")], [AnswerRow(0, "ИВАНОВ И.", normalized="Иванов", valid=True)])
    assert row.answer_norm == "Иванов" and row.cer_norm == 0.0 and row.valid is True


def test_validity_rate_counts_checked_non_empty_answers():
    samples = [
        sample(0, "112-233-445 95", "snils", "number", "Номер снилса"),
        sample(1, "112-233-445 95", "snils", "number", "Номер снилса"),
        sample(2, "Иванов"),
        sample(3, "д. Томпа", "snils", None, "Город"),  # no field of ours: no check
    ]
    answers = {0: "112-233-445 95", 1: "112-233-445 96", 2: "", 3: "Томпа"}  # 1: wrong check digits, 2: empty
    rows = score_answers(samples, answers)
    assert [r.valid for r in rows] == [True, False, None, None]
    (general,) = aggregate(rows, "general")
    assert general["valid_rate"] == 0.5 and general["n_validated"] == 2
    by_question = {r["question_type"]: r for r in aggregate(rows, "by_doc_question")}
    assert by_question["Фамилия"]["valid_rate"] is None and by_question["Фамилия"]["n_validated"] == 0


def test_aggregator_keys_and_metric_selection():
    samples = [sample(0, "Иванов"), sample(1, "Петров", question_type="Имя", field_id="first_name"),
               sample(2, "4505 679944", "passport", "series_number", "Серия и номер паспорта", "passport")]
    rows = score_answers(samples, {0: "Иванов", 1: "Петр", 2: "4505 679944"})
    by_id = aggregate(rows, "by_id")
    assert [r["id"] for r in by_id] == [0, 1, 2] and by_id[1]["cer"] == pytest.approx(2 / 6)
    assert [(r["doc_class"], r["n"]) for r in aggregate(rows, "by_doc_type")] == [("snils", 2), ("passport", 1)]
    assert [r["question_type"] for r in aggregate(rows, "by_doc_question")] == ["Фамилия", "Имя", "Серия и номер паспорта"]
    only_cer = aggregate(rows, "general", metrics=["CER"])[0]
    assert {"cer_micro", "cer_macro", "cer_micro_norm", "n", "n_missing"} <= set(only_cer)
    assert not any(k.startswith(("wer", "bleu", "exact", "valid")) for k in only_cer)
    with pytest.raises(UsageError, match="unknown metrics aggregator"):
        aggregate(rows, "by_page")
    with pytest.raises(UsageError, match="unknown metric"):
        aggregate(rows, "general", metrics=["ROUGE"])


# -- files -------------------------------------------------------------------------


def test_answers_file_round_trip(tmp_path):
    rows = [
        AnswerRow(0, "Карбаинов", "Карбаинов", True, 0.42, 1, (780, 110, 1060, 170)),
        AnswerRow(1, "Гор. Чердаклы; Ульяновской обл.\nвторая строка", None, None, None, None, None),
        AnswerRow(2, "", None, False, 1.5, 2, (1.5, 2.0, 3.25, 4.0)),
    ]
    path = tmp_path / "ModelsAnswers" / "snils_hf_qwen_default.csv"
    write_answers(path, rows)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid;model_answer;normalized;valid;latency_s;page;bbox\n")
    assert read_answers(path) == rows
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_plain_vlmhyperbench_answers_file_reads(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("id;model_answer\n0;353-721-310 54\n1;Фамилия: ОСИПОВ\n", encoding="utf-8")  # no BOM, as pandas writes
    assert read_answers(path) == [AnswerRow(0, "353-721-310 54"), AnswerRow(1, "Фамилия: ОСИПОВ")]


@pytest.mark.parametrize(("text", "message"), [
    ("id;answer\n0;x\n", "no model_answer column"),
    ("id;model_answer\nfirst;x\n", "row 2, column id"),
    ("id;model_answer;valid\n0;x;maybe\n", "row 2, column valid"),
    ("id;model_answer;latency_s\n0;x;fast\n", "row 2, column latency_s"),
    ("id;model_answer;bbox\n0;x;[1, 2]\n", "row 2, column bbox"),
    ("id;model_answer\n0;x;y\n", "row 2: 3 cells for 2 columns"),
])
def test_bad_answers_file_names_the_place(tmp_path, text, message):
    path = tmp_path / "a.csv"
    path.write_text(text, encoding="utf-8-sig")
    with pytest.raises(UsageError, match=message):
        read_answers(path)


def test_metrics_files_by_aggregator(tmp_path):
    samples = [sample(0, "Иванов"), sample(1, "Петров")]
    tables = evaluate(samples, {0: "Иванов", 1: "Петр"}, aggregators=["by_id", "general"])
    written = write_metrics(tmp_path / "ModelsMetrics", "snils_hf_qwen_default", tables)
    assert [p.name for p in written] == ["snils_hf_qwen_default_by_id.csv", "snils_hf_qwen_default_general.csv"]
    assert written[1].read_bytes().startswith(b"\xef\xbb\xbfn;n_missing;cer_micro;")
    (general,) = read_metrics(written[1])
    assert general["n"] == 2 and general["cer_micro"] == pytest.approx(2 / 12)
    by_id = read_metrics(written[0])
    assert [(r["id"], r["model_answer"], r["missing"], r["valid"]) for r in by_id] == [
        (0, "Иванов", False, True), (1, "Петр", False, True)]
    with pytest.raises(UsageError, match="unknown metrics aggregator"):
        write_metrics(tmp_path, "x", {"overall": []})
