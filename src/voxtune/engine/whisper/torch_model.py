"""CTranslate2 Whisper weights <-> a PyTorch `WhisperForConditionalGeneration` (transformers).

Reading maps ctranslate2's spec names back onto transformers' modules, undoing the fusions its
converter makes (converters/transformers.py, WhisperLoader: q/k/v fused in self-attention, k/v
in cross-attention; Whisper's k projections have no bias, the converter fills in zeros).
Writing uses ctranslate2's own converter classes on the in-memory model, so what voxtune
serves is laid out exactly as `ct2-transformers-converter` would lay it out.

torch and transformers are imported inside the functions: serving never needs them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from voxtune.engine.whisper.ct2_format import Ct2Model, read_model_bin
from voxtune.errors import ModelError

if TYPE_CHECKING:
    import torch
    from transformers import WhisperForConditionalGeneration

N_MELS_DEFAULT = 80
MAX_SOURCE_POSITIONS = 1500  # encoder positions: 3000 mel frames (30 s) after the stride-2 conv
MAX_TARGET_POSITIONS = 448
COPIED_FILES = (
    "config.json",
    "tokenizer.json",
    "vocabulary.txt",
    "vocabulary.json",
    "preprocessor_config.json",
)


def _count_layers(ct2: Ct2Model, prefix: str) -> int:
    count = 0
    while f"{prefix}/layer_{count}/ffn/linear_0/weight" in ct2.variables:
        count += 1
    return count


def whisper_config(ct2: Ct2Model) -> Any:
    """The transformers WhisperConfig of a CTranslate2 Whisper model, read off its shapes."""
    from transformers import WhisperConfig

    embeddings = ct2.get("decoder/embeddings/weight")
    vocab_size, d_model = embeddings.shape
    return WhisperConfig(
        vocab_size=int(vocab_size),
        num_mel_bins=int(ct2.get("encoder/conv1/weight").shape[1]),
        d_model=int(d_model),
        encoder_layers=_count_layers(ct2, "encoder"),
        decoder_layers=_count_layers(ct2, "decoder"),
        encoder_attention_heads=int(ct2.get("encoder/num_heads")),
        decoder_attention_heads=int(ct2.get("decoder/num_heads")),
        encoder_ffn_dim=int(ct2.get("encoder/layer_0/ffn/linear_0/weight").shape[0]),
        decoder_ffn_dim=int(ct2.get("decoder/layer_0/ffn/linear_0/weight").shape[0]),
        max_source_positions=int(ct2.get("encoder/position_encodings/encodings").shape[0]),
        max_target_positions=int(ct2.get("decoder/position_encodings/encodings").shape[0]),
        dropout=0.0,
        tie_word_embeddings=True,
    )


def _state_dict(ct2: Ct2Model, config: Any) -> dict[str, np.ndarray]:
    """transformers parameter names -> float32 arrays."""
    d = config.d_model
    out: dict[str, np.ndarray] = {}

    def put(name: str, ct2_name: str, rows: slice | None = None) -> None:
        value = ct2.get(ct2_name).astype(np.float32)
        out[name] = value[rows] if rows is not None else value

    def linear(name: str, ct2_name: str, rows: slice | None = None, bias: bool = True) -> None:
        put(f"{name}.weight", f"{ct2_name}/weight", rows)
        if bias:
            put(f"{name}.bias", f"{ct2_name}/bias", rows)

    def norm(name: str, ct2_name: str) -> None:
        put(f"{name}.weight", f"{ct2_name}/gamma")
        put(f"{name}.bias", f"{ct2_name}/beta")

    q, k, v = slice(0, d), slice(d, 2 * d), slice(2 * d, 3 * d)
    for side, count in (("encoder", config.encoder_layers), ("decoder", config.decoder_layers)):
        hf = f"model.{side}"
        put(f"{hf}.embed_positions.weight", f"{side}/position_encodings/encodings")
        norm(f"{hf}.layer_norm", f"{side}/layer_norm")
        for i in range(count):
            layer, spec = f"{hf}.layers.{i}", f"{side}/layer_{i}"
            attention = f"{spec}/self_attention"
            linear(f"{layer}.self_attn.q_proj", f"{attention}/linear_0", q)
            linear(f"{layer}.self_attn.k_proj", f"{attention}/linear_0", k, bias=False)
            linear(f"{layer}.self_attn.v_proj", f"{attention}/linear_0", v)
            linear(f"{layer}.self_attn.out_proj", f"{attention}/linear_1")
            norm(f"{layer}.self_attn_layer_norm", f"{attention}/layer_norm")
            if side == "decoder":
                cross = f"{spec}/attention"
                linear(f"{layer}.encoder_attn.q_proj", f"{cross}/linear_0")
                linear(f"{layer}.encoder_attn.k_proj", f"{cross}/linear_1", slice(0, d), False)
                linear(f"{layer}.encoder_attn.v_proj", f"{cross}/linear_1", slice(d, 2 * d))
                linear(f"{layer}.encoder_attn.out_proj", f"{cross}/linear_2")
                norm(f"{layer}.encoder_attn_layer_norm", f"{cross}/layer_norm")
            linear(f"{layer}.fc1", f"{spec}/ffn/linear_0")
            linear(f"{layer}.fc2", f"{spec}/ffn/linear_1")
            norm(f"{layer}.final_layer_norm", f"{spec}/ffn/layer_norm")
    for conv in ("conv1", "conv2"):
        linear(f"model.encoder.{conv}", f"encoder/{conv}")
    put("model.decoder.embed_tokens.weight", "decoder/embeddings/weight")
    return out


def load_torch_model(model_dir: Path) -> WhisperForConditionalGeneration:
    """A float32 PyTorch Whisper with the weights of the CTranslate2 model in `model_dir`."""
    import torch
    from transformers import WhisperForConditionalGeneration

    ct2 = read_model_bin(model_dir / "model.bin")
    if ct2.spec_name != "WhisperSpec":
        raise ModelError(f"{model_dir} holds a {ct2.spec_name}, not a Whisper model")
    config = whisper_config(ct2)
    model = WhisperForConditionalGeneration(config)
    state = {
        name: torch.from_numpy(value.copy()) for name, value in _state_dict(ct2, config).items()
    }
    missing, unexpected = model.load_state_dict(state, strict=False)
    # proj_out is tied to the token embeddings; nothing else may be left out.
    if [m for m in missing if m != "proj_out.weight"] or unexpected:
        raise ModelError(f"{model_dir}: weights do not fit ({missing[:3]}, {unexpected[:3]})")
    model.tie_weights()
    model.eval()  # type: ignore[no-untyped-call]
    return model


def _vocabulary(model_dir: Path) -> list[str]:
    if (model_dir / "vocabulary.json").is_file():
        tokens: list[str] = json.loads((model_dir / "vocabulary.json").read_text("utf-8"))
        return tokens
    text = (model_dir / "vocabulary.txt").read_text("utf-8")
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


def export_ct2(
    model: WhisperForConditionalGeneration,
    base_dir: Path,
    out_dir: Path,
    quantization: str = "float16",
) -> None:
    """Write `model` as a CTranslate2 model directory: model.bin from ctranslate2's
    WhisperLoader, config, tokenizer and vocabulary copied from the base model it came from."""
    import torch
    from ctranslate2.converters.transformers import WhisperLoader

    out_dir.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        spec = WhisperLoader().get_model_spec(model)
        spec.register_vocabulary(_vocabulary(base_dir))
        spec.validate()
        spec.optimize(quantization=quantization)
        spec._serialize(str(out_dir / "model.bin"))
    for name in COPIED_FILES:
        if (base_dir / name).is_file():
            shutil.copyfile(base_dir / name, out_dir / name)


def encode_cropped(model: WhisperForConditionalGeneration, features: torch.Tensor) -> torch.Tensor:
    """The encoder over a window shorter than 30 s: transformers insists on 3000 frames, but
    the architecture does not (positions are added up to the window's length), and
    CTranslate2 decodes such windows; training on them costs a fraction of padded ones."""
    import torch.nn.functional as F

    encoder = model.model.encoder
    hidden = F.gelu(encoder.conv1(features))
    hidden = F.gelu(encoder.conv2(hidden)).permute(0, 2, 1)
    hidden = hidden + encoder.embed_positions.weight[: hidden.shape[1]]
    for layer in encoder.layers:
        hidden = layer(hidden, None)
    result: torch.Tensor = encoder.layer_norm(hidden)
    return result
