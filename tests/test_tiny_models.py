"""The tiny checkpoints load and generate through the same transformers calls as the GPU backends."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import tiny_models  # noqa: E402  (made importable by tests/conftest.py)
from transformers import AutoModelForImageTextToText, AutoProcessor, BitsAndBytesConfig  # noqa: E402

QWEN_FAMILIES = ["qwen2-vl", "qwen2.5-vl", "qwen3-vl"]
QUESTIONS = ["What is the SNILS number?", "Extract the fields of this document as JSON: number, last_name."]


def _page(text: str, size: tuple[int, int]) -> Image.Image:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([4, 4, size[0] - 5, size[1] - 5], outline="black")
    draw.text((12, size[1] // 2 - 6), text, fill="black")
    return image


PAGES = [_page("SNILS 112-233-445 95", (220, 160)), _page("INN 500100732259", (300, 120))]


def _load(path, attn_implementation):
    processor = AutoProcessor.from_pretrained(path)
    processor.tokenizer.padding_side = "left"  # batched generation appends on the right
    model = AutoModelForImageTextToText.from_pretrained(
        path, dtype=torch.float32, attn_implementation=attn_implementation)
    return processor, model.eval()


def _qwen_prompts(processor, questions):
    conversations = [[{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": q}]}]
                     for q in questions]
    return [processor.apply_chat_template(c, add_generation_prompt=True, tokenize=False) for c in conversations]


def _assert_left_padded(inputs, pad_id):
    mask = inputs["attention_mask"]
    assert bool((mask[:, -1] == 1).all()), "every row must end on its last prompt token"
    shorter = int(mask.sum(dim=1).argmin())
    padding = int((mask[shorter] == 0).sum())
    assert padding > 0, "the prompts were meant to differ in length"
    assert bool((mask[shorter, :padding] == 0).all())
    assert bool((inputs["input_ids"][shorter, :padding] == pad_id).all())


def _generate(model, inputs, **kwargs):
    with torch.inference_mode():
        return model.generate(**inputs, max_new_tokens=5, do_sample=False, **kwargs)


def _assert_answers(processor, inputs, output):
    prompt_length = inputs["input_ids"].shape[1]
    assert output.shape[0] == 2
    assert prompt_length < output.shape[1] <= prompt_length + 5
    assert torch.equal(output[:, :prompt_length], inputs["input_ids"])
    answers = processor.batch_decode(output[:, prompt_length:], skip_special_tokens=True)
    assert len(answers) == 2 and all(isinstance(answer, str) for answer in answers)
    return answers


@pytest.mark.parametrize("family", QWEN_FAMILIES)
def test_qwen_chat_template_marks_one_image_per_turn(tiny_model, family):
    processor = AutoProcessor.from_pretrained(tiny_model(family))
    prompt = _qwen_prompts(processor, QUESTIONS[:1])[0]
    assert prompt.count("<|vision_start|><|image_pad|><|vision_end|>") == 1
    assert prompt.endswith("<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>"
                           f"{QUESTIONS[0]}<|im_end|>\n<|im_start|>assistant\n")
    # Qwen2/2.5 templates add a default system turn; Qwen3-VL's does not.
    assert prompt.startswith("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n") == (family != "qwen3-vl")
    with_system = processor.apply_chat_template(
        [{"role": "system", "content": "Answer in JSON."}, {"role": "user", "content": "Hi"}],
        add_generation_prompt=False, tokenize=False)
    assert with_system == "<|im_start|>system\nAnswer in JSON.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"


def _assert_rows_match_alone(model, batch, output, singles, **generate_kwargs):
    """Left padding must not change an answer: each row alone gives the same greedy tokens."""
    prompt_length = batch["input_ids"].shape[1]
    for row, alone in enumerate(singles):
        single = _generate(model, alone, **generate_kwargs)[0, alone["input_ids"].shape[1]:]
        batched = output[row, prompt_length:prompt_length + len(single)]
        assert torch.equal(single, batched), (row, single, batched)


@pytest.mark.parametrize("family", QWEN_FAMILIES)
def test_qwen_batched_generation(tiny_model, family):
    processor, model = _load(tiny_model(family), "sdpa")
    prompts = _qwen_prompts(processor, QUESTIONS)
    inputs = processor(text=prompts, images=PAGES, padding=True, return_tensors="pt")

    _assert_left_padded(inputs, processor.tokenizer.pad_token_id)
    # Each image becomes (grid t*h*w / merge^2) <|image_pad|> tokens, within the pixel budget.
    image_pad_id = processor.tokenizer.convert_tokens_to_ids("<|image_pad|>")
    grid = inputs["image_grid_thw"]
    assert grid.shape == (2, 3)
    merged_tokens = grid.prod(dim=1) // 4
    assert torch.equal((inputs["input_ids"] == image_pad_id).sum(dim=1), merged_tokens)
    assert bool((merged_tokens <= tiny_models.QWEN_MAX_PATCHES).all())
    assert inputs["pixel_values"].shape[0] == int(grid.prod(dim=1).sum())

    output = _generate(model, inputs)
    _assert_answers(processor, inputs, output)
    singles = [processor(text=[prompt], images=[page], return_tensors="pt") for prompt, page in zip(prompts, PAGES)]
    _assert_rows_match_alone(model, inputs, output, singles)


def test_got_ocr2_batched_generation(tiny_model):
    processor, model = _load(tiny_model("got-ocr2"), "eager")  # GOT-OCR2 has no SDPA/flash attention
    stop = {"tokenizer": processor.tokenizer, "stop_strings": "<|im_end|>"}
    image_pad_id = processor.tokenizer.convert_tokens_to_ids("<imgpad>")
    size = tiny_models.GOT_IMAGE_SIZE

    # Plain OCR: GOT's processor writes the prompt itself, the same for every page.
    plain = processor(PAGES, return_tensors="pt")
    assert plain["pixel_values"].shape == (2, 3, size, size)
    assert model.config.image_seq_length == 256  # what the processor emits without num_image_tokens
    assert (plain["input_ids"] == image_pad_id).sum(dim=1).tolist() == [256, 256]
    _assert_answers(processor, plain, _generate(model, plain, **stop))

    # Regional OCR: boxes (page pixels) print differently long, so the batch needs left padding.
    boxes = [[0, 0, 22, 16], [0, 0, 300, 120]]
    regional = processor(PAGES, box=[list(b) for b in boxes], padding=True, return_tensors="pt")
    _assert_left_padded(regional, processor.tokenizer.pad_token_id)
    output = _generate(model, regional, **stop)
    _assert_answers(processor, regional, output)
    singles = [processor(page, box=list(box), return_tensors="pt") for page, box in zip(PAGES, boxes)]
    _assert_rows_match_alone(model, regional, output, singles, **stop)


@pytest.mark.parametrize("family", tiny_models.FAMILIES)
def test_dtype_follows_the_request(tiny_model, family):
    for dtype in (torch.float32, torch.bfloat16):
        model = AutoModelForImageTextToText.from_pretrained(tiny_model(family), dtype=dtype)
        assert model.dtype == dtype
        assert {p.dtype for p in model.parameters()} == {dtype}


@pytest.mark.parametrize("family", tiny_models.FAMILIES)
def test_generation_config_stops_and_pads(tiny_model, family):
    processor = AutoProcessor.from_pretrained(tiny_model(family))
    model = AutoModelForImageTextToText.from_pretrained(tiny_model(family), dtype=torch.float32)
    tokenizer = processor.tokenizer
    generation = model.generation_config
    assert tokenizer.convert_tokens_to_ids("<|im_end|>") in generation.eos_token_id
    assert generation.pad_token_id == tokenizer.pad_token_id == tokenizer.convert_tokens_to_ids("<|endoftext|>")
    assert model.config.get_text_config().vocab_size >= len(tokenizer)


@pytest.mark.parametrize("family", tiny_models.FAMILIES)
def test_tokenizer_round_trips_both_scripts(tiny_model, family):
    tokenizer = AutoProcessor.from_pretrained(tiny_model(family)).tokenizer
    text = 'Фамилия Иванов, SNILS 112-233-445 95 {"total": "9.00"} ёЁ€'
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert tokenizer.decode(ids) == text
    assert len(ids) < len(text.encode())  # merges learnt, not bytes only
    for token in ("<|im_start|>", "<|im_end|>", "<|endoftext|>"):
        assert tokenizer(token, add_special_tokens=False)["input_ids"] == [tokenizer.convert_tokens_to_ids(token)]


def test_build_is_deterministic(tmp_path):
    from safetensors.torch import load_file

    first = tiny_models.build_tiny_model("qwen2-vl", tmp_path / "a")
    second = tiny_models.build_tiny_model("qwen2-vl", tmp_path / "b")
    weights_a, weights_b = load_file(first / "model.safetensors"), load_file(second / "model.safetensors")
    assert weights_a.keys() == weights_b.keys()
    assert all(torch.equal(weights_a[name], weights_b[name]) for name in weights_a)
    assert (first / "tokenizer.json").read_text() == (second / "tokenizer.json").read_text()
    assert sum(t.numel() for t in weights_a.values()) < 1_000_000


def test_unknown_family_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown tiny model family"):
        tiny_models.build_tiny_model("llava", tmp_path)


def test_quantization_configs_construct():
    eight_bit = BitsAndBytesConfig(load_in_8bit=True)
    four_bit = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                  bnb_4bit_compute_dtype=torch.bfloat16, bnb_4bit_use_double_quant=True)
    assert eight_bit.load_in_8bit and not eight_bit.load_in_4bit
    assert four_bit.load_in_4bit and four_bit.bnb_4bit_quant_type == "nf4"
    assert four_bit.bnb_4bit_compute_dtype == torch.bfloat16
