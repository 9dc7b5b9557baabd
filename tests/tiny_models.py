"""Tiny, randomly initialised vision-language checkpoints for tests.

The GPU backends load real models with `transformers` (AutoProcessor, AutoModelForImageTextToText,
chat template, generate). Tests have no hub access and no GPU, so this module builds checkpoints of
the very same classes, shrunk to a few hundred thousand parameters, and saves them with
`save_pretrained` so that `from_pretrained(path)` works offline. Weights are random (seeded), the
tokenizer is a byte-level BPE trained here on a few Russian and English lines: the answers are
gibberish, but every step of the code path (templating, image token expansion, vision tower,
multimodal rotary positions, batched left-padded generation, decoding) runs for real.

Only `build_tiny_model(family, out_dir)` is meant to be used from tests; `FAMILIES` lists the
families it knows.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

FAMILIES = ("qwen2-vl", "qwen2.5-vl", "qwen3-vl", "got-ocr2")
# The OCR models with native transformers classes (transformers >= 5): their own tokens and templates.
OCR_FAMILIES = ("deepseek-ocr2", "glm-ocr", "paddleocr-vl")

SEED = 1234
TEXT_HIDDEN = 64
TEXT_LAYERS = 2
TEXT_HEADS = 4
TEXT_KV_HEADS = 2
HEAD_DIM = TEXT_HIDDEN // TEXT_HEADS  # 16: the rotary half (8) is what mrope sections split

# Qwen's image processors resize so that pixels stay within these bounds; 64 patches of 28x28
# (Qwen2/2.5) or 32x32 (Qwen3) keep a vision forward pass in the milliseconds.
QWEN_MIN_PATCHES = 4
QWEN_MAX_PATCHES = 64

# Lines the BPE is trained on: the document vocabulary the project reads, both scripts, digits.
TRAINING_LINES = [
    "СТРАХОВОЕ СВИДЕТЕЛЬСТВО ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ № 112-233-445 95",
    "Фамилия Иванов Имя Иван Отчество Иванович Дата рождения 01.02.1990 Место рождения г. Москва",
    "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ Дата выдачи 01.02.2010 Код подразделения 770-001",
    "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе ИНН 500100732259",
    "СЧЕТ-ФАКТУРА № 1 от 01.01.2024 Продавец ООО Ромашка ИНН/КПП 7707083893/770701001 Всего к оплате",
    "Пол мужской женский Дата регистрации 15.03.2005",
    "Receipt ABC SDN BHD GST REG NO 0001 TOTAL 9.00 CASH 10.00 CHANGE 1.00 THANK YOU",
    "Invoice number date total amount due company address",
    "Extract the fields of this document as JSON: number, last_name, first_name, birth_date.",
    '{"number": "112-233-445 95", "last_name": "Иванов", "first_name": "Иван", "total": "9.00"}',
    "OCR: What is the SNILS number? Answer with the value only.",
    "You are a helpful assistant.",
    "system user assistant",
]
BPE_VOCAB_SIZE = 600  # 256 byte symbols + merges

# Qwen's pre-tokenisation: letters, single digits, punctuation runs, newlines, spaces.
QWEN_PRETOKENIZE_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

# Special tokens in the order the real Qwen2-VL tokenizer appends them after its BPE vocabulary.
QWEN_SPECIAL_TOKENS = [
    "<|endoftext|>", "<|im_start|>", "<|im_end|>",
    "<|object_ref_start|>", "<|object_ref_end|>", "<|box_start|>", "<|box_end|>",
    "<|quad_start|>", "<|quad_end|>",
    "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>",
]
QWEN3_EXTRA_SPECIAL_TOKENS = ["<tool_call>", "</tool_call>", "<think>", "</think>"]
# GOT-OCR2 is a Qwen-0.5B decoder: ChatML markers plus its own image markers.
GOT_SPECIAL_TOKENS = [
    "<|endoftext|>", "<|im_start|>", "<|im_end|>",
    "<ref>", "</ref>", "<box>", "</box>", "<quad>", "</quad>",
    "<img>", "</img>", "<imgpad>",
]

# ChatML with images as <|vision_start|><|image_pad|><|vision_end|>, as the Qwen-VL templates do.
# Content is either a string or a list of parts ({"type": "image"|"video"|"text", ...}).
_QWEN_CHAT_TEMPLATE = """\
{%- for message in messages -%}
  {%- if loop.first and message['role'] != 'system' and default_system -%}
    {{- '<|im_start|>system\\n' + default_system + '<|im_end|>\\n' -}}
  {%- endif -%}
  {{- '<|im_start|>' + message['role'] + '\\n' -}}
  {%- if message['content'] is string -%}
    {{- message['content'] -}}
  {%- else -%}
    {%- for part in message['content'] -%}
      {%- if part['type'] == 'image' or 'image' in part or 'image_url' in part -%}
        {{- '<|vision_start|><|image_pad|><|vision_end|>' -}}
      {%- elif part['type'] == 'video' or 'video' in part -%}
        {{- '<|vision_start|><|video_pad|><|vision_end|>' -}}
      {%- elif 'text' in part -%}
        {{- part['text'] -}}
      {%- endif -%}
    {%- endfor -%}
  {%- endif -%}
  {{- '<|im_end|>\\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}
  {{- '<|im_start|>assistant\\n' -}}
{%- endif -%}
"""


def build_tiny_model(family: str, out_dir: Path) -> Path:
    """Save a tiny random checkpoint of `family` (model, processor, generation config) into out_dir.

    Deterministic: the same family always gives the same weights and tokenizer. Returns out_dir.
    """
    builders = {
        "qwen2-vl": _build_qwen2_vl,
        "qwen2.5-vl": _build_qwen2_5_vl,
        "qwen3-vl": _build_qwen3_vl,
        "got-ocr2": _build_got_ocr2,
        "deepseek-ocr2": _build_deepseek_ocr2,
        "glm-ocr": _build_glm_ocr,
        "paddleocr-vl": _build_paddleocr_vl,
    }
    if family not in builders:
        raise ValueError(f"unknown tiny model family {family!r}; known: {', '.join(FAMILIES + OCR_FAMILIES)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    builders[family](out_dir)
    return out_dir


# --- tokenizer ---------------------------------------------------------------------------------


def _train_byte_level_bpe() -> Tokenizer:
    """A Qwen-style byte-level BPE: any Unicode text encodes (bytes are the alphabet)."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN_PRETOKENIZE_PATTERN), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=BPE_VOCAB_SIZE,
        min_frequency=1,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(TRAINING_LINES, trainer=trainer)
    return tokenizer


def _bpe_vocab_and_merges() -> tuple[dict[str, int], list[tuple[str, str]]]:
    state = json.loads(_train_byte_level_bpe().to_str())["model"]
    merges = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in state["merges"]]
    return state["vocab"], merges


def _qwen_tokenizer(special_tokens: list[str], chat_template: str | None):
    """The real checkpoints' tokenizer class (Qwen2Tokenizer) over the locally trained BPE.

    Special tokens follow the BPE vocabulary, in the given order, as in the real checkpoints.
    """
    from tokenizers import AddedToken
    from transformers import Qwen2Tokenizer

    vocab, merges = _bpe_vocab_and_merges()
    added = {len(vocab) + i: AddedToken(token, special=True, normalized=False) for i, token in enumerate(special_tokens)}
    tokenizer = Qwen2Tokenizer(
        vocab=vocab,
        merges=merges,
        added_tokens_decoder=added,
        unk_token=None,
        bos_token=None,
        eos_token="<|im_end|>",  # the instruct checkpoints end a turn with <|im_end|>
        pad_token="<|endoftext|>",
        extra_special_tokens=[t for t in special_tokens if t != "<|endoftext|>"],
        model_max_length=32768,
    )
    if chat_template is not None:
        tokenizer.chat_template = chat_template
    return tokenizer


def _special_ids(tokenizer, names: list[str]) -> dict[str, int]:
    ids = {name: tokenizer.convert_tokens_to_ids(name) for name in names}
    missing = [name for name, i in ids.items() if i is None or i == tokenizer.unk_token_id]
    if missing:
        raise RuntimeError(f"tiny tokenizer lacks special tokens {missing}")
    return ids


def _padded_vocab_size(tokenizer) -> int:
    # Real Qwen configs carry a few unused rows past the tokenizer (152064 > 151665): mimic that.
    return -(-len(tokenizer) // 64) * 64


# --- Qwen2-VL / Qwen2.5-VL / Qwen3-VL ----------------------------------------------------------


def _qwen_chat_template(default_system: str | None) -> str:
    value = json.dumps(default_system) if default_system else "none"
    return "{%- set default_system = " + value + " -%}\n" + _QWEN_CHAT_TEMPLATE


def _mrope_text_config(vocab_size: int, ids: dict[str, int], mrope_section: list[int], **extra) -> dict:
    return {
        "vocab_size": vocab_size,
        "hidden_size": TEXT_HIDDEN,
        "intermediate_size": 2 * TEXT_HIDDEN,
        "num_hidden_layers": TEXT_LAYERS,
        "num_attention_heads": TEXT_HEADS,
        "num_key_value_heads": TEXT_KV_HEADS,
        "max_position_embeddings": 4096,
        "rope_parameters": {"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": mrope_section},
        "pad_token_id": ids["<|endoftext|>"],
        **extra,
    }


def _qwen_vision_token_ids(ids: dict[str, int]) -> dict[str, int]:
    return {
        "image_token_id": ids["<|image_pad|>"],
        "video_token_id": ids["<|video_pad|>"],
        "vision_start_token_id": ids["<|vision_start|>"],
        "vision_end_token_id": ids["<|vision_end|>"],
    }


def _qwen_image_and_video_processors(patch_size: int, image_mean, image_std, video_processor_class):
    from transformers import Qwen2VLImageProcessor

    merged_patch = patch_size * 2
    common = {
        "patch_size": patch_size,
        "temporal_patch_size": 2,
        "merge_size": 2,
        "image_mean": image_mean,
        "image_std": image_std,
    }
    image_processor = Qwen2VLImageProcessor(
        min_pixels=QWEN_MIN_PATCHES * merged_patch**2, max_pixels=QWEN_MAX_PATCHES * merged_patch**2, **common
    )
    video_processor = video_processor_class(
        size={"shortest_edge": QWEN_MIN_PATCHES * merged_patch**2, "longest_edge": QWEN_MAX_PATCHES * merged_patch**2},
        **common,
    )
    return image_processor, video_processor


def _save(out_dir: Path, model, processor, ids: dict[str, int], bos: str = "<|endoftext|>",
          eos: tuple[str, ...] = ("<|im_end|>", "<|endoftext|>"), pad: str = "<|endoftext|>") -> None:
    from transformers import GenerationConfig

    model.generation_config = GenerationConfig(
        bos_token_id=ids[bos],
        eos_token_id=[ids[name] for name in eos],
        pad_token_id=ids[pad],
        do_sample=False,
    )
    # Real checkpoints ship in bfloat16; saving so makes loaders pass dtype on purpose.
    model.to(torch.bfloat16).save_pretrained(out_dir)
    processor.save_pretrained(out_dir)


def _seeded_model(model_class, config):
    torch.manual_seed(SEED)
    with torch.device("cpu"):
        model = model_class(config)
    return model.eval()


def _build_qwen2_vl(out_dir: Path) -> None:
    from transformers import Qwen2VLConfig, Qwen2VLForConditionalGeneration, Qwen2VLProcessor

    _build_qwen2_generation(out_dir, Qwen2VLConfig, Qwen2VLForConditionalGeneration, Qwen2VLProcessor, {
        "depth": 2, "embed_dim": 32, "num_heads": 2, "mlp_ratio": 2,
        "hidden_size": TEXT_HIDDEN, "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2,
    })


def _build_qwen2_5_vl(out_dir: Path) -> None:
    from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration, Qwen2_5_VLProcessor

    _build_qwen2_generation(out_dir, Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration, Qwen2_5_VLProcessor, {
        # Windowed attention in the first block, full attention in the last, as in the real tower.
        "depth": 2, "hidden_size": 32, "intermediate_size": 64, "num_heads": 2, "out_hidden_size": TEXT_HIDDEN,
        "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2,
        "window_size": 56, "fullatt_block_indexes": [1], "tokens_per_second": 2,
    })


def _build_qwen2_generation(out_dir: Path, config_class, model_class, processor_class, vision_config: dict) -> None:
    """Qwen2-VL and Qwen2.5-VL share tokenizer, template, text model and processors; their
    vision towers differ."""
    from transformers import Qwen2VLVideoProcessor

    template = _qwen_chat_template("You are a helpful assistant.")
    tokenizer = _qwen_tokenizer(QWEN_SPECIAL_TOKENS, template)
    ids = _special_ids(tokenizer, QWEN_SPECIAL_TOKENS)
    config = config_class(
        text_config=_mrope_text_config(_padded_vocab_size(tokenizer), ids, [2, 3, 3],
                                       bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|im_end|>"]),
        vision_config=vision_config,
        **_qwen_vision_token_ids(ids),
    )
    image_processor, video_processor = _qwen_image_and_video_processors(
        14, [0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711], Qwen2VLVideoProcessor)
    processor = processor_class(image_processor=image_processor, tokenizer=tokenizer,
                                video_processor=video_processor, chat_template=template)
    _save(out_dir, _seeded_model(model_class, config), processor, ids)


def _build_qwen3_vl(out_dir: Path) -> None:
    from transformers import (
        Qwen3VLConfig,
        Qwen3VLForConditionalGeneration,
        Qwen3VLProcessor,
        Qwen3VLVideoProcessor,
    )

    special_tokens = QWEN_SPECIAL_TOKENS + QWEN3_EXTRA_SPECIAL_TOKENS
    template = _qwen_chat_template(None)  # Qwen3-VL adds no default system turn
    tokenizer = _qwen_tokenizer(special_tokens, template)
    ids = _special_ids(tokenizer, special_tokens)
    text_config = _mrope_text_config(_padded_vocab_size(tokenizer), ids, [4, 2, 2], head_dim=HEAD_DIM)
    text_config["rope_parameters"].update(rope_theta=5000000.0, mrope_interleaved=True)
    config = Qwen3VLConfig(
        text_config=text_config,
        vision_config={
            # Deepstack: features of vision block 0 are added into the first decoder layer.
            "depth": 2, "hidden_size": 32, "intermediate_size": 64, "num_heads": 2, "out_hidden_size": TEXT_HIDDEN,
            "patch_size": 16, "spatial_merge_size": 2, "temporal_patch_size": 2,
            "num_position_embeddings": 64, "deepstack_visual_indexes": [0],
        },
        **_qwen_vision_token_ids(ids),
    )
    image_processor, video_processor = _qwen_image_and_video_processors(
        16, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5], Qwen3VLVideoProcessor)
    processor = Qwen3VLProcessor(image_processor=image_processor, tokenizer=tokenizer,
                                 video_processor=video_processor, chat_template=template)
    _save(out_dir, _seeded_model(Qwen3VLForConditionalGeneration, config), processor, ids)


# --- GOT-OCR2 ----------------------------------------------------------------------------------

GOT_IMAGE_SIZE = 128
GOT_PATCH_SIZE = 2  # 64x64 patch grid -> two stride-2 convs -> 16x16 = 256 image tokens, the
# processor's fixed `num_image_tokens`; a smaller grid would need that kwarg on every call.


def _build_got_ocr2(out_dir: Path) -> None:
    from transformers import (
        GotOcr2Config,
        GotOcr2ForConditionalGeneration,
        GotOcr2ImageProcessor,
        GotOcr2Processor,
        PreTrainedTokenizerFast,
    )

    from tokenizers import AddedToken

    backend = _train_byte_level_bpe()
    backend.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in GOT_SPECIAL_TOKENS])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token=None,
        bos_token=None,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        extra_special_tokens=[t for t in GOT_SPECIAL_TOKENS if t != "<|endoftext|>"],
        model_max_length=8192,
    )
    ids = _special_ids(tokenizer, GOT_SPECIAL_TOKENS)
    grid = GOT_IMAGE_SIZE // GOT_PATCH_SIZE
    config = GotOcr2Config(
        vision_config={
            "hidden_size": 32, "output_channels": 16, "num_hidden_layers": 2, "num_attention_heads": 2,
            "image_size": GOT_IMAGE_SIZE, "patch_size": GOT_PATCH_SIZE, "mlp_dim": 64,
            # Windowed attention only: a global block over the 64x64 grid alone would take seconds.
            # A window of 6 does not divide 64, so the padding path runs as with the real 14 on 64.
            "window_size": 6, "global_attn_indexes": [],
        },
        text_config={
            "model_type": "qwen2",
            "vocab_size": _padded_vocab_size(tokenizer),
            "hidden_size": TEXT_HIDDEN,
            "intermediate_size": 2 * TEXT_HIDDEN,
            "num_hidden_layers": TEXT_LAYERS,
            "num_attention_heads": TEXT_HEADS,
            "num_key_value_heads": TEXT_KV_HEADS,
            "max_position_embeddings": 4096,
            "tie_word_embeddings": True,
            "bos_token_id": ids["<|endoftext|>"],
            "eos_token_id": ids["<|im_end|>"],
            "pad_token_id": ids["<|endoftext|>"],
        },
        image_token_index=ids["<imgpad>"],
        image_seq_length=(grid // 4) ** 2,
    )
    image_processor = GotOcr2ImageProcessor(size={"height": GOT_IMAGE_SIZE, "width": GOT_IMAGE_SIZE})
    processor = GotOcr2Processor(image_processor=image_processor, tokenizer=tokenizer)
    _save(out_dir, _seeded_model(GotOcr2ForConditionalGeneration, config), processor, ids)


# --- OCR models with native classes: DeepSeek-OCR-2, GLM-OCR, PaddleOCR-VL --------------------------


def _ocr_tokenizer(special_tokens: list[str], bos: str | None, eos: str, pad: str, named: dict | None = None,
                   chat_template: str | None = None):
    """The locally trained byte-level BPE with a family's special tokens (its real tokenizer
    classes differ; the processors only need the tokens and their ids)."""
    from tokenizers import AddedToken
    from transformers import Qwen2Tokenizer

    vocab, merges = _bpe_vocab_and_merges()
    added = {len(vocab) + i: AddedToken(token, special=True, normalized=False) for i, token in enumerate(special_tokens)}
    tokenizer = Qwen2Tokenizer(
        vocab=vocab, merges=merges, added_tokens_decoder=added, unk_token=None, bos_token=bos, eos_token=eos,
        pad_token=pad, extra_special_tokens=named or [t for t in special_tokens if t not in (bos, eos, pad)],
        model_max_length=32768,
    )
    if chat_template is not None:
        tokenizer.chat_template = chat_template
    return tokenizer


def _chat_template(head: str, turn: str, image: str, generation: str) -> str:
    """A chat template: `head` once, then each message as `turn` (with ROLE and CONTENT in it),
    images as `image`, and `generation` when a reply is asked for."""
    before, _, after = turn.partition("CONTENT")
    role_before, _, role_after = before.partition("ROLE")
    return (
        "{{- " + json.dumps(head) + " -}}"
        "{%- for message in messages -%}"
        "{{- " + json.dumps(role_before) + " + message['role'] + " + json.dumps(role_after) + " -}}"
        "{%- if message['content'] is string -%}{{- message['content'] -}}{%- else -%}"
        "{%- for part in message['content'] -%}"
        "{%- if part['type'] == 'image' -%}{{- " + json.dumps(image) + " -}}"
        "{%- elif 'text' in part -%}{{- part['text'] -}}{%- endif -%}"
        "{%- endfor -%}{%- endif -%}"
        "{{- " + json.dumps(after) + " -}}"
        "{%- endfor -%}"
        "{%- if add_generation_prompt -%}{{- " + json.dumps(generation) + " -}}{%- endif -%}"
    )


def _small_text(vocab_size: int, **extra) -> dict:
    return {"vocab_size": vocab_size, "hidden_size": TEXT_HIDDEN, "intermediate_size": 2 * TEXT_HIDDEN,
            "num_hidden_layers": TEXT_LAYERS, "num_attention_heads": TEXT_HEADS, "max_position_embeddings": 4096,
            **extra}


DEEPSEEK_SPECIAL_TOKENS = ["<｜end▁of▁sentence｜>", "<｜begin▁of▁sentence｜>", "<｜▁pad▁｜>", "<image>", "<|grounding|>",
                           "<|ref|>", "<|/ref|>", "<|det|>", "<|/det|>"]
# DeepSeek-OCR-2's views: a global view and 768 px tiles, 16 px patches, 4x downsampling -> 16x16 and
# 12x12 query grids (the vision tower's fixed 256 and 144 queries). Shrunk by 8: 128 px views, 96 px
# tiles and 2 px patches keep both grids, so the token counts are the real model's.
DEEPSEEK2_VIEW = 128
DEEPSEEK2_TILE = 96
DEEPSEEK2_PATCH = 2


def _build_deepseek_ocr2(out_dir: Path) -> None:
    from transformers import (
        DeepseekOcr2Config,
        DeepseekOcr2ForConditionalGeneration,
        DeepseekOcr2ImageProcessor,
        DeepseekOcr2Processor,
    )

    bos, eos, pad = DEEPSEEK_SPECIAL_TOKENS[1], DEEPSEEK_SPECIAL_TOKENS[0], DEEPSEEK_SPECIAL_TOKENS[2]
    tokenizer = _ocr_tokenizer(DEEPSEEK_SPECIAL_TOKENS, bos, eos, pad)
    ids = _special_ids(tokenizer, DEEPSEEK_SPECIAL_TOKENS)
    config = DeepseekOcr2Config(
        vision_config={
            "sam_config": {"hidden_size": 32, "output_channels": 16, "num_hidden_layers": 2, "num_attention_heads": 2,
                           "image_size": DEEPSEEK2_VIEW, "patch_size": DEEPSEEK2_PATCH, "mlp_dim": 64,
                           "window_size": 6, "global_attn_indexes": [], "downsample_channels": [16, 32]},
            "encoder_config": {"vocab_size": 16, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
                               "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 1024},
        },
        # A DeepSeek-V2 MoE decoder: a dense first layer, then routed and shared experts.
        text_config=_small_text(_padded_vocab_size(tokenizer), num_key_value_heads=TEXT_HEADS, n_routed_experts=4,
                                num_experts_per_tok=2, moe_intermediate_size=32, n_shared_experts=1,
                                mlp_layer_types=["dense", "sparse"], bos_token_id=ids[bos], eos_token_id=ids[eos],
                                pad_token_id=ids[pad]),
        image_token_id=ids["<image>"],
    )
    image_processor = DeepseekOcr2ImageProcessor(size={"height": DEEPSEEK2_VIEW, "width": DEEPSEEK2_VIEW},
                                                 tile_size=DEEPSEEK2_TILE)
    processor = DeepseekOcr2Processor(image_processor=image_processor, tokenizer=tokenizer, patch_size=DEEPSEEK2_PATCH,
                                      downsample_ratio=4)
    _save(out_dir, _seeded_model(DeepseekOcr2ForConditionalGeneration, config), processor, ids, bos=bos, eos=(eos,),
          pad=pad)


GLM_SPECIAL_TOKENS = ["<|endoftext|>", "[gMASK]", "<sop>", "<|system|>", "<|user|>", "<|assistant|>",
                      "<|begin_of_image|>", "<|end_of_image|>", "<|begin_of_video|>", "<|end_of_video|>", "<|image|>",
                      "<|video|>"]


def _build_glm_ocr(out_dir: Path) -> None:
    from transformers import (
        Glm46VImageProcessor,
        Glm46VProcessor,
        Glm46VVideoProcessor,
        GlmOcrConfig,
        GlmOcrForConditionalGeneration,
    )

    # GLM's turns: "[gMASK]<sop>" once, "<|user|>\n...", the reply after "<|assistant|>\n"; a
    # reply ends where the next "<|user|>" would start.
    template = _chat_template("[gMASK]<sop>", "<|ROLE|>\nCONTENT", "<|begin_of_image|><|image|><|end_of_image|>",
                              "<|assistant|>\n")
    tokenizer = _ocr_tokenizer(GLM_SPECIAL_TOKENS, None, "<|user|>", "<|endoftext|>", chat_template=template)
    ids = _special_ids(tokenizer, GLM_SPECIAL_TOKENS)
    config = GlmOcrConfig(
        text_config=_small_text(_padded_vocab_size(tokenizer), num_key_value_heads=TEXT_KV_HEADS, head_dim=HEAD_DIM,
                                rope_parameters={"rope_type": "default", "rope_theta": 10000.0,
                                                 "mrope_section": [2, 3, 3]},
                                pad_token_id=ids["<|endoftext|>"], eos_token_id=[ids["<|endoftext|>"], ids["<|user|>"]]),
        vision_config={"depth": 2, "hidden_size": 32, "num_heads": 2, "out_hidden_size": TEXT_HIDDEN,
                       "intermediate_size": 64, "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2,
                       "image_size": 56},
        image_token_id=ids["<|image|>"], video_token_id=ids["<|video|>"],
        image_start_token_id=ids["<|begin_of_image|>"], image_end_token_id=ids["<|end_of_image|>"],
        video_start_token_id=ids["<|begin_of_video|>"], video_end_token_id=ids["<|end_of_video|>"],
    )
    common = {"patch_size": 14, "temporal_patch_size": 2, "merge_size": 2}
    bounds = {"shortest_edge": QWEN_MIN_PATCHES * 28**2, "longest_edge": QWEN_MAX_PATCHES * 28**2}
    processor = Glm46VProcessor(image_processor=Glm46VImageProcessor(size=bounds, **common), tokenizer=tokenizer,
                                video_processor=Glm46VVideoProcessor(size=bounds, **common), chat_template=template)
    _save(out_dir, _seeded_model(GlmOcrForConditionalGeneration, config), processor, ids, bos="<|endoftext|>",
          eos=("<|endoftext|>", "<|user|>"))


PADDLE_SPECIAL_TOKENS = ["<|endoftext|>", "<s>", "</s>", "<|IMAGE_START|>", "<|IMAGE_END|>", "<|IMAGE_PLACEHOLDER|>",
                         "<|VIDEO_PLACEHOLDER|>"]


def _build_paddleocr_vl(out_dir: Path) -> None:
    from transformers import PaddleOCRVLConfig, PaddleOCRVLForConditionalGeneration, PaddleOCRVLImageProcessor, \
        PaddleOCRVLProcessor

    # ERNIE's turns: "User: ...\n", the reply after "Assistant: " and ended by "</s>".
    template = _chat_template("<s>", "ROLE: CONTENT\n", "<|IMAGE_START|><|IMAGE_PLACEHOLDER|><|IMAGE_END|>",
                              "Assistant: ").replace("message['role'] +", "message['role'] | capitalize +")
    tokenizer = _ocr_tokenizer(PADDLE_SPECIAL_TOKENS, "<s>", "</s>", "<|endoftext|>",
                               named={"image_token": "<|IMAGE_PLACEHOLDER|>"}, chat_template=template)
    ids = _special_ids(tokenizer, PADDLE_SPECIAL_TOKENS)
    config = PaddleOCRVLConfig(
        text_config=_small_text(_padded_vocab_size(tokenizer), num_key_value_heads=TEXT_KV_HEADS, head_dim=HEAD_DIM,
                                rope_parameters={"rope_type": "default", "rope_theta": 500000.0,
                                                 "mrope_section": [2, 3, 3]},
                                pad_token_id=ids["<|endoftext|>"], bos_token_id=ids["<s>"], eos_token_id=ids["</s>"]),
        vision_config={"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
                       "patch_size": 14, "spatial_merge_size": 2, "image_size": 56},
        image_token_id=ids["<|IMAGE_PLACEHOLDER|>"], video_token_id=ids["<|VIDEO_PLACEHOLDER|>"],
        vision_start_token_id=ids["<|IMAGE_START|>"], vision_end_token_id=ids["<|IMAGE_END|>"],
    )
    image_processor = PaddleOCRVLImageProcessor(min_pixels=QWEN_MIN_PATCHES * 28**2, max_pixels=QWEN_MAX_PATCHES * 28**2)
    processor = PaddleOCRVLProcessor(image_processor=image_processor, tokenizer=tokenizer, chat_template=template)
    _save(out_dir, _seeded_model(PaddleOCRVLForConditionalGeneration, config), processor, ids, bos="<s>", eos=("</s>",))
